// A pipeline whose config leaves no length above training for Stage II is refused before its
// first run trains, naming the key to change; a config with such a length is not refused. With
// stages side by side (a core each) the generation, which runs alone, takes the config's threads.
#include "tiny_run_support.h"

#include "train/pipeline.h"

#include <stdexcept>

namespace relay {
namespace {

using PipelineConfigTest = test::TinyRunTest;

class NoEvents : public TrainingEvents {
public:
    void emit(const nlohmann::json&) override {}
};

std::string refusal(RunStore& store, const ExperimentConfig& config) {
    NoEvents events;
    std::atomic<bool> cancel{true}; // a pipeline that is not refused stops before its first stage
    try {
        runPipeline(store, PipelineRequest{config, "refused", ""}, events, cancel);
    } catch (const std::invalid_argument& error) {
        return error.what();
    }
    return "";
}

TEST_F(PipelineConfigTest, NoLengthAboveTrainingIsRefusedBeforeAnyRun) {
    RunStore store(storeFile());
    // Tests within training and Stage II left to its default (test_lengths.max).
    const auto defaulted = refusal(store, test::tinyConfig({{"test_lengths", {{"max", 2}}}}));
    EXPECT_NE(defaulted.find("'test_lengths.max'"), std::string::npos) << defaulted;
    EXPECT_NE(defaulted.find("(2)"), std::string::npos) << defaulted;
    EXPECT_TRUE(store.runs().empty());
}

TEST_F(PipelineConfigTest, ALengthAboveTrainingFromEitherKeyIsAccepted) {
    RunStore store(storeFile());
    EXPECT_EQ(refusal(store, test::tinyConfig()), ""); // test_lengths.max 3 > 2
    EXPECT_EQ(refusal(store, test::tinyConfig({{"test_lengths", {{"max", 2}}},
                                               {"stage2", {{"lengths_max", 3}}}})),
              "");
}

// Keeps the generate stage's started event and the thread count each run's first step ran with.
class GenerateEvents : public TrainingEvents {
public:
    void emit(const nlohmann::json& event) override {
        if (event.value("stage", "") == "generate" && event.value("state", "") == "started")
            generateThreads = event.value("threads", -1);
    }
    int generateThreads = -1;
};

TEST_F(PipelineConfigTest, GenerationAloneTakesTheConfigsThreads) {
    RunStore store(storeFile());
    const auto config = test::tinyConfig({{"threads", 2},
                                          {"training", {{"steps", 2}}},
                                          {"stage2", {{"generated_samples", 6}, {"steps", 1}}},
                                          {"pipeline", {{"parallel_stages", true}}}});
    GenerateEvents events;
    std::atomic<bool> cancel{false};
    const auto report = runPipeline(store, PipelineRequest{config, "threads", ""}, events, cancel);
    ASSERT_EQ(report.status, RunStatus::Finished) << report.message;
    EXPECT_EQ(events.generateThreads, 2);
    // The stages side by side trained with one thread each: their runs record it.
    ASSERT_GE(store.runs().size(), 4u); // looped, vanilla, AR, a fine-tune at least
    for (const auto& run : store.runs())
        EXPECT_EQ(nlohmann::json::parse(run.configJson).value("threads", -1), 1) << run.name;
}

} // namespace
} // namespace relay
