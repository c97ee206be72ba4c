// The pipeline's report: final-answer accuracy by length for every model it trained, the
// generated chains' correctness, the label-free filter and the self-improvement rounds' frontier
// table; filled from the store, printed as fixed-width text and JSON. No LibTorch in this header.
#pragma once

#include "config/experiment_config.h"
#include "store/run_store.h"
#include "train/stage_two.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace relay {

// One column of the report: a model, or the generated chains' correctness.
struct PipelineColumn {
    std::string title;
    std::optional<std::int64_t> run;
};

struct PipelineRow {
    std::string task;
    int length = 0;
    bool inDistribution = false;
    std::vector<std::optional<double>> values; // one per column (answer accuracy)
};

// One self-improvement round's looped model (train/looped_rounds.h) on one task: round 0 is
// Stage I's looped model; round r's run was fine-tuned on its chains at chainLength.
struct PipelineRound {
    int round = 0;
    std::int64_t run = 0;
    std::string task;
    std::optional<int> chainLength; // K_train + round; none for round 0
    std::map<int, double> accuracy; // final answer accuracy (oracle T) by test length
    std::optional<int> frontier;    // frontierLength of `accuracy` beyond train_lengths.max
    int written = 0;                // chains the round wrote (this task)
    int kept = 0;                   // of them, kept by the label-free filter
    int keptVerified = 0;           // of those, accepted by the exact verifier
};

struct PipelineReport {
    std::string key;
    RunStatus status = RunStatus::Finished;   // finished | cancelled | failed
    std::string message;                      // why, when not finished
    std::map<std::string, std::int64_t> runs; // stage -> run id
    std::optional<StageTwoResult> stageTwo;
    std::vector<PipelineColumn> columns;
    std::vector<PipelineRow> rows;
    std::vector<PipelineRound> rounds; // rounds 0..stage2.rounds that have a run, by task
    double wallSeconds = 0;
};

// The table's columns and rows (each model's newest evaluation: oracle T for looped runs,
// greedy for AR runs; Stage II's correctness) and the rounds of `report.runs`, from the store.
void fillPipelineReport(RunStore& store, const ExperimentConfig& config, PipelineReport& report);

// The report's table as fixed-width text (the terminal) and as JSON (the --json stage event).
std::string pipelineTable(const PipelineReport& report);
nlohmann::json pipelineReportToJson(const PipelineReport& report);
// One round as the report's JSON has it, and back (nlohmann::json::exception when it is not).
nlohmann::json pipelineRoundToJson(const PipelineRound& row);
PipelineRound pipelineRoundFromJson(const nlohmann::json& json);

} // namespace relay
