// Batched greedy decoding for the AR CoT model with a key/value cache.
//
// Prompts of different lengths are left-padded to a common length so every row appends its
// next token at the same cache slot; pad keys are masked, and each row's positions count
// from its own first real token (position = slot - padding), so a row decodes exactly as it
// would alone.
#pragma once

#include "model/ar_transformer.h"

#include <cstdint>
#include <vector>

namespace relay {

struct GenerationOptions {
    std::int64_t maximumNewTokens = 256;
    std::int64_t endToken = 3; // <eos> in the shared vocabulary
};

struct Generation {
    // Per prompt: the generated tokens without the prompt and without the end token, and the
    // model's probability of each (the top-1 softmax probability, as decoding is greedy).
    std::vector<std::vector<std::int64_t>> tokens;
    std::vector<std::vector<float>> probabilities;
    std::vector<bool> ended; // true when the row produced the end token
};

// Runs without gradients on the model's device; the caller chooses train/eval mode. Throws
// std::invalid_argument on an empty prompt.
Generation generateGreedy(ArTransformer& model,
                          const std::vector<std::vector<std::int64_t>>& prompts,
                          const GenerationOptions& options = {});

} // namespace relay
