// How many loop iterations an example gets at inference, and the looped model's inference
// pass that applies the rule: oracle (T from the problem, the paper's default), a fixed N, or
// adaptive (Fan et al. 2024: run to a maximum, then keep the iteration whose read-out is most
// confident).
#pragma once

#include "model/looped_transformer.h"
#include "model/stopping_rule.h"

#include <torch/torch.h>

namespace relay {

struct StoppingOptions {
    StoppingRule rule = StoppingRule::Oracle;
    std::int64_t fixedIterations = 1;    // Fixed: N
    std::int64_t maximumIterations = 32; // Adaptive: T_max
};

struct LoopedInference {
    torch::Tensor stepLogits;       // [T, B, N, V], T = the most iterations any example ran
    torch::Tensor answerLogits;     // [B, V] from the chosen iteration
    torch::Tensor chosenIterations; // [B] int64, 1-based
    torch::Tensor uncertaintyTrace; // [T, B] read-out uncertainty of every iteration
    torch::Tensor tokenConfidence;  // [T, B, N] top-1 probability
    torch::Tensor hiddenStates;     // [T, B, N, d]
};

// Uncertainty of each iteration's read-out (lower = more confident): the cross-entropy of the
// read-out against its own argmax, -log(max softmax), averaged over the example's real
// positions (i < n_b) whose argmax is not <pad>; +inf when every such position reads <pad>
// (an all-padding read-out is not a step). stepLogits [T, B, N, V] -> [T, B].
torch::Tensor readOutUncertainty(const torch::Tensor& stepLogits,
                                 const torch::Tensor& exampleWidths, std::int64_t padId = 0);

// Per example, the 1-based iteration of lowest uncertainty (the earliest on ties): [B].
torch::Tensor mostConfidentIterations(const torch::Tensor& uncertaintyTrace);

// Runs the model without gradients under a stopping rule. oracleIterations ([B]) is needed
// for the oracle rule only. The caller chooses train/eval mode.
LoopedInference inferLooped(LoopedTransformer& model, const torch::Tensor& inputIds,
                            const torch::Tensor& exampleWidths, const StoppingOptions& stopping,
                            const torch::Tensor& oracleIterations = {});

} // namespace relay
