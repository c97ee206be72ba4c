// The experiment config: everything a run needs, as one JSON document (docs/architecture.md).
// Each key is declared once: a member below (its type and default) and its row in
// config_keys.cpp (name, range, meaning). A user's file and `--set a.b=value` overrides are
// merged over the defaults; unknown keys, wrong types and values out of
// range are errors that name the key. No LibTorch: the GUI validates with the same code.
#pragma once

#include "closed_set.h"
#include "model/autocast.h"
#include "model/model_config.h"
#include "model/stopping_rule.h"
#include "tasks/task.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace relay {

struct TaskEntry {
    std::string task = "ari"; // ari | ed | lis (the task registry's names)
    double weight = 1.0;
    TaskOptions options;
};

// Which <pad> left of a right-aligned step L_iter scores (docs/method.md §2.2).
enum class PadTargets {
    Marker, // only the one just before the step (Eq. 6)
    All     // every one, so the latent row must also clear what the step no longer holds
};
template <> struct ClosedSet<PadTargets> {
    static constexpr const char* what = "objective.pad_targets";
    static constexpr std::array<std::pair<PadTargets, const char*>, 2> names{
        {{PadTargets::Marker, "marker"}, {PadTargets::All, "all"}}};
};

// Which chains the ar-self baseline keeps (docs/method.md §3).
enum class SelfChainFilter { LoopedVanilla, TrueAnswer };
template <> struct ClosedSet<SelfChainFilter> {
    static constexpr const char* what = "stage2.self_chain_filter";
    static constexpr std::array<std::pair<SelfChainFilter, const char*>, 2> names{
        {{SelfChainFilter::LoopedVanilla, "looped-vanilla"},
         {SelfChainFilter::TrueAnswer, "true-answer"}}};
};

// The sections below mirror the config's JSON sections one to one. Every member's default is
// the key's default; config_keys.cpp binds each member to its key, range and meaning.

struct LengthRange {
    int min = 1;
    int max = 4;
};

struct DataConfig {
    int trainSamples = 20000;
    int testSamplesPerLength = 200;
    int probeCount = 6;
    std::string trainFile; // train on this dataset file instead of generated problems
};

// How many loop iterations a looped model runs when Stage II writes its chains (evaluation
// always reports oracle and adaptive; the viewer offers every rule).
struct IterationsConfig {
    StoppingRule rule = StoppingRule::Oracle;
    int fixed = 0;   // N for the fixed rule
    int maximum = 0; // adaptive: run up to this many (0: T + max(2, T/2))
};

struct ObjectiveConfig {
    double lambda = 1.0;
    PadTargets padTargets = PadTargets::Marker;
};

struct OptimizerConfig {
    double learningRate = 5e-4;
    double weightDecay = 0.01;
    double beta1 = 0.9;
    double beta2 = 0.98;
    double epsilon = 1e-8;
};

struct ScheduleConfig {
    double warmupRatio = 0.01;
    int warmupSteps = 0; // > 0 overrides warmupRatio
};

struct TrainingConfig {
    int batchSize = 64;
    int steps = 10000;
    int epochs = 0; // > 0 overrides steps: steps = epochs * trainSamples / batchSize
    double gradientClip = 1.0;
    bool curriculum = false;
    int curriculumStart = 1;
    int curriculumGrowEvery = 500;
    // Looped models, > 0: the curriculum grows when the answer loss over a window of
    // curriculumGateWindow steps is below this (train/curriculum_gate.h), not by the step.
    double curriculumGate = 0.0;
    int curriculumGateWindow = 100;
    // model.dropout takes effect at this step; before it the run trains without dropout.
    int dropoutFromStep = 0;
    // Evaluation, probes and Stage II use an exponential moving average of the weights with
    // this decay (0: the weights themselves); docs/method.md §6.
    double emaDecay = 0.0;
};

struct EvalConfig {
    int every = 500;
};

struct CheckpointConfig {
    int every = 1000;
};

// Stage II (docs/method.md §3): chains for longer problems and the AR fine-tune on them.
struct StageTwoConfig {
    int lengthsMax = 0; // 0: test_lengths.max
    int generatedSamples = 2000;
    int originalSamples = 0; // 0: the paper's share
    bool verifiedOnly = false;
    double labelFreeConfidence = 0.8;
    double learningRate = 1e-4;
    int steps = 2000;
    int selfChainPhases = 5;
    SelfChainFilter selfChainFilter = SelfChainFilter::LoopedVanilla;
    // Self-improvement rounds (train/looped_rounds.h): round r fine-tunes the looped model of
    // round r-1 on its own label-free-kept chains at K_train+r plus original data.
    int rounds = 0;
    int roundSamples = 0; // chains written per round; 0: Stage II's count at K_train+1
    int roundSteps = 1000;
    double roundLearningRate = 1e-4;
};

struct PipelineConfig {
    bool selfChain = false;
    bool verifiedOnlyAblation = true;
    bool labelFreeFilter = true;
    bool parallelStages = true;
    int vanillaSteps = 0; // 0: training.steps
    int arSteps = 0;      // 0: training.steps
    // Curriculum intervals of the baselines (0: training.curriculum_grow_every): a baseline
    // that trains fewer steps than Stage I needs a shorter one to reach K_train in time.
    int vanillaCurriculumGrowEvery = 0;
    int arCurriculumGrowEvery = 0;
    // Seeds the method runs with (seed, seed+1, ...): one ordinary pipeline each, reported as
    // the spread over them (train/pipeline_seeds.h).
    int seeds = 1;
};

struct ExperimentConfig {
    std::string name;
    std::vector<TaskEntry> tasks;
    LengthRange trainLengths{1, 4};
    LengthRange testLengths{1, 8};
    DataConfig data;
    ModelConfig model;
    IterationsConfig iterations;
    ObjectiveConfig objective;
    OptimizerConfig optimizer;
    ScheduleConfig schedule;
    TrainingConfig training;
    EvalConfig eval;
    CheckpointConfig checkpoint;
    StageTwoConfig stage2;
    PipelineConfig pipeline;
    std::string device = "auto"; // cpu, cuda, cuda:N or auto
    Precision precision = Precision::Bf16Autocast;
    int threads = 0;   // 0: all cores (shared out among the worker processes)
    int processes = 0; // data-parallel worker processes; 0: workerProcesses() decides
    std::uint64_t seed = 1;

    bool multitask() const { return tasks.size() > 1; }
    // The options of the listed task named `task` (defaults when it is not listed).
    TaskOptions optionsOf(const std::string& task) const;
    // The longest length Stage II writes chains for.
    int stageTwoLengthsMax() const {
        return stage2.lengthsMax > 0 ? stage2.lengthsMax : testLengths.max;
    }
    // Optimizer steps the run takes (epochs converted when set).
    std::int64_t totalSteps() const;
};

// The defaults as JSON: the shape every config must have.
const nlohmann::json& defaultConfigJson();

// One line per key: "key  default  meaning" (for `relay config --describe` and the GUI's
// tooltips).
std::vector<std::pair<std::string, std::string>> describeConfig();

// Merges a config of the current version over the defaults and validates; throws
// std::invalid_argument naming the key. A key an earlier version had and this one dropped is
// named as such (stored runs' configs go through storedExperimentConfig instead).
ExperimentConfig experimentConfigFromJson(const nlohmann::json& given);
// Every key, with "config_version" set to the current version (what a run stores).
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

// Worker processes a run with `batchSize` examples per step uses when its config says 0: what
// trains small models fastest here.
int defaultWorkerProcesses(int batchSize);
// The processes `relay train` and `relay finetune` start for a config: its `processes` key, or
// the default for its batch size; `relay pipeline` keeps one while its stages run side by side
// (they already take a core each).
int workerProcesses(const ExperimentConfig& config);
int pipelineWorkerProcesses(const ExperimentConfig& config);

} // namespace relay
