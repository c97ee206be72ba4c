#include "train/stage_two.h"

#include "config/experiment_config.h"
#include "model/device.h"
#include "tasks/atomic_file.h"
#include "tasks/dataset.h"
#include "tasks/dataset_file.h"
#include "train/run_model.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

namespace relay {
namespace {

constexpr double kPaperOriginal = 42515;
constexpr double kPaperGenerated = 100000 - kPaperOriginal;

nlohmann::json correctnessJson(const std::vector<ChainCorrectness>& rows) {
    auto list = nlohmann::json::array();
    for (const auto& row : rows)
        list.push_back({{"task", row.task},
                        {"length", row.length},
                        {"samples", row.samples},
                        {"verified", row.verified},
                        {"answer_correct", row.answerCorrect},
                        {"token_accuracy", row.tokenAccuracy},
                        {"label_free_kept", row.labelFree.selected},
                        {"label_free_kept_verified", row.labelFree.selectedAndVerified},
                        {"label_free_checked_verified", row.labelFree.verified}});
    return list;
}

// Originals plus the chosen written chains, as one fine-tuning file in `folder`.
std::string writeFineTuningSet(const std::string& folder, const std::string& name,
                               const std::vector<DatasetExample>& originals,
                               const std::vector<GeneratedChain>& chains, ChainSelection selection,
                               int& chainCount) {
    auto examples = originals;
    auto written = writtenExamples(chains, selection);
    chainCount = static_cast<int>(written.size());
    examples.insert(examples.end(), written.begin(), written.end());
    const auto path = (std::filesystem::path(folder) / name).string();
    writeDatasetFile(path, examples, DatasetFormat::Jsonl);
    return path;
}

} // namespace

const std::string& chainsFile(const StageTwoResult& result, ChainSelection selection) {
    switch (selection) {
    case ChainSelection::LabelFree:
        if (result.labelFreeChainsFile.empty())
            throw std::invalid_argument("these Stage II chains were generated before the "
                                        "label-free filter existed; generate them again");
        return result.labelFreeChainsFile;
    case ChainSelection::Verified:
        return result.verifiedChainsFile;
    case ChainSelection::All:
        break;
    }
    return result.allChainsFile;
}

int originalSampleCount(const ExperimentConfig& config, int generated) {
    if (config.stage2.originalSamples > 0)
        return config.stage2.originalSamples;
    return static_cast<int>(std::lround(generated * kPaperOriginal / kPaperGenerated));
}

std::vector<DatasetExample> originalExamples(const ExperimentConfig& config, int count) {
    auto train =
        makeMultitaskDatasets(datasetSpecs(config, config.testLengths.min, config.testLengths.max))
            .train;
    train.erase(std::remove_if(train.begin(), train.end(),
                               [&](const DatasetExample& example) {
                                   return example.problem.complexity < config.trainLengths.min;
                               }),
                train.end());
    std::mt19937_64 random(config.seed * 0x9E3779B97F4A7C15ULL + 2);
    std::shuffle(train.begin(), train.end(), random);
    train.resize(std::min<std::size_t>(train.size(), static_cast<std::size_t>(count)));
    return train;
}

ExperimentConfig withStageTwoOverrides(const ExperimentConfig& config,
                                       const std::vector<std::string>& overrides) {
    if (overrides.empty())
        return config;
    auto json = experimentConfigToJson(config);
    for (const auto& assignment : overrides) {
        // The model was trained under the rest of the config; only what Stage II writes, and
        // the loop count it writes with, may change.
        if (assignment.rfind("stage2.", 0) != 0 && assignment.rfind("iterations.", 0) != 0)
            throw std::invalid_argument("'" + assignment +
                                        "': chain generation takes only stage2.* and "
                                        "iterations.* keys (the generator run's other settings "
                                        "are fixed)");
        applyOverride(json, assignment);
    }
    return experimentConfigFromJson(json);
}

StageTwoResult generateStageTwo(RunStore& store, std::int64_t generatorRun,
                                const std::string& folder, TrainingEvents& events,
                                const std::vector<std::string>& stageTwoOverrides) {
    auto started = std::chrono::steady_clock::now();
    RunModel generator = loadRunModel(store, generatorRun);
    if (!generator.looped)
        throw std::invalid_argument("run " + std::to_string(generatorRun) +
                                    " is not a looped run; Stage II chains come from a looped "
                                    "model");
    const ExperimentConfig config = withStageTwoOverrides(generator.config, stageTwoOverrides);
    const int lengthMin = config.trainLengths.max + 1;
    const int lengthMax = config.stageTwoLengthsMax();
    if (lengthMax < lengthMin)
        throw std::invalid_argument("config key 'stage2.lengths_max': no length above "
                                    "train_lengths.max to write chains for");
    auto counts = paperLengthCounts(config.stage2.generatedSamples, lengthMax - lengthMin + 1);
    events.emit({{"event", "stage"},
                 {"run", generatorRun},
                 {"stage", "generate"},
                 {"state", "started"},
                 {"lengths", {lengthMin, lengthMax}},
                 {"samples_per_length", counts},
                 {"threads", cpuThreads()}});
    auto problems = stageTwoProblems(config, lengthMin, counts);
    auto chains =
        writeLoopedChains(generator.looped, generator.vocabulary, problems, config.iterations,
                          config.multitask(), kGenerationBatch, config.stage2.labelFreeConfidence);
    std::vector<ChainRecord> records;
    records.reserve(chains.size());
    for (const auto& chain : chains)
        records.push_back(chainRecordOf(chain));
    store.replaceChains(generatorRun, records);

    StageTwoResult result;
    result.generatorRun = generatorRun;
    result.generated = static_cast<int>(chains.size());
    result.correctness = chainCorrectnessByLength(records);
    auto originals = originalExamples(config, originalSampleCount(config, result.generated));
    result.original = static_cast<int>(originals.size());

    std::filesystem::create_directories(folder);
    int all = 0;
    result.allChainsFile = writeFineTuningSet(folder, "finetune-all.jsonl", originals, chains,
                                              ChainSelection::All, all);
    result.labelFreeChainsFile =
        writeFineTuningSet(folder, "finetune-label-free.jsonl", originals, chains,
                           ChainSelection::LabelFree, result.labelFreeKept);
    result.verifiedChainsFile =
        writeFineTuningSet(folder, "finetune-verified.jsonl", originals, chains,
                           ChainSelection::Verified, result.verified);
    result.wallSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    auto event = stageTwoResultToJson(result);
    event["event"] = "stage";
    event["run"] = generatorRun;
    event["stage"] = "generate";
    event["state"] = "finished";
    events.emit(event);
    return result;
}

nlohmann::json stageTwoResultToJson(const StageTwoResult& result) {
    return {{"generator_run", result.generatorRun},
            {"generated", result.generated},
            {"verified", result.verified},
            {"label_free_kept", result.labelFreeKept},
            {"original", result.original},
            {"chain_correctness", correctnessJson(result.correctness)},
            {"all_chains_file", result.allChainsFile},
            {"label_free_chains_file", result.labelFreeChainsFile},
            {"verified_chains_file", result.verifiedChainsFile},
            {"wall_seconds", result.wallSeconds}};
}

StageTwoResult stageTwoResultFromJson(const nlohmann::json& json) {
    StageTwoResult result;
    result.generatorRun = json.at("generator_run");
    result.generated = json.at("generated");
    result.verified = json.at("verified");
    // Results written before the label-free filter existed have none of its fields.
    result.labelFreeKept = json.value("label_free_kept", 0);
    result.original = json.at("original");
    for (const auto& row : json.at("chain_correctness")) {
        ChainCorrectness correctness;
        correctness.task = row.at("task");
        correctness.length = row.at("length");
        correctness.samples = row.at("samples");
        correctness.verified = row.at("verified");
        correctness.answerCorrect = row.at("answer_correct");
        correctness.tokenAccuracy = row.value("token_accuracy", -1.0);
        correctness.labelFree.selected = row.value("label_free_kept", 0);
        correctness.labelFree.selectedAndVerified = row.value("label_free_kept_verified", 0);
        correctness.labelFree.verified = row.value("label_free_checked_verified", 0);
        result.correctness.push_back(correctness);
    }
    result.allChainsFile = json.at("all_chains_file");
    result.labelFreeChainsFile = json.value("label_free_chains_file", "");
    result.verifiedChainsFile = json.at("verified_chains_file");
    result.wallSeconds = json.at("wall_seconds");
    return result;
}

StageTwoResult readStageTwoResult(const std::string& path) {
    std::ifstream in(path);
    try {
        return stageTwoResultFromJson(nlohmann::json::parse(in));
    } catch (const nlohmann::json::exception& error) {
        throw std::invalid_argument(path + ": not a readable Stage II result (" +
                                    jsonErrorText(error) +
                                    "); delete it to generate the chains again");
    }
}

} // namespace relay
