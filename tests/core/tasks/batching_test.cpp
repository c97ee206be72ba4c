// Batching (tasks/batch.h) against layouts worked out by hand from docs/method.md §2.2 and §2.3.
#include "tasks/batching.h"
#include "tasks/chain_split.h"
#include "tasks/task.h"

#include <gtest/gtest.h>

#include <random>

namespace relay {
namespace {

// Vocabulary ids used below (tasks/vocabulary.cpp): <pad> 0, <sep> 1, <bos> 2, <eos> 3,
// [ARI] 4, + 7, - 8, * 9, = 13, | 14, , 15, letters a.. from 16, numbers n at 42 + n.
constexpr std::int64_t P = 0, Sep = 1, Bos = 2, Eos = 3, Ari = 4, Plus = 7, Minus = 8, Times = 9,
                       Equals = 13, Bar = 14, Comma = 15, A = 16, B = 17;
constexpr std::int64_t number(int value) {
    return 42 + value;
}

Problem problem(TaskKind task, const std::string& input, std::vector<std::string> steps,
                const std::string& answer) {
    Problem result;
    result.task = task;
    result.input = splitTokens(input);
    for (const auto& step : steps)
        result.steps.push_back(splitTokens(step));
    result.answer = answer;
    return result;
}

// Two operators mod 11: 3 + 4 * 2 = -> 3 + 8 = -> 0. Width 6 (the input), T = 2.
Problem twoOperators() {
    return problem(TaskKind::Arithmetic, "3 + 4 * 2 =", {"3 + 8 =", "0"}, "0");
}
// One operator: width 4, T = 1.
Problem oneOperator() {
    return problem(TaskKind::Arithmetic, "5 - 1 =", {"4"}, "4");
}

template <typename Value>
std::vector<Value> slice(const std::vector<Value>& values, std::size_t begin, std::size_t size) {
    return std::vector<Value>(values.begin() + static_cast<std::ptrdiff_t>(begin),
                              values.begin() + static_cast<std::ptrdiff_t>(begin + size));
}

TEST(LoopedBatch, MatchesTheHandWorkedLayout) {
    const Vocabulary vocabulary(11);
    BatchOptions options;
    options.weights = {1.0f, 0.5f};
    LoopedBatch batch = makeLoopedBatch({twoOperators(), oneOperator()}, vocabulary, options);
    ASSERT_EQ(batch.batchSize, 2);
    ASSERT_EQ(batch.width, 6);
    ASSERT_EQ(batch.maxIterations, 2);
    EXPECT_EQ(batch.exampleWidths, (std::vector<std::int64_t>{6, 4}));
    EXPECT_EQ(batch.iterations, (std::vector<std::int64_t>{2, 1}));
    EXPECT_EQ(batch.answerTargets, (std::vector<std::int64_t>{number(0), number(4)}));
    EXPECT_EQ(batch.weights, (std::vector<float>{1.0f, 0.5f}));
    EXPECT_EQ(batch.inputIds,
              (std::vector<std::int64_t>{number(3), Plus, number(4), Times, number(2), Equals,
                                         number(5), Minus, number(1), Equals, P, P}));

    // [iteration][example][position], each row 6 wide.
    using Ids = std::vector<std::int64_t>;
    using Mask = std::vector<float>;
    // t = 1, example 1: "3 + 8 =" right-aligned; the pad just left of it is scored.
    EXPECT_EQ(slice(batch.stepTargets, 0, 6), (Ids{P, P, number(3), Plus, number(8), Equals}));
    EXPECT_EQ(slice(batch.stepMask, 0, 6), (Mask{0, 1, 1, 1, 1, 1}));
    // t = 1, example 2: "4" right-aligned in its own width 4; positions 4, 5 are batch padding.
    EXPECT_EQ(slice(batch.stepTargets, 6, 6), (Ids{P, P, P, number(4), P, P}));
    EXPECT_EQ(slice(batch.stepMask, 6, 6), (Mask{0, 0, 1, 1, 0, 0}));
    // t = 2, example 1: the bare answer.
    EXPECT_EQ(slice(batch.stepTargets, 12, 6), (Ids{P, P, P, P, P, number(0)}));
    EXPECT_EQ(slice(batch.stepMask, 12, 6), (Mask{0, 0, 0, 0, 1, 1}));
    // t = 2, example 2: past its T, nothing is scored.
    EXPECT_EQ(slice(batch.stepTargets, 18, 6), (Ids{P, P, P, P, P, P}));
    EXPECT_EQ(slice(batch.stepMask, 18, 6), (Mask{0, 0, 0, 0, 0, 0}));
}

TEST(LoopedBatch, ScoringEveryPadCoversTheWholeExampleWidthOnly) {
    BatchOptions options;
    options.scoreEveryPad = true;
    LoopedBatch batch = makeLoopedBatch({twoOperators(), oneOperator()}, Vocabulary(11), options);
    using Mask = std::vector<float>;
    // The targets are the hand-worked layout above; only the mask changes: every position of
    // an iteration the example runs, within its own width (4 for example 2), is scored.
    EXPECT_EQ(slice(batch.stepMask, 0, 6), (Mask{1, 1, 1, 1, 1, 1}));
    EXPECT_EQ(slice(batch.stepMask, 6, 6), (Mask{1, 1, 1, 1, 0, 0}));
    EXPECT_EQ(slice(batch.stepMask, 12, 6), (Mask{1, 1, 1, 1, 1, 1}));
    EXPECT_EQ(slice(batch.stepMask, 18, 6), (Mask{0, 0, 0, 0, 0, 0}));
    EXPECT_EQ(slice(batch.stepTargets, 12, 6),
              (std::vector<std::int64_t>{P, P, P, P, P, number(0)}));
}

TEST(LoopedBatch, TaskTokenWidensTheExample) {
    BatchOptions options;
    options.prependTaskToken = true;
    LoopedBatch batch = makeLoopedBatch({twoOperators()}, Vocabulary(11), options);
    ASSERT_EQ(batch.width, 7);
    EXPECT_EQ(batch.inputIds, (std::vector<std::int64_t>{Ari, number(3), Plus, number(4), Times,
                                                         number(2), Equals}));
    EXPECT_EQ(slice(batch.stepTargets, 0, 7),
              (std::vector<std::int64_t>{P, P, P, number(3), Plus, number(8), Equals}));
    EXPECT_EQ(slice(batch.stepMask, 0, 7), (std::vector<float>{0, 0, 1, 1, 1, 1, 1}));
    EXPECT_EQ(batch.weights, (std::vector<float>{1.0f}));
}

TEST(LoopedBatch, StepWiderThanTheInputSetsTheWidthAndHasNoPadToScore) {
    // LIS n = 3: input 4 tokens, each step 11 tokens, so n_e = 11.
    Problem lis = problem(TaskKind::LongestIncreasingSubsequence, "5 7 6 <sep>",
                          {"1 2 2 2 2 2 2 2 2 2 <sep>"}, "2");
    LoopedBatch batch = makeLoopedBatch({lis}, Vocabulary(11));
    ASSERT_EQ(batch.width, 11);
    EXPECT_EQ(slice(batch.inputIds, 0, 5),
              (std::vector<std::int64_t>{number(5), number(7), number(6), Sep, P}));
    EXPECT_EQ(batch.stepTargets.front(), number(1));
    EXPECT_EQ(batch.stepTargets.back(), Sep);
    EXPECT_EQ(batch.stepMask, std::vector<float>(11, 1.0f));
}

TEST(LoopedBatch, RejectsBadBatches) {
    EXPECT_THROW(makeLoopedBatch({}, Vocabulary(11)), std::invalid_argument);
    BatchOptions options;
    options.weights = {1, 2};
    EXPECT_THROW(makeLoopedBatch({oneOperator()}, Vocabulary(11), options), std::invalid_argument);
    EXPECT_THROW(makeLoopedBatch({oneOperator()}, Vocabulary(3)), std::out_of_range);
}

TEST(ArBatch, MatchesTheHandWorkedLayout) {
    // ED |s1| = 1: a | b <sep>, row "3 ,", answer 3 (substitution costs 3).
    Problem edit = problem(TaskKind::EditDistance, "a | b <sep>", {"3 ,"}, "3");
    ArBatch batch = makeArBatch({twoOperators(), edit}, Vocabulary(11));
    ASSERT_EQ(batch.batchSize, 2);
    ASSERT_EQ(batch.length, 13);
    EXPECT_EQ(batch.promptLengths, (std::vector<std::int64_t>{7, 5}));
    EXPECT_EQ(batch.sequenceLengths, (std::vector<std::int64_t>{13, 9}));
    using Ids = std::vector<std::int64_t>;
    using Mask = std::vector<float>;
    // ARI: the last step is the answer, so it is not repeated before <eos>.
    EXPECT_EQ(slice(batch.tokens, 0, 13),
              (Ids{Bos, number(3), Plus, number(4), Times, number(2), Equals, number(3), Plus,
                   number(8), Equals, number(0), Eos}));
    EXPECT_EQ(slice(batch.lossMask, 0, 13), (Mask{0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1}));
    // ED: steps, then the answer, then <eos>; padded on the right.
    EXPECT_EQ(slice(batch.tokens, 13, 13),
              (Ids{Bos, A, Bar, B, Sep, number(3), Comma, number(3), Eos, P, P, P, P}));
    EXPECT_EQ(slice(batch.lossMask, 13, 13), (Mask{0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0}));
    EXPECT_EQ(batch.weights, (std::vector<float>{1.0f, 1.0f}));

    EXPECT_EQ(arPromptIds(edit, Vocabulary(11), true), (Ids{Bos, 5, A, Bar, B, Sep}));
}

TEST(ArDecoding, SplitsTheFlatChainIntoSteps) {
    auto ari = decodeArContinuation(TaskKind::Arithmetic, splitTokens("3 + 8 = 0 <eos> 5"));
    EXPECT_TRUE(ari.finished);
    EXPECT_EQ(ari.steps, (std::vector<Tokens>{{"3", "+", "8", "="}, {"0"}}));
    EXPECT_EQ(ari.answer, "0");

    auto edit = decodeArContinuation(TaskKind::EditDistance, splitTokens("0 2 , 2 0 , 0"));
    EXPECT_FALSE(edit.finished);
    EXPECT_EQ(edit.steps, (std::vector<Tokens>{{"0", "2", ","}, {"2", "0", ","}}));
    EXPECT_EQ(edit.answer, "0");

    auto cut = decodeArContinuation(TaskKind::EditDistance, splitTokens("0 2 , <eos>"));
    EXPECT_EQ(cut.answer, "");
    auto unfinished = decodeArContinuation(TaskKind::Arithmetic, splitTokens("3 + 8 ="));
    EXPECT_EQ(unfinished.answer, "");

    EXPECT_EQ(
        splitSteps(TaskKind::LongestIncreasingSubsequence, splitTokens("1 2 <sep> 3 3 <sep> 4")),
        (std::vector<Tokens>{{"1", "2", "<sep>"}, {"3", "3", "<sep>"}, {"4"}}));
}

// Decoding what makeArBatch encodes gives the chain back, for every task.
TEST(ArDecoding, InvertsTheArLayout) {
    std::mt19937_64 random(9);
    const Vocabulary vocabulary(300);
    for (const char* name : {"ari", "ed", "lis"}) {
        auto task = makeTask(name);
        for (int complexity : {1, 4, 12}) {
            Problem original = task->generate(complexity, random);
            ArBatch batch = makeArBatch({original}, vocabulary);
            std::vector<std::int64_t> continuation(batch.tokens.begin() + batch.promptLengths[0],
                                                   batch.tokens.end());
            auto decoded = decodeArContinuation(original.task, vocabulary.tokens(continuation));
            EXPECT_TRUE(decoded.finished);
            EXPECT_EQ(decoded.steps, original.steps) << name;
            EXPECT_EQ(decoded.answer, original.answer) << name;
        }
    }
}

} // namespace
} // namespace relay
