// Model-ready batches as plain arrays (no LibTorch here, so the task code compiles fast and the
// GUI can use it); core/model turns them into tensors.
//
// Looped layout (docs/method.md §2.2). Each example has its own width
// n_e = max(input length, every step's length). The input sits left-aligned in positions
// [0, input length); positions up to n_e hold <pad> but are real positions the model reads and
// writes (scratch room where a step is longer than the input, as in small LIS problems). Iteration
// t's target is step t right-aligned in [0, n_e); the Eq. 6 mask is 1 on the step's tokens and on
// the single <pad> just left of them. Positions >= n_e are batch padding: masked as attention keys,
// never scored. So an example's targets never depend on what else is in its batch.
#pragma once

#include <cstdint>
#include <vector>

namespace relay {

struct LoopedBatch {
    std::int64_t batchSize = 0;
    std::int64_t width = 0;         // max n_e over the batch
    std::int64_t maxIterations = 0; // max T over the batch

    std::vector<std::int64_t> inputIds;      // [batch, width]; <pad> = 0 beyond the input
    std::vector<std::int64_t> exampleWidths; // [batch] n_e; keys at positions >= n_e are masked
    std::vector<std::int64_t> stepTargets;   // [maxIterations, batch, width]
    std::vector<float> stepMask;             // [maxIterations, batch, width]; 0 for t > T_e
    std::vector<std::int64_t> answerTargets; // [batch]
    std::vector<std::int64_t> iterations;    // [batch] T_e
    std::vector<float> weights;              // [batch] task loss weight of each example
};

// AR layout (docs/method.md §2.3): <bos> input steps [answer] <eos>, padded right with <pad>.
// lossMask[b][i] = 1 when tokens[b][i] is a CoT, answer or <eos> token, i.e. a position
// whose token the model predicts from the tokens before it.
struct ArBatch {
    std::int64_t batchSize = 0;
    std::int64_t length = 0; // max sequence length over the batch

    std::vector<std::int64_t> tokens;          // [batch, length]
    std::vector<float> lossMask;               // [batch, length]
    std::vector<std::int64_t> promptLengths;   // [batch] <bos> + input tokens
    std::vector<std::int64_t> sequenceLengths; // [batch] up to and including <eos>
    std::vector<float> weights;                // [batch]
};

} // namespace relay
