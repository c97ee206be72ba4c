// The experiment config: everything a run needs, as one JSON document (docs/architecture.md).
// Defaults and their meaning live in one place (config_schema.cpp); a user's file and
// `--set a.b=value` overrides are merged over them; unknown keys, wrong types and values out of
// range are errors that name the key. No LibTorch: the GUI validates with the same code.
#pragma once

#include "model/model_config.h"
#include "tasks/task.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace relay {

struct TaskEntry {
    std::string task; // ari | ed | lis
    double weight = 1.0;
    TaskOptions options;
};

struct OptimizerConfig {
    double learningRate = 5e-4;
    double weightDecay = 0.01;
    double beta1 = 0.9;
    double beta2 = 0.98;
    double epsilon = 1e-8;
};

// Stage II (docs/method.md §3): chains for longer problems and the AR fine-tune on them.
struct StageTwoConfig {
    int lengthsMax = 0; // 0: test_lengths.max
    int generatedSamples = 2000;
    int originalSamples = 0; // 0: the paper's share
    bool verifiedOnly = false;
    double learningRate = 1e-4;
    int steps = 2000;
    int selfChainPhases = 5;
    std::string selfChainFilter = "looped-vanilla"; // looped-vanilla | true-answer
};

struct PipelineConfig {
    bool selfChain = false;
    bool verifiedOnlyAblation = true;
    bool parallelStages = true;
    int vanillaSteps = 0; // 0: training.steps
    int arSteps = 0;      // 0: training.steps
    // Curriculum intervals of the baselines (0: training.curriculum_grow_every): a baseline
    // that trains fewer steps than Stage I needs a shorter one to reach K_train in time.
    int vanillaCurriculumGrowEvery = 0;
    int arCurriculumGrowEvery = 0;
};

struct ExperimentConfig {
    std::string name;
    std::vector<TaskEntry> tasks;
    int trainLengthMin = 1, trainLengthMax = 4;
    int testLengthMin = 1, testLengthMax = 8;
    int trainSamples = 20000;
    int testSamplesPerLength = 200;
    int probeCount = 6;
    std::string trainFile; // train on this dataset file instead of generated problems
    ModelConfig model;
    std::string iterationsRule = "oracle"; // oracle | fixed | adaptive
    int fixedIterations = 0;
    int maximumIterations = 0;       // adaptive: run up to this many (0: 2 x the longest T)
    std::string objective = "relay"; // relay | vanilla
    double lambda = 1.0;
    std::string padTargets = "marker"; // marker (Eq. 6) | all: which left pads L_iter scores
    OptimizerConfig optimizer;
    double warmupRatio = 0.01;
    int warmupSteps = 0; // > 0 overrides warmupRatio
    int batchSize = 64;
    int steps = 10000;
    int epochs = 0; // > 0 overrides steps: steps = epochs * trainSamples / batchSize
    double gradientClip = 1.0;
    int evalEvery = 500;
    int checkpointEvery = 1000;
    bool curriculum = false;
    int curriculumStartLength = 1;
    int curriculumGrowEvery = 500;
    StageTwoConfig stageTwo;
    PipelineConfig pipeline;
    std::string device = "auto";
    std::string precision = "bf16-autocast"; // fp32 | bf16-autocast (CUDA only)
    int threads = 0;                         // 0: all cores (shared out among the worker processes)
    int processes = 0; // data-parallel worker processes; 0: defaultWorkerProcesses()
    std::uint64_t seed = 1;

    bool multitask() const { return tasks.size() > 1; }
    // The longest length Stage II writes chains for.
    int stageTwoLengthsMax() const {
        return stageTwo.lengthsMax > 0 ? stageTwo.lengthsMax : testLengthMax;
    }
    // Optimizer steps the run takes (epochs converted when set).
    std::int64_t totalSteps() const;
};

// The defaults as JSON: the shape every config must have.
const nlohmann::json& defaultConfigJson();

// One line per key: "key  default  meaning" (for `relay config --describe` and the GUI's
// tooltips).
std::vector<std::pair<std::string, std::string>> describeConfig();

// Merges `user` over the defaults and validates; throws std::invalid_argument naming the key.
ExperimentConfig experimentConfigFromJson(const nlohmann::json& given);
nlohmann::json experimentConfigToJson(const ExperimentConfig& config);

// Parses config JSON from `origin` (a file, "--set key", a stored run): syntax errors, numbers
// out of range and absurd nesting are std::invalid_argument naming the origin.
nlohmann::json parseConfigJson(const std::string& text, const std::string& origin);
// A JSON library exception's message without its "[json.exception.type_error.302] " prefix.
std::string jsonErrorText(const std::exception& error);
// Reads a config file (errors name the file), applies `key.path=value` overrides in order.
nlohmann::json loadConfigJson(const std::string& path);
void applyOverride(nlohmann::json& config, const std::string& assignment);

// A preset shipped in resources/presets (paper-ari, cpu-quick-ari, ...); searched in
// $RELAY_PRESETS_DIR, then the source tree's resources/presets, then the installed share dir.
nlohmann::json loadPreset(const std::string& name);
std::vector<std::string> presetNames();

// Worker processes a run uses when its config says 0: what trains small models fastest here.
int defaultWorkerProcesses();

} // namespace relay
