#include "config/config_keys.h"
#include "config/experiment_config.h"
#include "tasks/vocabulary.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

using namespace relay;
using nlohmann::json;

namespace {

// The error message of parsing `user`, or "" when it parses.
std::string errorOf(const json& user) {
    try {
        experimentConfigFromJson(user);
        return "";
    } catch (const std::invalid_argument& error) {
        return error.what();
    }
}

} // namespace

TEST(ExperimentConfig, DefaultsParseAndRoundTrip) {
    auto config = experimentConfigFromJson(json::object());
    EXPECT_EQ(config.tasks.size(), 1u);
    EXPECT_EQ(config.tasks[0].task, "ari");
    EXPECT_EQ(config.model.hiddenSize, 256);
    // ARI mod 11 up to 8 operators: numbers 0..10.
    EXPECT_EQ(config.model.vocabularySize, Vocabulary(11).size());
    auto again = experimentConfigFromJson(experimentConfigToJson(config));
    EXPECT_EQ(experimentConfigToJson(again), experimentConfigToJson(config));
}

TEST(ExperimentConfig, EveryPresetIsValid) {
    auto names = presetNames();
    for (const char* expected : {"paper-ari", "paper-ed", "paper-lis", "cpu-quick-ari"})
        EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
    for (const auto& name : names)
        EXPECT_EQ(errorOf(loadPreset(name)), "") << name;
    auto paper = experimentConfigFromJson(loadPreset("paper-ari"));
    EXPECT_EQ(paper.training.batchSize, 512);
    EXPECT_EQ(paper.totalSteps(), 500 * ((1000000 + 511) / 512)); // 500 epochs
    EXPECT_THROW(loadPreset("no-such-preset"), std::invalid_argument);
}

TEST(ExperimentConfig, ErrorsNameTheKey) {
    EXPECT_NE(errorOf({{"bogus", 1}}).find("'bogus': unknown key"), std::string::npos);
    EXPECT_NE(errorOf({{"optimizer", {{"lr", 1}}}}).find("'optimizer.lr'"), std::string::npos);
    EXPECT_NE(errorOf({{"training", {{"batch_size", "big"}}}}).find("training.batch_size"),
              std::string::npos);
    EXPECT_NE(errorOf({{"training", {{"batch_size", 0}}}}).find("outside"), std::string::npos);
    EXPECT_NE(errorOf({{"training", {{"batch_size", 2.5}}}}).find("integer"), std::string::npos);
    EXPECT_NE(errorOf({{"iterations", {{"rule", "forever"}}}}).find("not one of"),
              std::string::npos);
    EXPECT_NE(errorOf({{"model", {{"heads", 3}}}}).find("model.heads"), std::string::npos);
    EXPECT_NE(errorOf({{"model", {{"vocabulary_size", 3}}}}).find("derived"), std::string::npos);
    EXPECT_NE(errorOf({{"tasks", json::array({{{"task", "sudoku"}}})}}).find("tasks.0.task"),
              std::string::npos);
    EXPECT_NE(
        errorOf({{"tasks", json::array({{{"task", "ari"}, {"modulus", 12}}})}}).find("tasks.0"),
        std::string::npos);
    EXPECT_NE(errorOf({{"train_lengths", {{"min", 5}, {"max", 2}}}}).find("train_lengths.min"),
              std::string::npos);
    EXPECT_NE(errorOf({{"tasks", json::array()}}).find("tasks"), std::string::npos);
}

TEST(ExperimentConfig, OverridesApplyAndValidate) {
    json config = loadPreset("cpu-quick-ari");
    applyOverride(config, "optimizer.learning_rate=0.001");
    applyOverride(config, "device=cpu");
    applyOverride(config, "model.position_encoding=rope-randomized");
    applyOverride(config, "tasks=ari,lis");
    applyOverride(config, "tasks.1.weight=5");
    auto parsed = experimentConfigFromJson(config);
    EXPECT_DOUBLE_EQ(parsed.optimizer.learningRate, 0.001);
    EXPECT_EQ(parsed.model.positionEncoding, PositionEncoding::RopeRandomized);
    ASSERT_EQ(parsed.tasks.size(), 2u);
    EXPECT_TRUE(parsed.multitask());
    EXPECT_DOUBLE_EQ(parsed.tasks[1].weight, 5.0);
    // LIS values reach 249, so the vocabulary grows to hold them.
    EXPECT_EQ(parsed.model.vocabularySize, Vocabulary(250).size());

    EXPECT_THROW(applyOverride(config, "optimizer.lrate=1"), std::invalid_argument);
    EXPECT_THROW(applyOverride(config, "no-equals-sign"), std::invalid_argument);
    EXPECT_THROW(applyOverride(config, "tasks.7.weight=1"), std::invalid_argument);
    applyOverride(config, "training.steps=-5");
    EXPECT_NE(errorOf(config).find("training.steps"), std::string::npos);
}

TEST(ExperimentConfig, DescribeListsEveryKey) {
    auto lines = describeConfig();
    auto has = [&](const std::string& key) {
        return std::any_of(lines.begin(), lines.end(),
                           [&](const auto& line) { return line.first == key; });
    };
    EXPECT_TRUE(has("optimizer.learning_rate"));
    EXPECT_TRUE(has("tasks[].modulus"));
    EXPECT_TRUE(has("model.position_encoding"));
    EXPECT_TRUE(has("model.tie_embeddings"));
    // Every model key says what it means after its default: "<default>  <meaning>".
    for (const auto& [key, text] : lines)
        if (key.rfind("model.", 0) == 0) {
            auto gap = text.find("  ");
            ASSERT_NE(gap, std::string::npos) << key;
            EXPECT_GT(text.size(), gap + 2) << key << " has no meaning";
        }
}

// Every key of the table round-trips through JSON on its own: reading a value that differs from
// the default and writing it back gives that value (a key bound to the wrong member, or read
// but never written, breaks this).
TEST(ExperimentConfig, EveryKeyRoundTripsToItsOwnMember) {
    const ExperimentConfig defaults;
    for (const ConfigKey& entry : configKeys()) {
        json other = entry.defaultValue;
        if (!entry.choices.empty())
            other = entry.choices.back() == entry.defaultValue.get<std::string>()
                        ? entry.choices.front()
                        : entry.choices.back();
        else if (other.is_boolean())
            other = !other.get<bool>();
        else if (other.is_number_integer())
            other = other.get<double>() + 1 <= entry.maximum ? other.get<std::int64_t>() + 1
                                                             : other.get<std::int64_t>() - 1;
        else if (other.is_number())
            other = (entry.minimum + std::min(entry.maximum, 1.0)) / 2;
        else if (other.is_string())
            other = entry.key == "device" ? "cpu" : "changed";
        ExperimentConfig config = defaults;
        entry.write(config, other);
        EXPECT_EQ(entry.read(config), other) << entry.key;
        // No other key moved.
        for (const ConfigKey& rest : configKeys()) {
            if (rest.key != entry.key) {
                EXPECT_EQ(rest.read(config), rest.read(defaults))
                    << entry.key << " moved " << rest.key;
            }
        }
    }
}

TEST(ExperimentConfig, StageTwoAndPipelineKeys) {
    auto config = experimentConfigFromJson(
        {{"stage2", {{"lengths_max", 12}, {"generated_samples", 500}, {"verified_only", true}}},
         {"pipeline", {{"ar_steps", 300}, {"self_chain", true}, {"ar_curriculum_grow_every", 700}}},
         {"data", {{"train_file", "/tmp/set.jsonl"}}}});
    EXPECT_EQ(config.stageTwoLengthsMax(), 12);
    EXPECT_EQ(config.stage2.generatedSamples, 500);
    EXPECT_TRUE(config.stage2.verifiedOnly);
    EXPECT_EQ(config.pipeline.arSteps, 300);
    EXPECT_EQ(config.pipeline.vanillaSteps, 0);
    EXPECT_EQ(config.pipeline.arCurriculumGrowEvery, 700);
    EXPECT_EQ(config.pipeline.vanillaCurriculumGrowEvery, 0);
    EXPECT_TRUE(config.pipeline.selfChain);
    EXPECT_EQ(config.data.trainFile, "/tmp/set.jsonl");
    // The vocabulary covers the Stage II lengths too (ARI mod 11: numbers never exceed 10).
    EXPECT_EQ(config.model.vocabularySize, Vocabulary(11).size());
    auto again = experimentConfigFromJson(experimentConfigToJson(config));
    EXPECT_EQ(again.stage2.lengthsMax, 12);
    EXPECT_EQ(again.pipeline.arSteps, 300);
    EXPECT_EQ(again.pipeline.arCurriculumGrowEvery, 700);
    // Defaults: Stage II writes up to test_lengths.max.
    EXPECT_EQ(experimentConfigFromJson(json::object()).stageTwoLengthsMax(), 8);

    EXPECT_NE(errorOf({{"stage2", {{"lengths_max", 3}}}}).find("stage2.lengths_max"),
              std::string::npos);
    EXPECT_NE(
        errorOf({{"stage2", {{"self_chain_filter", "oracle"}}}}).find("stage2.self_chain_filter"),
        std::string::npos);
    EXPECT_NE(errorOf({{"stage2", {{"steps", 0}}}}).find("stage2.steps"), std::string::npos);
    EXPECT_NE(errorOf({{"pipeline", {{"surprise", 1}}}}).find("pipeline.surprise"),
              std::string::npos);
}

TEST(WorkerProcesses, OnePerCoreWhileEachKeepsThirtyTwoExamples) {
    const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    EXPECT_EQ(defaultWorkerProcesses(64), std::min(cores, 2));
    EXPECT_EQ(defaultWorkerProcesses(31), 1); // too few examples to split
    EXPECT_EQ(defaultWorkerProcesses(1), 1);
    EXPECT_EQ(defaultWorkerProcesses(32 * 4096), cores);

    ExperimentConfig config;
    config.training.batchSize = 128;
    EXPECT_EQ(workerProcesses(config), std::min(cores, 4));
    config.processes = 3; // the key, when set, is what runs
    EXPECT_EQ(workerProcesses(config), 3);
    EXPECT_EQ(pipelineWorkerProcesses(config), 3);
    config.processes = 0;
    config.pipeline.parallelStages = true; // the stages already take a core each
    EXPECT_EQ(pipelineWorkerProcesses(config), 1);
    config.pipeline.parallelStages = false;
    EXPECT_EQ(pipelineWorkerProcesses(config), workerProcesses(config));
}
