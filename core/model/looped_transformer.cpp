#include "model/looped_transformer.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace relay {

LoopedTransformerImpl::LoopedTransformerImpl(const ModelConfig& config) : m_config(config) {
    m_config.validate();
    const auto hidden = config.hiddenSize;
    m_embedding = register_module("embedding", torch::nn::Embedding(config.vocabularySize, hidden));
    m_block = register_module("block", TransformerBlock(config));
    m_finalNorm =
        register_module("final_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden})));
    if (config.tieEmbeddings)
        m_readOutBias = register_parameter("read_out_bias", torch::zeros({config.vocabularySize}));
    else
        m_readOut = register_module("read_out", torch::nn::Linear(hidden, config.vocabularySize));
    if (config.separateAnswerHead)
        m_answerHead =
            register_module("answer_head", torch::nn::Linear(hidden, config.vocabularySize));
    if (config.iterationNorm)
        m_iterationNorm = register_module(
            "iteration_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden})));
    if (config.initialization == Initialization::Small)
        initializeWeights(*this);
}

AttentionContext LoopedTransformerImpl::attentionContext(const torch::Tensor& exampleWidths,
                                                         std::int64_t width) {
    const auto device = exampleWidths.device();
    const auto batch = exampleWidths.size(0);
    const auto heads = m_config.heads;
    auto positions = torch::arange(width, torch::TensorOptions().device(device));
    auto keyIsReal =
        (positions.view({1, width}) < exampleWidths.view({-1, 1})).view({batch, 1, 1, width});
    auto query = positions.view({width, 1});
    auto key = positions.view({1, width});
    auto allowed = keyIsReal;
    if (m_config.positionEncoding == PositionEncoding::NoneDirectional) {
        // Without positions only a direction tells token order: half the heads look left,
        // half look right.
        auto headIsCausal =
            (torch::arange(heads, torch::TensorOptions().device(device)) < heads / 2)
                .view({1, heads, 1, 1});
        auto direction = torch::where(headIsCausal, (key <= query).view({1, 1, width, width}),
                                      (key >= query).view({1, 1, width, width}));
        allowed = allowed.logical_and(direction);
    }
    allowed = allowed.logical_or((key == query).view({1, 1, width, width}));

    AttentionContext context;
    context.heads = heads;
    context.mask = additiveMask(allowed, batch, heads);
    if (m_config.positionEncoding == PositionEncoding::Rope ||
        (m_config.positionEncoding == PositionEncoding::RopeRandomized && !is_training() &&
         !m_config.randomPositionsAtEvaluation)) {
        context.rotary = makeRotaryTables(contiguousPositions(batch, width, device),
                                          m_config.headSize(), m_config.ropeBase);
    } else if (m_config.positionEncoding == PositionEncoding::RopeRandomized) {
        context.rotary =
            makeRotaryTables(sortedRandomPositions(exampleWidths, width, m_config.maximumPositions),
                             m_config.headSize(), m_config.ropeBase);
    }
    return context;
}

torch::Tensor LoopedTransformerImpl::iterate(const torch::Tensor& previous,
                                             const torch::Tensor& injected,
                                             const AttentionContext& context) {
    auto next = m_block(injected.defined() ? previous + injected : previous, context);
    return m_iterationNorm ? m_iterationNorm(next) : next;
}

torch::Tensor LoopedTransformerImpl::readOut(const torch::Tensor& hidden) {
    if (m_readOut)
        return m_readOut(m_finalNorm(hidden));
    return torch::nn::functional::linear(m_finalNorm(hidden), m_embedding->weight, m_readOutBias);
}

torch::Tensor LoopedTransformerImpl::answer(const torch::Tensor& hidden,
                                            const torch::Tensor& exampleWidths) {
    const auto batch = hidden.size(0);
    auto rows = torch::arange(batch, torch::TensorOptions().device(hidden.device()));
    auto last = hidden.index({rows, exampleWidths.to(hidden.device(), torch::kLong) - 1});
    // Without its own head the answer is the CoT read-out of e_T (tied or not).
    return m_answerHead ? m_answerHead(m_finalNorm(last)) : readOut(last);
}

LoopedOutput LoopedTransformerImpl::forward(const torch::Tensor& inputIds,
                                            const torch::Tensor& exampleWidths,
                                            const torch::Tensor& iterations,
                                            const LoopedForwardOptions& options) {
    const auto device = inputIds.device();
    const auto batch = inputIds.size(0);
    const auto width = inputIds.size(1);
    auto widths = exampleWidths.to(device, torch::kLong);
    if (widths.numel() != batch || iterations.numel() != batch)
        throw std::invalid_argument("looped forward: exampleWidths and iterations need one entry "
                                    "per example (" +
                                    std::to_string(batch) + ")");
    // Host copy of T_b: which examples still loop decides what each iteration computes.
    auto iterationsHost = iterations.to(torch::kCPU, torch::kLong).contiguous();
    const auto* counts = iterationsHost.data_ptr<std::int64_t>();
    const std::int64_t maximumIterations =
        batch == 0 ? 0 : *std::max_element(counts, counts + batch);
    if (batch > 0 && *std::min_element(counts, counts + batch) < 0)
        throw std::invalid_argument("looped forward: negative iteration count");

    const auto context = attentionContext(widths, width);
    const bool dropping = is_training() && m_config.dropout > 0.0;
    auto embedded = torch::dropout(m_embedding(inputIds), m_config.dropout, dropping);
    // Given to every iteration only under input injection; undefined otherwise.
    const auto injected =
        m_config.inputInjection == InputInjection::Add ? embedded : torch::Tensor();

    std::vector<torch::Tensor> states;
    states.reserve(static_cast<std::size_t>(maximumIterations));
    auto hidden = embedded;
    std::int64_t activeCount = batch;
    torch::Tensor activeExamples;
    AttentionContext activeContext;
    for (std::int64_t iteration = 1; iteration <= maximumIterations; ++iteration) {
        const auto stillLooping = std::count_if(
            counts, counts + batch, [&](std::int64_t count) { return count >= iteration; });
        if (stillLooping == batch) {
            hidden = iterate(hidden, injected, context);
        } else {
            if (stillLooping != activeCount) {
                std::vector<std::int64_t> active;
                for (std::int64_t example = 0; example < batch; ++example)
                    if (counts[example] >= iteration)
                        active.push_back(example);
                activeExamples = torch::tensor(active).to(device);
                activeContext = context.select(activeExamples);
                activeCount = stillLooping;
            }
            hidden = hidden.index_copy(
                0, activeExamples,
                iterate(hidden.index_select(0, activeExamples),
                        injected.defined() ? injected.index_select(0, activeExamples) : injected,
                        activeContext));
        }
        states.push_back(hidden);
    }

    LoopedOutput output;
    output.answerLogits = answer(hidden, widths);
    if (states.empty())
        return output;
    auto stacked = torch::stack(states);
    if (options.readOutMask.defined())
        output.maskedStepLogits =
            readOut(stacked.index({options.readOutMask.to(device, torch::kBool)}));
    if (options.stepLogits || options.tokenConfidence)
        output.stepLogits = readOut(stacked);
    if (options.tokenConfidence)
        output.tokenConfidence = std::get<0>(torch::softmax(output.stepLogits, -1).max(-1));
    if (options.hiddenStates)
        output.hiddenStates = stacked;
    return output;
}

} // namespace relay
