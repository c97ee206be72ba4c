// The loss of a global batch split across data-parallel workers. Every rank draws the same
// global batch, so each knows the whole batch's normalisers (examples, scored positions per
// iteration, scored tokens) without asking the others. Each rank computes the RELAY (or AR)
// loss of its slice with its slice's own means; rescaled to the whole batch's normalisers the
// ranks' shares add up to the loss one process computes on the whole batch, and so do their
// gradients. The shares' values are summed together with the gradients (one collective per
// step, TrainingGroup::sumGradients), so the trainer logs what a single process would.
#pragma once

#include "model/batch_tensors.h"
#include "tasks/batch.h"
#include "train/objectives.h"

#include <vector>

namespace relay {

struct GlobalBatchNormalisers {
    double examples = 0.0;                  // looped: examples in the global batch
    std::vector<double> scoredPerIteration; // looped: Eq. 6 cells scored at t = 1..T
    double scoredTokens = 0.0;              // AR: next tokens scored
};

// From the host layout of the whole global batch (a cell's scoring depends on its own example
// only, never on the batch's width, so the slices' counts add up to these).
GlobalBatchNormalisers loopedNormalisers(const LoopedBatch& wholeBatch);
GlobalBatchNormalisers arNormalisers(const ArBatch& wholeBatch);

// This rank's share: its value and gradient are the slice's part of the global batch's loss.
// perIteration has one entry per iteration of the global batch (zero past the slice's own
// longest problem), so every rank reports as many values.
LoopedLoss loopedLossShare(const LoopedLoss& slice, const LoopedBatchTensors& batch,
                           const LoopedLossOptions& options, const GlobalBatchNormalisers& global);
torch::Tensor arLossShare(const torch::Tensor& slice, const ArBatchTensors& batch,
                          const GlobalBatchNormalisers& global);

} // namespace relay
