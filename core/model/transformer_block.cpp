#include "model/transformer_block.h"

#include "model/dropout.h"

#include <string>

namespace relay {

TransformerLayerImpl::TransformerLayerImpl(const ModelConfig& config) : m_dropout(config.dropout) {
    const auto hidden = config.hiddenSize;
    m_attentionNorm = register_module("attention_norm",
                                      torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden})));
    m_attention = register_module("attention", SelfAttention(hidden, config.heads, config.dropout));
    m_feedForwardNorm = register_module(
        "feed_forward_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden})));
    m_expand = register_module("expand", torch::nn::Linear(hidden, config.mlpRatio * hidden));
    m_contract = register_module("contract", torch::nn::Linear(config.mlpRatio * hidden, hidden));
}

// The feed-forward branch before its dropout (the residual join applies it).
torch::Tensor TransformerLayerImpl::feedForward(const torch::Tensor& x) {
    return applyLinear(m_contract, torch::gelu(applyLinear(m_expand, m_feedForwardNorm(x))));
}

torch::Tensor TransformerLayerImpl::forward(const torch::Tensor& x,
                                            const AttentionContext& context) {
    const bool dropping = is_training() && m_dropout > 0.0;
    auto attended = m_attention(m_attentionNorm(x), context);
    auto y = addDropped(x, attended, m_dropout, dropping);
    return addDropped(y, feedForward(y), m_dropout, dropping);
}

torch::Tensor TransformerLayerImpl::forwardCached(const torch::Tensor& x,
                                                  const AttentionContext& context,
                                                  KeyValueCache& cache, std::int64_t start) {
    auto y = x + m_attention->forwardCached(m_attentionNorm(x), context, cache, start);
    return y + feedForward(y);
}

TransformerBlockImpl::TransformerBlockImpl(const ModelConfig& config) {
    for (std::int64_t index = 0; index < config.layers; ++index)
        m_layers.push_back(
            register_module("layer_" + std::to_string(index), TransformerLayer(config)));
}

void TransformerBlockImpl::setDropout(double dropout) {
    for (auto& layer : m_layers) {
        layer->m_dropout = dropout;
        layer->m_attention->m_dropout = dropout;
    }
}

torch::Tensor TransformerBlockImpl::forward(torch::Tensor x, const AttentionContext& context) {
    for (auto& layer : m_layers)
        x = layer(x, context);
    return x;
}

torch::Tensor TransformerBlockImpl::forwardCached(torch::Tensor x, const AttentionContext& context,
                                                  std::vector<KeyValueCache>& caches,
                                                  std::int64_t start) {
    for (std::size_t index = 0; index < m_layers.size(); ++index)
        x = m_layers[index]->forwardCached(x, context, caches[index], start);
    return x;
}

void initializeWeights(torch::nn::Module& module) {
    torch::NoGradGuard noGrad;
    for (auto& child : module.modules(/*include_self=*/false)) {
        if (auto* linear = child->as<torch::nn::Linear>()) {
            torch::nn::init::normal_(linear->weight, 0.0, 0.02);
            if (linear->bias.defined())
                torch::nn::init::zeros_(linear->bias);
        } else if (auto* embedding = child->as<torch::nn::Embedding>()) {
            torch::nn::init::normal_(embedding->weight, 0.0, 0.02);
        }
    }
}

} // namespace relay
