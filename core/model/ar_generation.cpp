#include "model/ar_generation.h"

#include "tasks/vocabulary.h"

#include <algorithm>
#include <stdexcept>

namespace relay {

Generation generateGreedy(ArTransformer& model,
                          const std::vector<std::vector<std::int64_t>>& prompts,
                          const GenerationOptions& options) {
    c10::InferenceMode inference; // no autograd records, no version counters
    Generation result;
    const auto batch = static_cast<std::int64_t>(prompts.size());
    result.tokens.resize(prompts.size());
    result.probabilities.resize(prompts.size());
    result.ended.assign(prompts.size(), false);
    if (batch == 0)
        return result;

    std::int64_t promptLength = 0;
    for (const auto& prompt : prompts) {
        if (prompt.empty())
            throw std::invalid_argument("generation: empty prompt");
        promptLength = std::max(promptLength, static_cast<std::int64_t>(prompt.size()));
    }
    const auto capacity = promptLength + options.maximumNewTokens;
    std::vector<std::int64_t> padded(static_cast<std::size_t>(batch * promptLength),
                                     Vocabulary::kPad);
    std::vector<std::int64_t> padding(static_cast<std::size_t>(batch));
    for (std::int64_t row = 0; row < batch; ++row) {
        const auto& prompt = prompts[static_cast<std::size_t>(row)];
        padding[static_cast<std::size_t>(row)] =
            promptLength - static_cast<std::int64_t>(prompt.size());
        std::copy(prompt.begin(), prompt.end(),
                  padded.begin() + row * promptLength + padding[static_cast<std::size_t>(row)]);
    }

    const auto device = model->m_readOut->weight.device();
    const auto longOptions = torch::TensorOptions().dtype(torch::kLong).device(device);
    auto tokens = torch::tensor(padded, longOptions).view({batch, promptLength});
    auto paddingTensor = torch::tensor(padding, longOptions).view({batch, 1});
    auto slots = torch::arange(capacity, longOptions).view({1, capacity});
    auto keyIsReal = slots >= paddingTensor; // [B, capacity]
    // Each row's positions [0, its length) sit after its padding.
    auto rowPositions = model->positionsFor(capacity - paddingTensor.view({batch}), capacity);
    torch::Tensor positions;
    if (rowPositions.defined())
        positions = rowPositions.gather(1, (slots - paddingTensor).clamp_min(0));

    auto caches = model->makeCaches(batch, capacity, device);
    // Prefill: causal over the prompt, pad keys hidden, every query sees itself.
    auto promptSlots = torch::arange(promptLength, longOptions);
    auto causal = promptSlots.view({1, promptLength}) <= promptSlots.view({promptLength, 1});
    auto allowed =
        causal.view({1, 1, promptLength, promptLength})
            .logical_and(keyIsReal.narrow(1, 0, promptLength).view({batch, 1, 1, promptLength}))
            .logical_or(torch::eye(promptLength, longOptions.dtype(torch::kBool))
                            .view({1, 1, promptLength, promptLength}));
    auto hidden = model->decode(
        tokens, positions.defined() ? positions.narrow(1, 0, promptLength) : positions, allowed,
        caches, 0);
    auto logits = model->readOut(hidden.select(1, promptLength - 1));

    std::int64_t unfinished = batch;
    for (std::int64_t step = 0; step < options.maximumNewTokens && unfinished > 0; ++step) {
        auto [probability, next] = torch::softmax(logits.to(torch::kFloat32), -1).max(-1);
        // One read of the device per step: tokens and probabilities travel in one tensor (a
        // float64 holds every token id and every float32 probability exactly).
        const auto stepHost =
            torch::stack({next.to(torch::kFloat64), probability.to(torch::kFloat64)})
                .to(torch::kCPU)
                .contiguous();
        const auto* nextTokens = stepHost.data_ptr<double>();
        const auto* nextProbabilities = nextTokens + batch;
        for (std::int64_t row = 0; row < batch; ++row) {
            const auto index = static_cast<std::size_t>(row);
            if (result.ended[index])
                continue;
            const auto token = static_cast<std::int64_t>(nextTokens[row]);
            if (token == options.endToken) {
                result.ended[index] = true;
                --unfinished;
            } else {
                result.tokens[index].push_back(token);
                result.probabilities[index].push_back(static_cast<float>(nextProbabilities[row]));
            }
        }
        if (unfinished == 0 || step + 1 == options.maximumNewTokens)
            break;
        const auto slot = promptLength + step;
        auto seen = keyIsReal.narrow(1, 0, slot + 1).view({batch, 1, 1, slot + 1});
        hidden = model->decode(next.view({batch, 1}),
                               positions.defined() ? positions.narrow(1, slot, 1) : positions, seen,
                               caches, slot);
        logits = model->readOut(hidden.select(1, 0));
    }
    return result;
}

} // namespace relay
