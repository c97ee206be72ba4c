// The attention core on the CPU in float32 as one kernel per (example, head): rotary positions
// on queries and keys, scaled scores plus the additive mask, softmax, the weighted sum of the
// values, heads merged back; and its backward written by hand. LibTorch's composition of the
// same (a head-major copy, the rotary products, baddbmm, softmax, bmm, the merge copy) costs
// about 25 operations and as many autograd nodes per layer and iteration: at the cpu-quick size
// a third of a training step, most of it per-operation overhead on tiny matrices.
#pragma once

#include "model/attention.h"

#include <torch/torch.h>

namespace relay {

// The kernel's loops beat LibTorch's batched products on short sequences only. Measured with
// `relay bench --case looped` at one thread (d = 64, 4 heads, no dropout): 1,335 against 1,005
// examples/s at 1-4 operators (10 tokens), even at 8 operators (18 tokens); at the paper's size
// (d = 256, 15 operators, 32 tokens) 11.0 against 11.2-12.6, and the AR model's longer
// sequences gain nothing either.
inline constexpr std::int64_t kFusedAttentionLongest = 24;

// Whether fusedAttention computes this case: float32 on the CPU, sequences of at most
// kFusedAttentionLongest tokens.
bool fusedAttentionApplies(const torch::Tensor& projected, const AttentionContext& context);

// projected: [B, N, 3d], the queries, keys and values of every position side by side (each
// [H, headSize] head-major), as SelfAttention's input projection writes them; context.mask:
// [B * H or 1, N, N] additive; context.rotary: [B, 1, N, headSize] tables or undefined.
// dropout: the probability of dropping each attention weight (0 outside training), with the
// masks of dropout.h's counter-based generator. Returns [B, N, d], the heads' outputs side by
// side, differentiable with respect to `projected` (the mask and the tables take no gradient).
torch::Tensor fusedAttention(const torch::Tensor& projected, const AttentionContext& context,
                             std::int64_t heads, double dropout);

} // namespace relay
