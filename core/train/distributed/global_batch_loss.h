// The loss of a global batch split across data-parallel workers. Each rank computes the RELAY
// (or AR) loss of its slice with its slice's own means; rescaled to the whole batch's
// normalisers (examples, scored positions per iteration, scored tokens) the ranks' shares add
// up to the loss one process computes on the whole batch, and so do their gradients. The
// returned loss carries this rank's share in its gradient and the global batch's values in its
// numbers, so the trainer logs what a single process would.
#pragma once

#include "model/batch_tensors.h"
#include "train/distributed/training_group.h"
#include "train/objectives.h"

namespace relay {

LoopedLoss globalBatchLoss(const LoopedLoss& slice, const LoopedBatchTensors& batch,
                           const LoopedLossOptions& options, TrainingGroup& group);

torch::Tensor globalBatchArLoss(const torch::Tensor& slice, const ArBatchTensors& batch,
                                TrainingGroup& group);

} // namespace relay
