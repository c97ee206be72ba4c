// The RELAY loss (docs/method.md §2.2, Eq. 6) and the AR loss on worked examples whose expected
// values are computed here with plain doubles, not with the code under test.
#include "train/objectives.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace relay {
namespace {

constexpr int kPad = 0;

// CE of one logits row against a target, by hand.
double crossEntropy(const std::vector<double>& logits, std::int64_t target) {
    double normalizer = 0.0;
    for (double value : logits)
        normalizer += std::exp(value);
    return std::log(normalizer) - logits[static_cast<std::size_t>(target)];
}

// T = 2, B = 2, N = 3, V = 3. Example 0: width 3, T = 2, steps "1 2" then "2" right-aligned:
// step 1 targets [pad 1 2], mask [1 1 1] (its left pad is the one Eq. 6 scores); step 2
// targets [pad pad 2], mask [0 1 1]. Example 1: width 2 (slot 2 is batch padding), T = 1,
// step "1": targets [pad 1 pad], mask [1 1 0]; nothing at t = 2.
LoopedBatchTensors workedBatch() {
    LoopedBatchTensors batch;
    batch.inputIds = torch::tensor({{1, 2, 1}, {2, 1, 0}}, torch::kLong);
    batch.exampleWidths = torch::tensor({3, 2}, torch::kLong);
    batch.stepTargets =
        torch::tensor({kPad, 1, 2, kPad, 1, kPad, kPad, kPad, 2, kPad, kPad, kPad}, torch::kLong)
            .view({2, 2, 3});
    batch.stepMask =
        torch::tensor({1.f, 1.f, 1.f, 1.f, 1.f, 0.f, 0.f, 1.f, 1.f, 0.f, 0.f, 0.f}).view({2, 2, 3});
    batch.answerTargets = torch::tensor({2, 1}, torch::kLong);
    batch.iterations = torch::tensor({2, 1}, torch::kLong);
    batch.weights = torch::ones({2});
    return batch;
}

// logits[t][b][i] = a distinct small row per position.
std::vector<double> rowOf(int t, int b, int i) {
    return {0.1 * t - 0.2 * i, 0.3 * b + 0.5 * i - 0.1, 0.7 - 0.4 * t + 0.2 * b};
}

torch::Tensor workedLogits() {
    std::vector<float> values;
    for (int t = 0; t < 2; ++t)
        for (int b = 0; b < 2; ++b)
            for (int i = 0; i < 3; ++i)
                for (double value : rowOf(t, b, i))
                    values.push_back(static_cast<float>(value));
    return torch::tensor(values).view({2, 2, 3, 3});
}

const std::vector<std::vector<double>> kAnswerLogits = {{0.2, -0.1, 0.9}, {1.1, 0.4, -0.3}};

TEST(RelayLoss, MatchesEquationSixByHand) {
    auto batch = workedBatch();
    auto answerLogits = torch::tensor({0.2f, -0.1f, 0.9f, 1.1f, 0.4f, -0.3f}).view({2, 3});
    LoopedLossOptions options;
    options.iterationWeight = 0.5;
    auto loss = relayLoss(workedLogits(), answerLogits, batch, options);

    // Iteration 1 scores five positions, iteration 2 two; example 1 adds nothing at t = 2.
    const double first = (crossEntropy(rowOf(0, 0, 0), kPad) + crossEntropy(rowOf(0, 0, 1), 1) +
                          crossEntropy(rowOf(0, 0, 2), 2) + crossEntropy(rowOf(0, 1, 0), kPad) +
                          crossEntropy(rowOf(0, 1, 1), 1)) /
                         5.0;
    const double second =
        (crossEntropy(rowOf(1, 0, 1), kPad) + crossEntropy(rowOf(1, 0, 2), 2)) / 2.0;
    const double answer =
        (crossEntropy(kAnswerLogits[0], 2) + crossEntropy(kAnswerLogits[1], 1)) / 2.0;
    ASSERT_EQ(loss.perIteration.numel(), 2);
    EXPECT_NEAR(loss.perIteration[0].item<double>(), first, 1e-6);
    EXPECT_NEAR(loss.perIteration[1].item<double>(), second, 1e-6);
    EXPECT_NEAR(loss.iteration.item<double>(), (first + second) / 2.0, 1e-6);
    EXPECT_NEAR(loss.answer.item<double>(), answer, 1e-6);
    EXPECT_NEAR(loss.total.item<double>(), answer + 0.5 * (first + second) / 2.0, 1e-6);

    // Vanilla: the answer loss alone.
    options.vanilla = true;
    EXPECT_NEAR(relayLoss(workedLogits(), answerLogits, batch, options).total.item<double>(),
                answer, 1e-6);
}

TEST(RelayLoss, TaskWeightsScaleEachExample) {
    auto batch = workedBatch();
    batch.weights = torch::tensor({2.0f, 1.0f});
    auto answerLogits = torch::tensor({0.2f, -0.1f, 0.9f, 1.1f, 0.4f, -0.3f}).view({2, 3});
    auto loss = relayLoss(workedLogits(), answerLogits, batch);
    const double first =
        (2.0 * (crossEntropy(rowOf(0, 0, 0), kPad) + crossEntropy(rowOf(0, 0, 1), 1) +
                crossEntropy(rowOf(0, 0, 2), 2)) +
         crossEntropy(rowOf(0, 1, 0), kPad) + crossEntropy(rowOf(0, 1, 1), 1)) /
        5.0;
    const double answer =
        (2.0 * crossEntropy(kAnswerLogits[0], 2) + crossEntropy(kAnswerLogits[1], 1)) / 2.0;
    EXPECT_NEAR(loss.perIteration[0].item<double>(), first, 1e-6);
    EXPECT_NEAR(loss.answer.item<double>(), answer, 1e-6);
}

TEST(RelayLoss, MaskedLogitsGiveTheSameLossAsDense) {
    auto batch = workedBatch();
    auto logits = workedLogits().requires_grad_(true);
    auto answerLogits = torch::randn({2, 3});
    auto dense = relayLoss(logits, answerLogits, batch);
    auto masked = relayLoss(logits.index({stepReadOutMask(batch)}), answerLogits, batch);
    EXPECT_NEAR(dense.total.item<double>(), masked.total.item<double>(), 1e-6);
    EXPECT_TRUE(torch::allclose(dense.perIteration, masked.perIteration));
    // Unmasked positions get no gradient.
    dense.total.backward();
    auto gradient = logits.grad().abs().sum(-1);
    EXPECT_TRUE(torch::equal(gradient.gt(0), batch.stepMask.gt(0)));
}

TEST(ArLoss, NextTokenCrossEntropyOnLossPositionsOnly) {
    // <bos>=2 x=5 | step=7 <eos>=3, then one <pad>: the loss covers tokens 7 and <eos>, which
    // positions 1 and 2 predict.
    ArBatchTensors batch;
    batch.tokens = torch::tensor({{2, 5, 7, 3, 0}}, torch::kLong);
    batch.lossMask = torch::tensor({{0.f, 0.f, 1.f, 1.f, 0.f}});
    batch.promptLengths = torch::tensor({2}, torch::kLong);
    batch.sequenceLengths = torch::tensor({4}, torch::kLong);
    batch.weights = torch::ones({1});
    const std::int64_t vocabulary = 8;
    torch::manual_seed(30);
    auto logits = torch::randn({1, 5, vocabulary}, torch::kDouble);
    auto row = [&](int position) {
        std::vector<double> values;
        for (std::int64_t token = 0; token < vocabulary; ++token)
            values.push_back(logits[0][position][token].item<double>());
        return values;
    };
    const double expected = (crossEntropy(row(1), 7) + crossEntropy(row(2), 3)) / 2.0;
    EXPECT_NEAR(arLoss(logits.to(torch::kFloat32), batch).item<double>(), expected, 1e-5);
    auto mask = arReadOutMask(batch);
    EXPECT_TRUE(torch::equal(mask, torch::tensor({{false, true, true, false, false}})));
    EXPECT_NEAR(arLoss(logits.to(torch::kFloat32).index({mask}), batch).item<double>(), expected,
                1e-5);
}

} // namespace
} // namespace relay
