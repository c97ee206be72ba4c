#include "model/ar_transformer.h"

#include "model/dropout.h"

namespace relay {

ArTransformerImpl::ArTransformerImpl(const ModelConfig& config) : m_config(config) {
    m_config.validate();
    if (m_config.arPositionEncoding)
        m_config.positionEncoding = *m_config.arPositionEncoding;
    const auto hidden = config.hiddenSize;
    m_embedding = register_module("embedding", torch::nn::Embedding(config.vocabularySize, hidden));
    m_block = register_module("block", TransformerBlock(config));
    m_finalNorm =
        register_module("final_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden})));
    m_readOut = register_module("read_out", torch::nn::Linear(hidden, config.vocabularySize));
    if (config.initialization == Initialization::Small)
        initializeWeights(*this);
}

void ArTransformerImpl::setDropout(double dropout) {
    m_config.dropout = dropout;
    m_block->setDropout(dropout);
}

torch::Tensor ArTransformerImpl::positionsFor(const torch::Tensor& lengths, std::int64_t width) {
    switch (m_config.positionEncoding) {
    case PositionEncoding::NoneDirectional:
        return {};
    case PositionEncoding::RopeRandomized:
        if (is_training() || m_config.randomPositionsAtEvaluation)
            return sortedRandomPositions(lengths, width, m_config.maximumPositions);
        break;
    case PositionEncoding::Rope:
        break;
    }
    return contiguousPositions(lengths.size(0), width, lengths.device());
}

ArOutput ArTransformerImpl::forward(const torch::Tensor& tokens, const ArForwardOptions& options) {
    const auto device = tokens.device();
    const auto batch = tokens.size(0);
    const auto length = tokens.size(1);
    AttentionContext context;
    context.heads = m_config.heads;
    auto slots = torch::arange(length, torch::TensorOptions().device(device));
    // Causal: right padding never reaches a real position, so no key-padding mask is needed.
    context.mask = additiveMask(
        (slots.view({1, length}) <= slots.view({length, 1})).view({1, 1, length, length}), batch,
        m_config.heads);
    auto positions = options.positions;
    if (!positions.defined()) {
        auto lengths = options.sequenceLengths.defined()
                           ? options.sequenceLengths.to(device, torch::kLong)
                           : torch::full({batch}, length, slots.options());
        positions = positionsFor(lengths, length);
    }
    if (positions.defined() && m_config.positionEncoding != PositionEncoding::NoneDirectional)
        context.rotary =
            makeRotaryTables(positions.to(device), m_config.headSize(), m_config.ropeBase);

    const bool dropping = is_training() && m_config.dropout > 0.0;
    auto hidden = m_block(applyDropout(m_embedding(tokens), m_config.dropout, dropping), context);
    ArOutput output;
    if (options.readOutMask.defined())
        output.maskedLogits = readOut(hidden.index({options.readOutMask.to(device, torch::kBool)}));
    if (options.logits)
        output.logits = readOut(hidden);
    return output;
}

torch::Tensor ArTransformerImpl::decode(const torch::Tensor& tokens, const torch::Tensor& positions,
                                        const torch::Tensor& allowed,
                                        std::vector<KeyValueCache>& caches, std::int64_t start) {
    c10::InferenceMode inference; // no autograd records, no version counters
    AttentionContext context;
    context.heads = m_config.heads;
    context.mask = additiveMask(allowed, tokens.size(0), m_config.heads);
    if (m_config.positionEncoding != PositionEncoding::NoneDirectional)
        context.rotary = makeRotaryTables(positions, m_config.headSize(), m_config.ropeBase);
    return m_block->forwardCached(m_embedding(tokens), context, caches, start);
}

std::vector<KeyValueCache> ArTransformerImpl::makeCaches(std::int64_t batch, std::int64_t capacity,
                                                         const torch::Device& device) const {
    auto options = torch::TensorOptions().device(device).dtype(m_readOut->weight.dtype());
    std::vector<KeyValueCache> caches;
    for (std::int64_t layer = 0; layer < m_config.layers; ++layer)
        caches.push_back(
            {torch::zeros({batch, m_config.heads, capacity, m_config.headSize()}, options),
             torch::zeros({batch, m_config.heads, capacity, m_config.headSize()}, options)});
    return caches;
}

torch::Tensor ArTransformerImpl::readOut(const torch::Tensor& hidden) {
    return m_readOut(m_finalNorm(hidden));
}

} // namespace relay
