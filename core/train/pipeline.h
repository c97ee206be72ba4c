// `relay pipeline`: the whole method in one resumable job (docs/method.md §3, §5). Stage I
// looped, vanilla looped and the AR baseline (independent stages side by side when
// pipeline.parallel_stages), Stage II generation from the looped run, the AR fine-tune on the
// generated chains (and on verified chains only), optionally the self-chain baseline and the
// looped model's self-improvement rounds (stage2.rounds), then a table of final-answer accuracy
// by length for every model with the generated chains' correctness, and the rounds' frontier
// table.
//
// Resuming: every run a pipeline starts is tagged "pipeline:<key>,stage:<stage>", where the key
// is the pipeline's name and a hash of its resolved config. Running the same pipeline again
// skips finished stages, resumes cancelled or interrupted ones and redoes nothing else.
// No LibTorch in this header.
#pragma once

#include "config/experiment_config.h"
#include "store/run_store.h"
#include "train/stage_two.h"
#include "train/training_events.h"

#include <atomic>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace relay {

struct PipelineRequest {
    ExperimentConfig config;
    std::string name;   // empty: the config's name, else "pipeline"
    std::string folder; // empty: <store folder>/pipelines/<key>
};

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

// The pipeline's name: the request's, else the config's, else "pipeline".
std::string pipelineName(const PipelineRequest& request);
// The key runs of this pipeline are tagged with: name + "-" + 8 hex digits of the config. The
// config's stage2.rounds is left out, so asking a finished pipeline for more rounds trains only
// the new ones (round r's run does not depend on how many rounds follow it).
std::string pipelineKey(const ExperimentConfig& config, const std::string& name);
// The default folder of a pipeline: <store folder>/pipelines/<key>, with every character of the
// key outside letters, digits, space, '.', '_' and '-' replaced by '_' and no leading '.', so
// no name (an absolute path, "../..") puts reports outside the pipelines folder.
std::string defaultPipelineFolder(const std::string& storePath, const std::string& key);

PipelineReport runPipeline(RunStore& store, const PipelineRequest& request, TrainingEvents& events,
                           const std::atomic<bool>& cancel);

// The report's table as fixed-width text (the terminal) and as JSON (the --json stage event).
std::string pipelineTable(const PipelineReport& report);
nlohmann::json pipelineReportToJson(const PipelineReport& report);

} // namespace relay
