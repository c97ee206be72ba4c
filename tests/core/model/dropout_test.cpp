// applyDropout against what inverted dropout must be: Bernoulli(1 - p) keeps, independent
// between neighbours, survivors scaled by 1 / (1 - p), autograd's gradient the same mask, and
// masks reproduced by the seed whatever the thread count.
#include "model/dropout.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace relay {
namespace {

constexpr std::int64_t kElements = 1 << 20;

// Restores LibTorch's thread count after a test changes it.
struct ThreadCount {
    int saved = torch::get_num_threads();
    ~ThreadCount() { torch::set_num_threads(saved); }
};

TEST(Dropout, KeepsEachElementWithProbabilityOneMinusP) {
    torch::manual_seed(1);
    auto x = torch::ones({kElements});
    for (double p : {0.1, 0.5}) {
        SCOPED_TRACE(p);
        auto kept = applyDropout(x, p, true).ne(0).to(torch::kDouble);
        // Binomial(n, 1 - p): five standard deviations.
        const double tolerance = 5.0 * std::sqrt(p * (1 - p) / kElements);
        EXPECT_NEAR(kept.mean().item<double>(), 1.0 - p, tolerance);
        // Neighbours independent: both kept with probability (1 - p)^2. Catches one random word
        // deciding two elements. (Overlapping pairs are weakly dependent: six deviations.)
        const double pairs = (1 - p) * (1 - p);
        const double pairTolerance = 6.0 * std::sqrt(pairs * (1 - pairs) / kElements);
        auto both = (kept.slice(0, 0, kElements - 1) * kept.slice(0, 1, kElements)).mean();
        EXPECT_NEAR(both.item<double>(), pairs, pairTolerance);
        // Every 2 apart too (the two halves of one 64-bit draw, the next draw's).
        auto apart = (kept.slice(0, 0, kElements - 2) * kept.slice(0, 2, kElements)).mean();
        EXPECT_NEAR(apart.item<double>(), pairs, pairTolerance);
    }
}

TEST(Dropout, SurvivorsAreScaledAndTheGradientIsTheSameMask) {
    torch::manual_seed(2);
    auto x = torch::randn({64, 33}, torch::requires_grad());
    auto weights = torch::randn({64, 33});
    auto y = applyDropout(x, 0.25, true);
    (y * weights).sum().backward();
    auto kept = y.detach().ne(0);
    const float scale = static_cast<float>(1.0 / 0.75);
    EXPECT_TRUE(torch::equal(y.detach(), torch::where(kept, x.detach() * scale, 0.0)));
    // d/dx sum(w * dropout(x)) = w * mask / (1 - p), computed by hand from the kept set.
    EXPECT_TRUE(torch::allclose(x.grad(), torch::where(kept, weights * scale, 0.0)));
}

TEST(Dropout, SeedReproducesTheMaskForAnyThreadCount) {
    ThreadCount restore;
    auto x = torch::ones({kElements + 1}); // odd: the last draw serves one element
    torch::set_num_threads(1);
    torch::manual_seed(3);
    auto first = applyDropout(x, 0.3, true);
    auto second = applyDropout(x, 0.3, true);
    torch::set_num_threads(2);
    torch::manual_seed(3);
    EXPECT_TRUE(torch::equal(applyDropout(x, 0.3, true), first));
    EXPECT_FALSE(torch::equal(first, second)); // each call draws a new seed
}

TEST(Dropout, EvaluationAndZeroRateLeaveTheInput) {
    auto x = torch::randn({5, 7});
    EXPECT_TRUE(applyDropout(x, 0.5, false).is_same(x));
    EXPECT_TRUE(applyDropout(x, 0.0, true).is_same(x));
    EXPECT_TRUE(torch::equal(applyDropout(x, 1.0, true), torch::zeros_like(x)));
}

TEST(Dropout, AddDroppedIsTheResidualPlusTheDroppedBranchToTheBit) {
    // The fused residual join against its composition, differentiated by autograd: the same
    // generator draw (so the same mask), the same roundings, the same gradients. An odd element
    // count, and a transposed (non-contiguous) branch.
    for (bool transposed : {false, true}) {
        SCOPED_TRACE(transposed ? "transposed branch" : "contiguous branch");
        torch::manual_seed(4);
        auto residual = torch::randn({9, 13}, torch::requires_grad());
        auto branch = (transposed ? torch::randn({13, 9}).t() : torch::randn({9, 13}))
                          .clone(at::MemoryFormat::Preserve)
                          .requires_grad_(true);
        auto weights = torch::randn({9, 13});
        torch::manual_seed(5);
        auto fused = addDropped(residual, branch, 0.3, true);
        (fused * weights).sum().backward();
        auto fusedResidualGrad = residual.grad().clone(), fusedBranchGrad = branch.grad().clone();
        residual.mutable_grad().zero_();
        branch.mutable_grad().zero_();
        torch::manual_seed(5);
        auto composed = residual + applyDropout(branch, 0.3, true);
        (composed * weights).sum().backward();
        ASSERT_GT(composed.ne(residual).logical_not().sum().item<int>(), 0); // some dropped
        EXPECT_TRUE(torch::equal(fused, composed));
        EXPECT_TRUE(torch::equal(fusedResidualGrad, residual.grad()));
        EXPECT_TRUE(torch::equal(fusedBranchGrad, branch.grad()));
    }
    // Not training, or no rate: the plain sum.
    auto x = torch::randn({3, 4}), y = torch::randn({3, 4});
    EXPECT_TRUE(torch::equal(addDropped(x, y, 0.5, false), x + y));
    EXPECT_TRUE(torch::equal(addDropped(x, y, 0.0, true), x + y));
}

// The counter's words are SplitMix64's outputs: seeded with 0, the generator's published first
// outputs (Vigna's reference splitmix64.c), one per index.
TEST(Dropout, CounterWordsAreSplitMix64) {
    const CounterDropout dropout(0.5, 0);
    EXPECT_EQ(dropout.word(0), 0xe220a8397b1dcdafULL);
    EXPECT_EQ(dropout.word(1), 0x6e789e6aa1b965f4ULL);
    EXPECT_EQ(dropout.word(2), 0x06c45d188009454fULL);
    // keeps(i) tests the word's high half against (1 - p) * 2^32.
    const CounterDropout quarter(0.75, 0);
    EXPECT_FALSE(quarter.keeps(0)); // 0xe220a839 >= 2^30
    EXPECT_FALSE(quarter.keeps(1)); // 0x6e789e6a >= 2^30
    EXPECT_TRUE(quarter.keeps(2));  // 0x06c45d18 < 2^30
}

// The vectorized mask loops against the counter's definition, element by element: ranges that
// start on either half of a word and span several of the loops' blocks (256 words).
TEST(Dropout, MaskLoopsDrawWhatTheCounterDefines) {
    const CounterDropout dropout(0.3, 12345);
    auto paired = [&](std::int64_t element) {
        const auto word = dropout.word(static_cast<std::uint64_t>(element / 2));
        const auto half = element % 2 == 0 ? word & 0xffffffffULL : word >> 32;
        return dropout.keepsHalf(half) ? dropout.scale() : 0.0f;
    };
    for (const auto& [first, count] : std::vector<std::pair<std::int64_t, std::int64_t>>{
             {0, 1}, {1, 1}, {0, 513}, {7, 1100}, {1000001, 2}, {4, 0}}) {
        std::vector<float> factors(static_cast<std::size_t>(count), -1.0f);
        pairedKeepFactors(dropout, first, count, factors.data());
        for (std::int64_t k = 0; k < count; ++k)
            ASSERT_EQ(factors[static_cast<std::size_t>(k)], paired(first + k))
                << "paired, element " << first + k;
        elementKeepFactors(dropout, static_cast<std::uint64_t>(first), count, factors.data());
        for (std::int64_t k = 0; k < count; ++k)
            ASSERT_EQ(factors[static_cast<std::size_t>(k)],
                      dropout.keeps(static_cast<std::uint64_t>(first + k)) ? dropout.scale() : 0.0f)
                << "one word each, element " << first + k;
    }
    // About 1 - p of them kept: a loop that wrote one factor for all would fail here.
    std::vector<float> many(10000);
    pairedKeepFactors(dropout, 3, 10000, many.data());
    const auto kept = std::count(many.begin(), many.end(), dropout.scale());
    EXPECT_NEAR(static_cast<double>(kept) / 10000.0, 0.7, 0.03);
}

} // namespace
} // namespace relay
