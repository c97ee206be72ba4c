// Decoding a looped model's read-out: a hand-made inference result (logits that put all mass
// on chosen tokens) through decodeInference, and the width and oracle-T rules of input-only
// problems.
#include "train/looped_decoding.h"

#include "model/stopping.h"
#include "tasks/task.h"

#include <gtest/gtest.h>

#include <torch/torch.h>

namespace relay {
namespace {

// Logits [T, B, N, V] whose argmax spells rows[t][b] (space-separated, N tokens each).
torch::Tensor logitsSpelling(const std::vector<std::vector<std::string>>& rows,
                             const Vocabulary& vocabulary) {
    const auto iterations = static_cast<std::int64_t>(rows.size());
    const auto batch = static_cast<std::int64_t>(rows.front().size());
    const auto width = static_cast<std::int64_t>(splitTokens(rows.front().front()).size());
    auto logits = torch::zeros({iterations, batch, width, vocabulary.size()});
    for (std::int64_t t = 0; t < iterations; ++t)
        for (std::int64_t b = 0; b < batch; ++b) {
            const auto tokens = splitTokens(rows[t][b]);
            for (std::int64_t n = 0; n < width; ++n)
                logits.index_put_({t, b, n, vocabulary.id(tokens[n])}, 5.0);
        }
    return logits;
}

TEST(EvaluationDecodingTest, ReadOutRowsAreCutToEachWidthAndStripped) {
    const Vocabulary vocabulary(11);
    LoopedInference inference;
    // Example 0 has n_e = 5; example 1 has n_e = 3, so its positions 3 and 4 are batch
    // padding (filled with "5" here, which must not show up), and it ran one iteration only.
    inference.stepLogits = logitsSpelling(
        {{"<pad> 3 + 4 =", "<pad> 9 = 5 5"}, {"<pad> <pad> <pad> <pad> 7", "1 1 1 1 1"}},
        vocabulary);
    inference.tokenConfidence = torch::arange(20, torch::kFloat32).view({2, 2, 5}) / 100.0;
    inference.answerLogits = torch::zeros({2, vocabulary.size()});
    inference.answerLogits.index_put_({0, vocabulary.id("7")}, 3.0);
    inference.answerLogits.index_put_({1, vocabulary.id("9")}, 3.0);
    inference.chosenIterations = torch::tensor({2, 1}, torch::kLong);
    inference.uncertaintyTrace = torch::tensor({{0.5, 0.25}, {0.125, 4.0}});

    const auto decodings = decodeInference(inference, {5, 3}, {2, 1}, vocabulary);
    ASSERT_EQ(decodings.size(), 2u);

    const auto& first = decodings[0];
    EXPECT_EQ(first.width, 5);
    EXPECT_EQ(first.chosenIterations, 2);
    EXPECT_EQ(first.answer, "7");
    ASSERT_EQ(first.readOuts.size(), 2u);
    EXPECT_EQ(first.readOuts[0].tokens, splitTokens("<pad> 3 + 4 ="));
    EXPECT_EQ(first.readOuts[0].step, splitTokens("3 + 4 ="));
    EXPECT_EQ(first.readOuts[1].step, splitTokens("7"));
    // Confidence [t][b][n] = (t * 10 + b * 5 + n) / 100.
    ASSERT_EQ(first.readOuts[1].confidence.size(), 5u);
    EXPECT_FLOAT_EQ(first.readOuts[1].confidence[3], 0.13f);
    EXPECT_DOUBLE_EQ(first.readOuts[1].uncertainty, 0.125);
    EXPECT_EQ(first.chain(), (std::vector<Tokens>{splitTokens("3 + 4 ="), splitTokens("7")}));

    const auto& second = decodings[1];
    EXPECT_EQ(second.width, 3);
    EXPECT_EQ(second.answer, "9");
    ASSERT_EQ(second.readOuts.size(), 1u);
    EXPECT_EQ(second.readOuts[0].tokens, splitTokens("<pad> 9 ="));
    EXPECT_EQ(second.readOuts[0].step, splitTokens("9 ="));
    ASSERT_EQ(second.readOuts[0].confidence.size(), 3u);
    EXPECT_FLOAT_EQ(second.readOuts[0].confidence[0], 0.05f);
    EXPECT_FLOAT_EQ(second.readOuts[0].confidence[2], 0.07f);
    EXPECT_DOUBLE_EQ(second.readOuts[0].uncertainty, 0.25);
    EXPECT_EQ(second.chain(), (std::vector<Tokens>{splitTokens("9 =")}));
}

TEST(EvaluationDecodingTest, ChainStopsAtTheChosenIteration) {
    LoopedDecoding decoding;
    for (const auto* step : {"1 + 2 =", "3 =", "3"}) {
        IterationReadOut readOut;
        readOut.step = splitTokens(step);
        decoding.readOuts.push_back(readOut);
    }
    decoding.chosenIterations = 2;
    EXPECT_EQ(decoding.chain().size(), 2u);
    decoding.chosenIterations = 7; // more than were read out
    EXPECT_EQ(decoding.chain().size(), 3u);
}

TEST(EvaluationDecodingTest, WidthOfInputOnlyProblems) {
    Problem arithmetic;
    arithmetic.task = TaskKind::Arithmetic;
    arithmetic.input = splitTokens("1 + 2 * 3 =");
    EXPECT_EQ(loopedWidth(arithmetic, false), 6);
    EXPECT_EQ(loopedWidth(arithmetic, true), 7);
    EXPECT_EQ(oracleIterations(arithmetic), 2);

    // A short LIS input: its steps (ten values and <sep>) are wider than the input.
    const auto lis = makeTask("lis");
    const auto solved = lis->solve(splitTokens("5 3 8 <sep>"));
    Problem inputOnly;
    inputOnly.task = TaskKind::LongestIncreasingSubsequence;
    inputOnly.input = solved.input;
    EXPECT_EQ(loopedWidth(inputOnly, false), 11);
    EXPECT_EQ(loopedWidth(solved, false), 11);
    EXPECT_EQ(oracleIterations(inputOnly), 1);

    // With steps, the width and T are the problem's own.
    const auto ari = makeTask("ari");
    const auto full = ari->solve(arithmetic.input);
    EXPECT_EQ(loopedWidth(full, false), 6);
    EXPECT_EQ(oracleIterations(full), full.iterations());
}

TEST(EvaluationDecodingTest, MismatchedCountsAreRejected) {
    const Vocabulary vocabulary(11);
    LoopedInference inference;
    inference.stepLogits = logitsSpelling({{"<pad> 7"}}, vocabulary);
    inference.answerLogits = torch::zeros({1, vocabulary.size()});
    inference.chosenIterations = torch::tensor({1}, torch::kLong);
    EXPECT_THROW(decodeInference(inference, {2}, {1, 1}, vocabulary), std::invalid_argument);
    EXPECT_THROW(decodeInference(inference, {3}, {1}, vocabulary), std::invalid_argument);
}

} // namespace
} // namespace relay
