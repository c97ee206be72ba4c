// The auto-regressive CoT baseline (docs/method.md §2.3): a decoder-only transformer made of the
// looped model's parts (embedding, pre-LayerNorm layers, RoPE) with a causal mask and one
// next-token head.
//
// none-directional here means no position encoding with every head causal: the causal mask
// already gives order, and an anti-causal head would see the future.
#pragma once

#include "model/attention.h"
#include "model/model_config.h"
#include "model/transformer_block.h"

#include <torch/torch.h>

#include <vector>

namespace relay {

struct ArForwardOptions {
    bool logits = true; // dense [B, L, V]
    // [B, L] bool: read out only here (maskedLogits, row-major), e.g. where the loss is.
    torch::Tensor readOutMask;
    // [B] real lengths; rope-randomized draws each row's positions for this many tokens.
    torch::Tensor sequenceLengths;
    // [B, L] explicit positions (overrides the position encoding's own choice).
    torch::Tensor positions;
};

struct ArOutput {
    torch::Tensor logits;       // [B, L, V]: position i predicts token i + 1
    torch::Tensor maskedLogits; // [P, V]
};

struct ArTransformerImpl : torch::nn::Module {
    explicit ArTransformerImpl(const ModelConfig& config); // validates config

    // tokens: [B, L] int64, padded on the right.
    ArOutput forward(const torch::Tensor& tokens, const ArForwardOptions& options = {});

    // Positions for rows of these lengths (in slots [0, length)), as training or evaluation
    // uses them: [B, width] float32, or undefined for none-directional.
    torch::Tensor positionsFor(const torch::Tensor& lengths, std::int64_t width);

    // Incremental decoding: tokens [B, S] at cache slots [start, start + S); positions [B, S]
    // (ignored for none-directional); allowed [B or 1, 1, S, start + S] bool says which cached
    // keys each query sees. Returns hidden states [B, S, d]. No gradients.
    torch::Tensor decode(const torch::Tensor& tokens, const torch::Tensor& positions,
                         const torch::Tensor& allowed, std::vector<KeyValueCache>& caches,
                         std::int64_t start);
    std::vector<KeyValueCache> makeCaches(std::int64_t batch, std::int64_t capacity,
                                          const torch::Device& device) const;

    torch::Tensor readOut(const torch::Tensor& hidden); // [..., d] -> [..., V]

    const ModelConfig& config() const { return m_config; }
    void setDropout(double dropout); // as LoopedTransformerImpl::setDropout

    ModelConfig m_config;
    torch::nn::Embedding m_embedding{nullptr};
    TransformerBlock m_block{nullptr};
    torch::nn::LayerNorm m_finalNorm{nullptr};
    torch::nn::Linear m_readOut{nullptr};
};
TORCH_MODULE(ArTransformer);

} // namespace relay
