// What the incremental fine-tunes share (the self-chain baseline's phases, the looped
// self-improvement rounds, the AR fine-tunes on Stage II chains): a training set grown phase by
// phase on disk, and the training request that continues a parent run on a written set.
// No LibTorch in this header.
#pragma once

#include "tasks/dataset_example.h"
#include "train/trainer.h"

#include <string>
#include <vector>

namespace relay {

// <folder>/<keptPrefix>-<index>.jsonl: the examples phase `index` keeps.
std::string keptExamplesFile(const std::string& folder, const std::string& keptPrefix, int index);

// Writes `kept` as phase `index`'s file, then the training set <folder>/<setName>: `originals`
// followed by the kept files of phases 1..index in order (earlier phases' files must be in
// `folder` already). Returns the training set's path.
std::string writeIncrementalSet(const std::string& folder, const std::string& keptPrefix, int index,
                                const std::vector<DatasetExample>& kept,
                                const std::vector<DatasetExample>& originals,
                                const std::string& setName);

// A fine-tune of `parent` on the set in `trainFile`: `config` with that file, the learning rate
// and step count given, no epochs and no curriculum (a curriculum would cap the lengths at
// train_lengths.max and never sample the longer chains).
TrainingRequest fineTuneRequest(const ExperimentConfig& config, RunKind kind, std::int64_t parent,
                                const std::string& trainFile, double learningRate, int steps);

} // namespace relay
