// `relay pipeline`: the whole method in one resumable job (docs/method.md §3, §5). Stage I
// looped, vanilla looped and the AR baseline (independent stages side by side when
// pipeline.parallel_stages), Stage II generation from the looped run, the AR fine-tune on the
// generated chains (and on verified chains only) beside the looped model's self-improvement
// rounds (stage2.rounds), optionally the self-chain baseline, then a table of final-answer accuracy
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
#include "train/pipeline_report.h"
#include "train/training_events.h"

#include <atomic>
#include <string>

namespace relay {

struct PipelineRequest {
    ExperimentConfig config;
    std::string name;   // empty: the config's name, else "pipeline"
    std::string folder; // empty: <store folder>/pipelines/<key>
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

} // namespace relay
