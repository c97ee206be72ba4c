// `relay pipeline --seeds N` (pipeline.seeds): the whole method once per seed, one after the
// other. Seed i of N runs the config with seed + i as an ordinary pipeline (pipeline.seeds 1,
// so its key is the one `relay pipeline --set seed=<seed + i>` has: resuming and skipping work
// per seed, and seeds run before are reused). Each seed's pipeline writes its own report; the
// report over the seeds (train/seed_spread.h) goes to its own folder,
// <store folder>/pipelines/<name>-seeds-<hash>/. No LibTorch in this header.
#pragma once

#include "train/pipeline.h"
#include "train/seed_spread.h"

#include <atomic>
#include <string>

namespace relay {

// The key of the report over the seeds: name + "-seeds-" + 8 hex digits of the config (with
// its first seed and pipeline.seeds).
std::string pipelineSeedsKey(const ExperimentConfig& config, const std::string& name);

// Runs request.config.pipeline.seeds pipelines. Every event of seed s's pipeline carries
// "seed": s, each seed starts with a "seed" stage event, and the last event is the "report"
// stage event with the report over the seeds. A cancel stops the running seed's pipeline as
// it stops one pipeline, and no further seed starts. request.folder, when given, is the
// report's folder and seed s's pipeline works in its subfolder seed-<s>.
PipelineSeedsReport runPipelineSeeds(RunStore& store, const PipelineRequest& request,
                                     TrainingEvents& events, const std::atomic<bool>& cancel);

} // namespace relay
