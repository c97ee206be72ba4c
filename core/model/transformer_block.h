// The pre-LayerNorm transformer layer (attention, then a GELU MLP, each added to the residual
// stream) and the Block of L such layers that the looped model applies at every iteration.
#pragma once

#include "model/attention.h"
#include "model/model_config.h"

#include <torch/torch.h>

#include <vector>

namespace relay {

struct TransformerLayerImpl : torch::nn::Module {
    explicit TransformerLayerImpl(const ModelConfig& config);

    torch::Tensor forward(const torch::Tensor& x, const AttentionContext& context);
    torch::Tensor forwardCached(const torch::Tensor& x, const AttentionContext& context,
                                KeyValueCache& cache, std::int64_t start);

    torch::Tensor feedForward(const torch::Tensor& x);

    double m_dropout;
    torch::nn::LayerNorm m_attentionNorm{nullptr};
    SelfAttention m_attention{nullptr};
    torch::nn::LayerNorm m_feedForwardNorm{nullptr};
    torch::nn::Linear m_expand{nullptr};   // d -> mlpRatio * d
    torch::nn::Linear m_contract{nullptr}; // mlpRatio * d -> d
};
TORCH_MODULE(TransformerLayer);

struct TransformerBlockImpl : torch::nn::Module {
    explicit TransformerBlockImpl(const ModelConfig& config);

    torch::Tensor forward(torch::Tensor x, const AttentionContext& context);
    // One cache per layer, in order.
    torch::Tensor forwardCached(torch::Tensor x, const AttentionContext& context,
                                std::vector<KeyValueCache>& caches, std::int64_t start);

    // The dropout rate every layer applies from now on (training.dropout_from_step).
    void setDropout(double dropout);

    std::vector<TransformerLayer> m_layers;
};
TORCH_MODULE(TransformerBlock);

// GPT-2's initialization: N(0, 0.02) weights, zero biases, unit LayerNorms.
void initializeWeights(torch::nn::Module& module);

} // namespace relay
