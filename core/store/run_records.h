// Plain records of the run store (docs/architecture.md, "Run store"): what the engine writes and
// the GUI reads. No SQLite or LibTorch types here.
#pragma once

#include "store/run_kind.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace relay {

struct RunRecord {
    std::int64_t id = 0;
    std::string name;
    RunKind kind = RunKind::Looped;
    std::string task; // ari, ed, lis, or a comma-separated list for multitask runs
    std::optional<std::int64_t> parentRun;    // the run whose checkpoint this one starts from
    std::optional<std::int64_t> generatorRun; // Stage II: the looped run that wrote the chains
    RunStatus status = RunStatus::Running;
    double createdAt = 0; // seconds since the epoch
    double finishedAt = 0;
    std::string configJson = "{}";
    std::string device;
    std::string version;
    std::string tags; // comma-separated
    std::string notes;
    std::int64_t processId = 0;
    std::string host;
};

struct MetricPoint {
    std::int64_t step = 0;
    double wallTime = 0;
    std::string name;
    double value = 0;
};

struct EvalRecord {
    std::int64_t step = 0;
    std::string task;
    int length = 0;
    int samples = 0;
    double answerAccuracy = 0;
    double chainAccuracy = 0;
    double tokenAccuracy = 0;
    std::string stopping = "oracle"; // oracle | adaptive | fixed-N | greedy (AR)
};

// Accuracy of one CoT step over a test set (per-iteration step accuracy for looped models).
struct StepAccuracyRecord {
    std::int64_t step = 0; // training step
    std::string task;
    int length = 0;
    int cotStep = 0; // 1-based
    double accuracy = 0;
};

// One cell of a hit matrix: accuracy of the token at `position` of CoT step `cotStep`.
struct HitCell {
    int cotStep = 0;  // 1-based row
    int position = 0; // 0-based column within the step
    double accuracy = 0;
    int samples = 0;
};

struct HitMatrixRecord {
    std::int64_t step = 0;
    std::string task;
    int length = 0;
    std::vector<HitCell> cells;
};

// One probe problem decoded at one iteration at one evaluation.
struct ProbeRecord {
    std::int64_t trainingStep = 0;
    int problemIndex = 0;
    std::string problem; // input text
    int length = 0;
    int iteration = 0;     // 1-based
    std::string predicted; // the read-out, right-aligned, pads as <pad>
    std::string target;
    std::string confidenceJson = "[]"; // per-token top-1 probabilities
};

struct ChainRecord {
    std::int64_t id = 0;
    std::string task;
    int length = 0;
    std::string input;
    std::string stepsJson = "[]"; // the generated steps, a JSON list of step strings
    std::string answer;
    bool verified = false;      // every step and the answer are right
    bool answerCorrect = false; // the answer is right (whatever the steps)
    int firstWrongStep = 0;
    double tokenAccuracy = -1; // share of the true steps' tokens in place; < 0: not measured
    int labelFreeKept = -1;    // the label-free filter: 1 kept, 0 left out, -1 not checked
};

struct CheckpointRecord {
    std::int64_t step = 0;
    std::string path;
    std::string checksum;
    double createdAt = 0;
};

} // namespace relay
