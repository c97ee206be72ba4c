// `relay pipeline`: the whole method in one resumable job (docs/method.md §3, §5). Stage I
// looped, vanilla looped and the AR baseline (independent stages side by side when
// pipeline.parallel_stages), Stage II generation from the looped run, the AR fine-tune on the
// generated chains (and on verified chains only), optionally the self-chain baseline, then a
// table of final-answer accuracy by length for every model with the generated chains'
// correctness.
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

struct PipelineReport {
    std::string key;
    RunStatus status = RunStatus::Finished;   // finished | cancelled | failed
    std::string message;                      // why, when not finished
    std::map<std::string, std::int64_t> runs; // stage -> run id
    std::optional<StageTwoResult> stageTwo;
    std::vector<PipelineColumn> columns;
    std::vector<PipelineRow> rows;
    double wallSeconds = 0;
};

// The pipeline's name: the request's, else the config's, else "pipeline".
std::string pipelineName(const PipelineRequest& request);
// The key runs of this pipeline are tagged with: name + "-" + 8 hex digits of the config.
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
