// Training objectives (docs/method.md §2.2, §2.3): the RELAY loss L = L_ans + lambda * L_iter of
// the CoT-aligned looped model, its vanilla variant (L_ans only), and the AR next-token loss.
//
// Task weights (multitask batches) multiply each example's terms; the means divide by the
// unweighted count, so a weight of 10 makes an example count ten times as much and all-one
// weights give plain means.
#pragma once

#include "model/batch_tensors.h"
#include "model/looped_transformer.h"

#include <torch/torch.h>

namespace relay {

struct LoopedLossOptions {
    double iterationWeight = 1.0; // lambda
    bool vanilla = false;         // answer loss only (L_iter is still reported when computed)
};

struct LoopedLoss {
    torch::Tensor total;        // scalar: L_ans + lambda * L_iter (vanilla: L_ans)
    torch::Tensor answer;       // scalar L_ans
    torch::Tensor iteration;    // scalar L_iter (undefined without step logits)
    torch::Tensor perIteration; // [T]: the masked CE of each iteration
};

// Where the RELAY loss reads the model out: [T, B, N] bool (the Eq. 6 mask). Pass it as
// LoopedForwardOptions::readOutMask to compute logits there only.
torch::Tensor stepReadOutMask(const LoopedBatchTensors& batch);
// The same cells as flat indices with what the loss needs of each: the batch's host-built
// plan, or one derived from its mask on the device for a batch assembled by hand.
StepReadOut stepReadOut(const LoopedBatchTensors& batch);

// The looped forward options that feed relayLoss: logits only where it reads them
// (stepReadOut(batch).positions), and T_b from the batch's host copy, so the forward reads
// nothing back.
LoopedForwardOptions relayForwardOptions(const LoopedBatchTensors& batch);

// L_t = sum over positions of M_t * w_b * CE(logits_t, target_t) / sum of M_t, where M_t is
// batch.stepMask (0 for t > T_b, so such examples contribute nothing at t); L_iter = mean of
// L_t over the iterations that have masked positions; L_ans = mean_b w_b * CE(answer_b, y_b).
// stepLogits: dense [T, B, N, V], or [P, V] read out at stepReadOut(batch).positions (the
// true cells of stepReadOutMask(batch) in row-major order), or undefined (vanilla).
LoopedLoss relayLoss(const torch::Tensor& stepLogits, const torch::Tensor& answerLogits,
                     const LoopedBatchTensors& batch, const LoopedLossOptions& options = {});

// Where the AR loss reads the model out: position i where lossMask[i + 1] = 1, [B, L] bool.
torch::Tensor arReadOutMask(const ArBatchTensors& batch);

// Next-token CE on the loss-mask positions only: sum of w_b * CE over positions whose target
// has lossMask 1, divided by their count. logits: dense [B, L, V] (position i predicts token
// i + 1) or [P, V] read out at arReadOutMask(batch).
torch::Tensor arLoss(const torch::Tensor& logits, const ArBatchTensors& batch);

} // namespace relay
