// A stored run's model, ready for inference: its config, vocabulary and the weights of one of
// its checkpoints (the newest by default). Used by `relay eval`, Stage II chain generation and
// the loop-iteration viewer.
#pragma once

#include "config/experiment_config.h"
#include "model/ar_transformer.h"
#include "model/looped_transformer.h"
#include "store/run_store.h"
#include "tasks/dataset.h"
#include "tasks/vocabulary.h"
#include "train/trainer.h"

#include <optional>

namespace relay {

struct RunModel {
    std::int64_t run = 0;
    ExperimentConfig config;
    RunKind kind = RunKind::Looped;
    Vocabulary vocabulary;
    LoopedTransformer looped{nullptr};     // set for looped and looped-vanilla runs
    ArTransformer autoregressive{nullptr}; // set for ar runs
    std::int64_t step = 0;                 // the checkpoint's training step
    std::string checkpointPath;
};

// Loads the checkpoint at `step` (the newest when unset) onto `deviceName` ("" = the run's
// configured device), in eval mode. Throws std::invalid_argument naming the run when it has no
// checkpoint (or none at that step), CheckpointError for a bad file.
RunModel loadRunModel(RunStore& store, std::int64_t run, std::optional<std::int64_t> step = {},
                      const std::string& deviceName = "");

// The dataset specs of a config's tasks, with test sets over lengthMin..lengthMax; with
// keepTraining false the training sets are drawn (the test sets exclude them) but not kept.
std::vector<DatasetSpec> datasetSpecs(const ExperimentConfig& config, int lengthMin, int lengthMax,
                                      bool keepTraining = true);

// The run's test sets as its config defines them, optionally over other lengths.
std::vector<TestSet> runTestSets(const ExperimentConfig& config, int lengthMin, int lengthMax);

} // namespace relay
