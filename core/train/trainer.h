// The trainer: one run of one kind (looped = RELAY Stage I, looped-vanilla, ar) from an
// experiment config, recorded in the run store. AdamW with linear warmup and decay, gradient
// clipping, periodic evaluation and atomic checkpoints. Cancelling finishes the current step,
// checkpoints and marks the run cancelled; resuming continues from the last checkpoint and
// reproduces the losses of an uninterrupted run. A NaN/inf loss stops the run as diverged,
// keeping the last good checkpoint.
#pragma once

#include "config/experiment_config.h"
#include "store/run_kind.h"
#include "store/run_store.h"
#include "train/distributed/worker_group.h"
#include "train/training_events.h"

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace relay {

struct TrainingRequest {
    ExperimentConfig config;
    RunKind kind = RunKind::Looped;
    std::string name;                         // empty: kind-task
    std::optional<std::int64_t> parentRun;    // the run whose checkpoint initialises this one
    std::optional<std::int64_t> generatorRun; // Stage II: the looped run that wrote the chains
    std::string tags;                         // comma-separated, stored with the run
    std::string checkpointFolder;             // empty: <store folder>/checkpoints/run-<id>
    // Chains stored with the run as it is created (the ones a round wrote and trains on), so a
    // run killed before it finishes still has them when it resumes.
    std::vector<ChainRecord> chains;
};

struct TrainingOutcome {
    std::int64_t run = 0;
    RunStatus status = RunStatus::Finished; // finished | cancelled | diverged
    std::int64_t steps = 0;
    double lastLoss = 0;
};

// Starts a new run. `cancel` is polled once per step (set it from a signal handler or the GUI).
TrainingOutcome trainNewRun(RunStore& store, const TrainingRequest& request, TrainingEvents& events,
                            const std::atomic<bool>& cancel);

// Continues a cancelled or interrupted run from its newest checkpoint.
TrainingOutcome resumeRun(RunStore& store, std::int64_t run, TrainingEvents& events,
                          const std::atomic<bool>& cancel);

// A data-parallel worker other than rank 0: builds the run rank 0 announced while rank 0 builds
// its own, then trains its slices from rank 0's state, writing nothing (no store, checkpoints or
// events). Returns without training when rank 0 abandons the job.
void followTrainingJob(WorkerGroup& workers, const WorkerGroup::Job& job);

} // namespace relay
