// Multi-head self-attention written out by hand (scaled_dot_product_attention is not in
// LibTorch 1.13), with rotary positions and an additive mask, and a key/value cache for
// incremental decoding.
#pragma once

#include "model/rotary.h"

#include <torch/torch.h>

#include <vector>

namespace relay {

// What every layer and loop iteration of one forward pass shares, built once per pass.
struct AttentionContext {
    // Additive mask, 0 where a query may look at a key and a large negative number where
    // not: [B * H, queries, keys], or [1, queries, keys] when the same for every row.
    torch::Tensor mask;
    RotaryTables rotary; // undefined for none-directional
    std::int64_t heads = 1;

    // The context of the batch's first `examples` examples only.
    AttentionContext prefix(std::int64_t examples) const;
};

// Large enough to zero a softmax weight, finite so that bf16/fp16 never produce inf - inf.
constexpr double kMaskedScore = -1e9;

// allowed: bool, broadcastable to [B, H, queries, keys]; returns the additive mask laid out
// as AttentionContext::mask wants it.
torch::Tensor additiveMask(const torch::Tensor& allowed, std::int64_t batch, std::int64_t heads);

// linear(x) for x of any rank, run as one 2-D addmm: LibTorch 1.13 runs a 3-D input as mm plus a
// separate bias add.
torch::Tensor applyLinear(torch::nn::Linear& linear, const torch::Tensor& x);

// Keys and values of every position decoded so far, rotary already applied.
struct KeyValueCache {
    torch::Tensor keys;   // [B, H, capacity, headSize]
    torch::Tensor values; // [B, H, capacity, headSize]
};

struct SelfAttentionImpl : torch::nn::Module {
    SelfAttentionImpl(std::int64_t hiddenSize, std::int64_t heads, double dropout);

    // x: [B, N, d] -> [B, N, d].
    torch::Tensor forward(const torch::Tensor& x, const AttentionContext& context);

    // Decodes x: [B, S, d] at cache slots [start, start + S); queries see keys [0, start + S)
    // through context.mask ([B * H or 1, S, start + S]) and context.rotary (for the S new
    // positions). Gradient-free use only (it writes into the cache in place).
    torch::Tensor forwardCached(const torch::Tensor& x, const AttentionContext& context,
                                KeyValueCache& cache, std::int64_t start);

    // Queries and keys (rotary applied) and values of x: [B, H, N, headSize] each, contiguous.
    std::vector<torch::Tensor> project(const torch::Tensor& x, const AttentionContext& context);
    // The same from x's input projection [B, N, 3d].
    std::vector<torch::Tensor> splitHeads(const torch::Tensor& projected,
                                          const AttentionContext& context);

    std::int64_t m_heads;
    double m_dropout;
    torch::nn::Linear m_projectIn{nullptr};  // d -> 3d: queries, keys, values together
    torch::nn::Linear m_projectOut{nullptr}; // d -> d
};
TORCH_MODULE(SelfAttention);

} // namespace relay
