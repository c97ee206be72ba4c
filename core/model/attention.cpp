#include "model/attention.h"

#include "model/dropout.h"
#include "model/fused_attention.h"

#include <cmath>

namespace relay {
namespace {

// softmax(q k^T / sqrt(headSize) + mask) v over [B * H, *, headSize] operands.
torch::Tensor attend(const torch::Tensor& queries, const torch::Tensor& keys,
                     const torch::Tensor& values, const torch::Tensor& mask, double dropout,
                     bool training) {
    const double scale = 1.0 / std::sqrt(static_cast<double>(queries.size(-1)));
    // The mask rides along as baddbmm's addend: no separate pass over the scores.
    auto scores = torch::baddbmm(mask, queries, keys.transpose(1, 2), 1.0, scale);
    auto weights = torch::softmax(scores, -1);
    if (dropout > 0.0 && training)
        weights = applyDropout(weights, dropout, true);
    return torch::bmm(weights, values);
}

// [B * H, N, headSize] -> [B, N, H * headSize].
torch::Tensor mergeHeads(const torch::Tensor& x, std::int64_t batch, std::int64_t heads) {
    return x.view({batch, heads, x.size(1), x.size(2)})
        .permute({0, 2, 1, 3})
        .reshape({batch, x.size(1), heads * x.size(2)});
}

} // namespace

torch::Tensor applyLinear(torch::nn::Linear& linear, const torch::Tensor& x) {
    auto flat = linear(x.reshape({-1, x.size(-1)}));
    auto sizes = x.sizes().vec();
    sizes.back() = flat.size(-1);
    return flat.view(sizes);
}

AttentionContext AttentionContext::prefix(std::int64_t examples) const {
    AttentionContext selected;
    selected.heads = heads;
    selected.mask = mask.size(0) == 1 ? mask : mask.narrow(0, 0, examples * heads);
    if (rotary.defined())
        selected.rotary = rotary.prefix(examples);
    return selected;
}

torch::Tensor additiveMask(const torch::Tensor& allowed, std::int64_t batch, std::int64_t heads) {
    auto mask = torch::zeros(allowed.sizes(), torch::TensorOptions().device(allowed.device()))
                    .masked_fill(allowed.logical_not(), kMaskedScore);
    if (mask.size(0) == 1 && mask.size(1) == 1)
        return mask.view({1, mask.size(2), mask.size(3)});
    return mask.expand({batch, heads, mask.size(2), mask.size(3)})
        .reshape({batch * heads, mask.size(2), mask.size(3)});
}

SelfAttentionImpl::SelfAttentionImpl(std::int64_t hiddenSize, std::int64_t heads, double dropout)
    : m_heads(heads), m_dropout(dropout) {
    m_projectIn = register_module("project_in", torch::nn::Linear(hiddenSize, 3 * hiddenSize));
    m_projectOut = register_module("project_out", torch::nn::Linear(hiddenSize, hiddenSize));
}

std::vector<torch::Tensor> SelfAttentionImpl::project(const torch::Tensor& x,
                                                      const AttentionContext& context) {
    return splitHeads(applyLinear(m_projectIn, x), context);
}

std::vector<torch::Tensor> SelfAttentionImpl::splitHeads(const torch::Tensor& projected,
                                                         const AttentionContext& context) {
    const auto batch = projected.size(0);
    const auto length = projected.size(1);
    const auto headSize = projected.size(2) / (3 * m_heads);
    // [3, B, H, N, headSize]: one projection, one copy into head-major order (so every later
    // reshape is a view), then split: the backward of a split is one cat, where indexing q, k
    // and v out one by one would zero-fill and accumulate a full-size gradient for each.
    auto heads =
        projected.view({batch, length, 3, m_heads, headSize}).permute({2, 0, 3, 1, 4}).contiguous();
    auto parts = heads.split_with_sizes({2, 1}, 0);
    auto queriesAndKeys = parts[0];
    if (context.rotary.defined())
        queriesAndKeys = applyRotary(queriesAndKeys, context.rotary);
    auto split = queriesAndKeys.unbind(0);
    return {split[0], split[1], parts[1].squeeze(0)};
}

torch::Tensor SelfAttentionImpl::forward(const torch::Tensor& x, const AttentionContext& context) {
    const auto batch = x.size(0);
    const auto length = x.size(1);
    const auto headSize = x.size(2) / m_heads;
    auto projected = applyLinear(m_projectIn, x);
    if (fusedAttentionApplies(projected, context))
        return applyLinear(m_projectOut, fusedAttention(projected, context, m_heads,
                                                        is_training() ? m_dropout : 0.0));
    const auto heads = splitHeads(projected, context);
    auto queries = heads[0].view({batch * m_heads, length, headSize});
    auto keys = heads[1].view({batch * m_heads, length, headSize});
    auto values = heads[2].view({batch * m_heads, length, headSize});
    auto attended = attend(queries, keys, values, context.mask, m_dropout, is_training());
    return applyLinear(m_projectOut, mergeHeads(attended, batch, m_heads));
}

torch::Tensor SelfAttentionImpl::forwardCached(const torch::Tensor& x,
                                               const AttentionContext& context,
                                               KeyValueCache& cache, std::int64_t start) {
    const auto batch = x.size(0);
    const auto length = x.size(1);
    const auto headSize = x.size(2) / m_heads;
    const auto heads = project(x, context);
    cache.keys.narrow(2, start, length).copy_(heads[1]);
    cache.values.narrow(2, start, length).copy_(heads[2]);
    const auto seen = start + length;
    auto queries = heads[0].view({batch * m_heads, length, headSize});
    auto keys = cache.keys.narrow(2, 0, seen).reshape({batch * m_heads, seen, headSize});
    auto values = cache.values.narrow(2, 0, seen).reshape({batch * m_heads, seen, headSize});
    auto attended = attend(queries, keys, values, context.mask, 0.0, false);
    return applyLinear(m_projectOut, mergeHeads(attended, batch, m_heads));
}

} // namespace relay
