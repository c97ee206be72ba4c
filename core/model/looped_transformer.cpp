#include "model/looped_transformer.h"

#include "model/dropout.h"

#include <algorithm>
#include <functional>
#include <numeric>
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

void LoopedTransformerImpl::setDropout(double dropout) {
    m_config.dropout = dropout;
    m_block->setDropout(dropout);
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
    const auto width = hidden.size(1);
    // Row b * N + n_b - 1 of the flattened states: one index_select, no advanced indexing.
    auto rows = torch::arange(batch, torch::TensorOptions().device(hidden.device()));
    auto last =
        hidden.reshape({batch * width, hidden.size(2)})
            .index_select(0, rows * width + exampleWidths.to(hidden.device(), torch::kLong) - 1);
    // Without its own head the answer is the CoT read-out of e_T (tied or not).
    return m_answerHead ? m_answerHead(m_finalNorm(last)) : readOut(last);
}

std::vector<torch::Tensor> LoopedTransformerImpl::loop(const torch::Tensor& inputIds,
                                                       const torch::Tensor& exampleWidths,
                                                       const std::vector<std::int64_t>& counts) {
    const auto batch = inputIds.size(0);
    const auto context = attentionContext(exampleWidths, inputIds.size(1));
    const bool dropping = is_training() && m_config.dropout > 0.0;
    auto embedded = applyDropout(m_embedding(inputIds), m_config.dropout, dropping);
    // Given to every iteration only under input injection; undefined otherwise.
    const auto injected =
        m_config.inputInjection == InputInjection::Add ? embedded : torch::Tensor();
    const std::int64_t maximumIterations = counts.empty() ? 0 : counts.front();
    std::vector<torch::Tensor> states{embedded};
    states.reserve(static_cast<std::size_t>(maximumIterations + 1));
    std::int64_t looping = batch; // examples 0..looping-1 still loop
    AttentionContext loopingContext = context;
    for (std::int64_t iteration = 1; iteration <= maximumIterations; ++iteration) {
        const auto previous = states.back();
        const auto stillLooping = static_cast<std::int64_t>(std::count_if(
            counts.begin(), counts.end(), [&](std::int64_t count) { return count >= iteration; }));
        if (stillLooping == batch) {
            states.push_back(iterate(previous, injected, context));
            continue;
        }
        if (stillLooping != looping) {
            loopingContext = context.prefix(stillLooping);
            looping = stillLooping;
        }
        auto next =
            iterate(previous.narrow(0, 0, looping),
                    injected.defined() ? injected.narrow(0, 0, looping) : injected, loopingContext);
        states.push_back(torch::cat({next, previous.narrow(0, looping, batch - looping)}));
    }
    return states;
}

LoopedOutput LoopedTransformerImpl::forward(const torch::Tensor& inputIds,
                                            const torch::Tensor& exampleWidths,
                                            const torch::Tensor& iterations,
                                            const LoopedForwardOptions& options) {
    const auto device = inputIds.device();
    const auto batch = inputIds.size(0);
    auto widths = exampleWidths.to(device, torch::kLong);
    if (widths.numel() != batch || iterations.numel() != batch)
        throw std::invalid_argument("looped forward: exampleWidths and iterations need one entry "
                                    "per example (" +
                                    std::to_string(batch) + ")");
    // Host copy of T_b: which examples still loop decides what each iteration computes.
    std::vector<std::int64_t> counts = options.iterationCounts;
    if (counts.empty() && batch > 0) {
        auto host = iterations.to(torch::kCPU, torch::kLong).contiguous();
        counts.assign(host.data_ptr<std::int64_t>(), host.data_ptr<std::int64_t>() + batch);
    }
    if (static_cast<std::int64_t>(counts.size()) != batch)
        throw std::invalid_argument("looped forward: iterationCounts has " +
                                    std::to_string(counts.size()) + " entries for " +
                                    std::to_string(batch) + " examples");
    if (std::any_of(counts.begin(), counts.end(), [](std::int64_t count) { return count < 0; }))
        throw std::invalid_argument("looped forward: negative iteration count");

    // The loop wants the examples sorted by T, longest first; other orders are permuted.
    std::vector<torch::Tensor> states;
    torch::Tensor restore; // the given order from the sorted one; undefined when sorted
    if (std::is_sorted(counts.begin(), counts.end(), std::greater<>())) {
        states = loop(inputIds, widths, counts);
    } else {
        std::vector<std::int64_t> order(counts.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
            return counts[static_cast<std::size_t>(a)] > counts[static_cast<std::size_t>(b)];
        });
        std::vector<std::int64_t> sortedCounts, inverse(order.size());
        for (std::size_t rank = 0; rank < order.size(); ++rank) {
            sortedCounts.push_back(counts[static_cast<std::size_t>(order[rank])]);
            inverse[static_cast<std::size_t>(order[rank])] = static_cast<std::int64_t>(rank);
        }
        const auto longOptions = torch::TensorOptions().dtype(torch::kLong);
        auto sorted = torch::tensor(order, longOptions).to(device);
        restore = torch::tensor(inverse, longOptions).to(device);
        states =
            loop(inputIds.index_select(0, sorted), widths.index_select(0, sorted), sortedCounts);
    }
    auto last = restore.defined() ? states.back().index_select(0, restore) : states.back();

    LoopedOutput output;
    output.answerLogits = answer(last, widths);
    if (states.size() == 1)
        return output;
    auto stacked = torch::stack(at::TensorList(states).slice(1));
    if (restore.defined())
        stacked = stacked.index_select(1, restore);
    auto positions = options.readOutPositions;
    if (!positions.defined() && options.readOutMask.defined())
        positions = options.readOutMask.to(device, torch::kBool).flatten().nonzero().squeeze(1);
    if (positions.defined())
        output.maskedStepLogits =
            readOut(stacked.view({-1, stacked.size(-1)}).index_select(0, positions.to(device)));
    if (options.stepLogits || options.tokenConfidence)
        output.stepLogits = readOut(stacked);
    if (options.tokenConfidence)
        output.tokenConfidence = std::get<0>(torch::softmax(output.stepLogits, -1).max(-1));
    if (options.hiddenStates)
        output.hiddenStates = stacked;
    return output;
}

} // namespace relay
