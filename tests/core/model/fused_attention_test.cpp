// The fused CPU attention kernel and its hand-written backward against the same attention
// composed from LibTorch operations and differentiated by autograd, on random inputs: every
// mask layout the models build, with and without rotary positions, with dropout on the weights
// (the composition applies the kernel's keep mask, rebuilt from the same seed).
#include "model/attention.h"
#include "model/dropout.h"
#include "model/fused_attention.h"
#include "model/rotary.h"

#include <gtest/gtest.h>

namespace relay {
namespace {

constexpr std::int64_t kBatch = 3, kLength = 7, kHeads = 2, kHeadSize = 8;
constexpr std::int64_t kHidden = kHeads * kHeadSize;

// softmax(q k^T / sqrt(d_h) + mask) (times the keep mask) v, heads merged; q, k rotated.
torch::Tensor composedAttention(const torch::Tensor& projected, const AttentionContext& context,
                                const torch::Tensor& keep) {
    auto parts = projected.view({kBatch, kLength, 3, kHeads, kHeadSize}).permute({2, 0, 3, 1, 4});
    auto queries = parts[0], keys = parts[1], values = parts[2]; // [B, H, N, d_h]
    if (context.rotary.defined()) {
        queries = applyRotary(queries, context.rotary);
        keys = applyRotary(keys, context.rotary);
    }
    auto mask = context.mask.size(0) == 1 ? context.mask.view({1, 1, kLength, kLength})
                                          : context.mask.view({kBatch, kHeads, kLength, kLength});
    auto scores = torch::matmul(queries, keys.transpose(-1, -2)) / std::sqrt(double(kHeadSize));
    auto weights = torch::softmax(scores + mask, -1);
    if (keep.defined())
        weights = weights * keep.view({kBatch, kHeads, kLength, kLength});
    return torch::matmul(weights, values).permute({0, 2, 1, 3}).reshape({kBatch, kLength, kHidden});
}

// Additive masks as the models build them: one causal mask for every row (AR), or per example
// and head with padded keys hidden (looped; each example has its own width).
AttentionContext contextWith(bool perExample, bool rotary) {
    auto positions = torch::arange(kLength);
    torch::Tensor allowed;
    if (perExample) {
        auto widths = torch::tensor({7, 4, 2}).view({kBatch, 1, 1, 1});
        allowed = (positions.view({1, 1, 1, kLength}) < widths)
                      .logical_or(positions.view({kLength, 1}) == positions.view({1, kLength}));
    } else {
        allowed = (positions.view({1, kLength}) <= positions.view({kLength, 1}))
                      .view({1, 1, kLength, kLength});
    }
    AttentionContext context;
    context.heads = kHeads;
    context.mask = additiveMask(allowed, kBatch, kHeads);
    if (rotary)
        context.rotary = makeRotaryTables(torch::rand({kBatch, kLength}) * 40, kHeadSize, 10000.0);
    return context;
}

void expectSameAsComposed(const AttentionContext& context, double dropout) {
    auto projected = torch::randn({kBatch, kLength, 3 * kHidden}).requires_grad_(true);
    auto outputGradient = torch::randn({kBatch, kLength, kHidden});
    torch::manual_seed(77);
    auto fused = fusedAttention(projected, context, kHeads, dropout);
    fused.backward(outputGradient);
    auto fusedGradient = projected.grad().clone();
    projected.mutable_grad().zero_();

    torch::Tensor keep; // the kernel's keep mask: the same seed, drawn the same way
    if (dropout > 0.0) {
        torch::manual_seed(77);
        CounterDropout drop(dropout);
        keep = torch::empty({kBatch * kHeads * kLength * kLength});
        for (std::int64_t index = 0; index < keep.numel(); ++index)
            keep[index] = drop.keeps(static_cast<std::uint64_t>(index)) ? drop.scale() : 0.0f;
        ASSERT_GT(keep.eq(0).sum().item<int>(), 0); // some weights dropped
    }
    auto composed = composedAttention(projected, context, keep);
    composed.backward(outputGradient);
    EXPECT_TRUE(torch::allclose(fused, composed, 1e-5, 1e-6))
        << (fused - composed).abs().max().item<double>();
    EXPECT_TRUE(torch::allclose(fusedGradient, projected.grad(), 1e-4, 1e-6))
        << (fusedGradient - projected.grad()).abs().max().item<double>();
}

TEST(FusedAttention, MatchesComposedAttentionAndItsAutogradGradient) {
    torch::manual_seed(5);
    for (bool perExample : {false, true})
        for (bool rotary : {false, true})
            for (double dropout : {0.0, 0.3}) {
                SCOPED_TRACE(std::string(perExample ? "per-example mask" : "shared mask") +
                             (rotary ? ", rotary" : ", no positions") +
                             (dropout > 0.0 ? ", dropout" : ""));
                expectSameAsComposed(contextWith(perExample, rotary), dropout);
            }
}

TEST(FusedAttention, SelfAttentionTakesItOnTheCpuAndGivesWhatTheComposedPathGives) {
    // float64 takes the composed path; the same weights in float32 take the fused one.
    torch::manual_seed(6);
    SelfAttention attention(kHidden, kHeads, 0.0);
    auto context = contextWith(true, true);
    auto x = torch::randn({kBatch, kLength, kHidden});
    auto projected = applyLinear(attention->m_projectIn, x);
    ASSERT_TRUE(fusedAttentionApplies(projected, context));
    // Longer sequences keep the composed path, where LibTorch's batched products are faster.
    ASSERT_FALSE(
        fusedAttentionApplies(torch::zeros({1, kFusedAttentionLongest + 1, 3 * kHidden}), context));
    auto fused = attention->forward(x, context);

    attention->to(torch::kFloat64);
    AttentionContext context64 = context;
    context64.mask = context.mask.to(torch::kFloat64);
    context64.rotary = {context.rotary.cosine.to(torch::kFloat64),
                        context.rotary.sine.to(torch::kFloat64)};
    ASSERT_FALSE(fusedAttentionApplies(projected.to(torch::kFloat64), context64));
    auto composed = attention->forward(x.to(torch::kFloat64), context64);
    EXPECT_TRUE(torch::allclose(fused.to(torch::kFloat64), composed, 1e-5, 1e-6));
}

TEST(FusedAttention, WithoutGradientsItComputesTheSameOutput) {
    // Evaluation and generation run under inference mode: no autograd node, same numbers.
    torch::manual_seed(8);
    auto context = contextWith(true, true);
    auto projected = torch::randn({kBatch, kLength, 3 * kHidden});
    auto tracked = fusedAttention(projected.clone().requires_grad_(true), context, kHeads, 0.0);
    torch::InferenceMode inference;
    auto untracked = fusedAttention(projected, context, kHeads, 0.0);
    EXPECT_TRUE(torch::equal(tracked.detach(), untracked));
}

TEST(FusedAttention, GivesTheSameBitsWhereverItsBuffersLand) {
    // Resume is bit-exact only if the kernel is a function of its inputs alone. Its scratch rows
    // come from malloc, and the compiler's vectorized loops check at run time whether a row they
    // write lies within a vector's width after one they read, taking a scalar path when it does;
    // every path must compute the same bits. They did not while GCC fused multiply-adds into
    // FMAs in some of a loop's versions and not in others: 1 training run in 30 differed.
    // Here malloc's cache of freed blocks of the rows' size is primed in 24 orders, so the
    // kernel's buffers land next to each other in as many arrangements (as a run's heap
    // sometimes has them); without the fix, some orders change the gradient's last bits.
    torch::manual_seed(9);
    auto context = contextWith(true, true);
    auto projected = torch::randn({kBatch, kLength, 3 * kHidden});
    auto outputGradient = torch::randn({kBatch, kLength, kHidden});
    auto input = projected.clone().requires_grad_(true);
    auto run = [&] {
        input.mutable_grad() = torch::Tensor();
        torch::manual_seed(10); // the same dropout seed every time
        fusedAttention(input, context, kHeads, 0.1).backward(outputGradient);
        return input.grad().clone();
    };
    const auto first = run();
    constexpr std::size_t kRowBlock = kLength * kHeadSize * sizeof(float); // a [N, d_h] buffer
    for (int order = 0; order < 24; ++order) {
        std::vector<void*> blocks(8);
        for (auto& block : blocks)
            block = std::malloc(kRowBlock);
        // Freed last is reused first: block `order % 8` first, its neighbour in memory later.
        std::vector<void*> freeing(blocks.begin(), blocks.end());
        std::rotate(freeing.begin(), freeing.begin() + order % 8, freeing.end());
        if (order >= 8)
            std::reverse(freeing.begin() + 1, freeing.end());
        for (auto it = freeing.rbegin(); it != freeing.rend(); ++it)
            std::free(*it);
        ASSERT_TRUE(torch::equal(run(), first)) << "heap primed in order " << order;
    }
}

} // namespace
} // namespace relay
