// The scoring functions of evaluation_scoring.h on hand-made predictions, every expected
// metric counted by hand from the problems below (no model involved).
#include "train/evaluation_scoring.h"

#include "tasks/tokens.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace relay {
namespace {

Problem arithmetic(const std::string& input, const std::vector<std::string>& steps,
                   const std::string& answer) {
    Problem problem;
    problem.task = TaskKind::Arithmetic;
    problem.complexity = static_cast<int>(steps.size());
    problem.input = splitTokens(input);
    for (const auto& step : steps)
        problem.steps.push_back(splitTokens(step));
    problem.answer = answer;
    return problem;
}

// Four ARI problems mod 11 with T = 2. Widths n_e (= input length): 6, 8, 6, 6. Each step 1
// has 4 tokens and each step 2 one token, and every step is shorter than n_e, so the Eq. 6
// mask scores (4 + 1) + (1 + 1) = 7 positions per example: M = 28.
std::vector<Problem> problems() {
    return {arithmetic("1 + 2 * 3 =", {"1 + 6 =", "7"}, "7"),
            arithmetic("( 2 + 3 ) * 4 =", {"5 * 4 =", "9"}, "9"),
            arithmetic("2 * 2 - 1 =", {"4 - 1 =", "3"}, "3"),
            arithmetic("6 / 3 + 1 =", {"2 + 1 =", "3"}, "3")};
}
constexpr double kMaskedPositions = 28.0;

// A read-out row written by hand: `leftPads` pads, then the tokens.
IterationReadOut row(int leftPads, const std::string& tokens) {
    IterationReadOut readOut;
    readOut.tokens = Tokens(static_cast<std::size_t>(leftPads), "<pad>");
    for (const auto& token : splitTokens(tokens))
        readOut.tokens.push_back(token);
    readOut.step = stripLeftPads(readOut.tokens);
    readOut.confidence.assign(readOut.tokens.size(), 1.0f);
    return readOut;
}

LoopedDecoding decoding(int width, std::vector<IterationReadOut> readOuts,
                        const std::string& answer) {
    LoopedDecoding result;
    result.width = width;
    result.chosenIterations = static_cast<int>(readOuts.size());
    result.readOuts = std::move(readOuts);
    result.answer = answer;
    return result;
}

// The right predictions, row by row.
std::vector<LoopedDecoding> perfect() {
    return {decoding(6, {row(2, "1 + 6 ="), row(5, "7")}, "7"),
            decoding(8, {row(4, "5 * 4 ="), row(7, "9")}, "9"),
            decoding(6, {row(2, "4 - 1 ="), row(5, "3")}, "3"),
            decoding(6, {row(2, "2 + 1 ="), row(5, "3")}, "3")};
}

const HitCell& cell(const std::vector<HitCell>& cells, int cotStep, int position) {
    for (const auto& candidate : cells)
        if (candidate.cotStep == cotStep && candidate.position == position)
            return candidate;
    throw std::out_of_range("no such cell");
}

TEST(EvaluationScoringTest, StepStartsAfterTheLastPad) {
    EXPECT_EQ(stripLeftPads(splitTokens("<pad> <pad> 1 + 6 =")), splitTokens("1 + 6 ="));
    // Left of the boundary pad is unscored scratch; a wrong inner pad cuts the step short.
    EXPECT_EQ(stripLeftPads(splitTokens("3 ( <pad> 1 + 6 =")), splitTokens("1 + 6 ="));
    EXPECT_EQ(stripLeftPads(splitTokens("<pad> 1 + <pad> =")), splitTokens("="));
    EXPECT_EQ(stripLeftPads(splitTokens("<pad> <pad>")), Tokens{});
    EXPECT_EQ(stripLeftPads(splitTokens("7 =")), splitTokens("7 ="));
}

TEST(EvaluationScoringTest, PerfectLoopedPredictionsScoreOneEverywhere) {
    const auto scores = scoreLooped(problems(), perfect());
    EXPECT_EQ(scores.samples, 4);
    EXPECT_DOUBLE_EQ(scores.answerAccuracy, 1.0);
    EXPECT_DOUBLE_EQ(scores.chainAccuracy, 1.0);
    EXPECT_DOUBLE_EQ(scores.tokenAccuracy, 1.0);
    EXPECT_EQ(scores.scoredTokens, 28);
    ASSERT_EQ(scores.stepAccuracy.size(), 2u);
    EXPECT_DOUBLE_EQ(scores.stepAccuracy[0], 1.0);
    EXPECT_DOUBLE_EQ(scores.stepAccuracy[1], 1.0);
}

TEST(EvaluationScoringTest, OneWrongTokenInStepTwo) {
    auto predictions = perfect();
    predictions[2].readOuts[1] = row(5, "5"); // true step 2 of example 2 is "3"
    const auto scores = scoreLooped(problems(), predictions);
    EXPECT_DOUBLE_EQ(scores.answerAccuracy, 1.0);
    EXPECT_DOUBLE_EQ(scores.chainAccuracy, 0.75);
    EXPECT_DOUBLE_EQ(scores.tokenAccuracy, (kMaskedPositions - 1) / kMaskedPositions);
    EXPECT_DOUBLE_EQ(scores.stepAccuracy[0], 1.0);
    EXPECT_DOUBLE_EQ(scores.stepAccuracy[1], 0.75);

    const auto cells = loopedHitMatrix(problems(), predictions);
    // T = 2 rows x the longest step (4 tokens) columns.
    ASSERT_EQ(cells.size(), 2u * 4u);
    EXPECT_DOUBLE_EQ(cell(cells, 2, 0).accuracy, 0.75);
    EXPECT_EQ(cell(cells, 2, 0).samples, 4);
    for (int position = 0; position < 4; ++position) {
        EXPECT_DOUBLE_EQ(cell(cells, 1, position).accuracy, 1.0);
        EXPECT_EQ(cell(cells, 1, position).samples, 4);
    }
    for (int position = 1; position < 4; ++position) // step 2 is one token long
        EXPECT_EQ(cell(cells, 2, position).samples, 0);
}

TEST(EvaluationScoringTest, HitMatrixColumnsCountFromTheStepsFirstToken) {
    auto predictions = perfect();
    predictions[1].readOuts[0] = row(4, "5 + 4 ="); // position 1 of step 1 ("*") wrong
    const auto cells = loopedHitMatrix(problems(), predictions);
    EXPECT_DOUBLE_EQ(cell(cells, 1, 0).accuracy, 1.0);
    EXPECT_DOUBLE_EQ(cell(cells, 1, 1).accuracy, 0.75);
    EXPECT_DOUBLE_EQ(cell(cells, 1, 2).accuracy, 1.0);
    EXPECT_DOUBLE_EQ(cell(cells, 1, 3).accuracy, 1.0);
}

TEST(EvaluationScoringTest, BoundaryPadIsScoredButOuterPadsAreNot) {
    auto predictions = perfect();
    // Example 0, width 6, step 1 at positions 2..5: its boundary pad is position 1.
    predictions[0].readOuts[0] = row(1, "9 1 + 6 =");
    // Example 1, width 8, step 1 at 4..7, boundary at 3: position 0 is outside the mask.
    predictions[1].readOuts[0].tokens[0] = "7";
    predictions[1].readOuts[0].step = stripLeftPads(predictions[1].readOuts[0].tokens);
    EXPECT_EQ(predictions[1].readOuts[0].step, splitTokens("5 * 4 ="));
    const auto scores = scoreLooped(problems(), predictions);
    EXPECT_DOUBLE_EQ(scores.tokenAccuracy, (kMaskedPositions - 1) / kMaskedPositions);
    // Only the wrong boundary pad breaks a step; the scratch left of it does not.
    EXPECT_DOUBLE_EQ(scores.stepAccuracy[0], 0.75);
    EXPECT_DOUBLE_EQ(scores.chainAccuracy, 0.75);
    // The hit matrix only has the steps' own tokens.
    for (const auto& hit : loopedHitMatrix(problems(), predictions)) {
        if (hit.samples > 0) {
            EXPECT_DOUBLE_EQ(hit.accuracy, 1.0);
        }
    }
}

TEST(EvaluationScoringTest, WrongAnswerHeadWithRightChain) {
    auto predictions = perfect();
    predictions[3].answer = "4";
    const auto scores = scoreLooped(problems(), predictions);
    EXPECT_DOUBLE_EQ(scores.answerAccuracy, 0.75);
    EXPECT_DOUBLE_EQ(scores.chainAccuracy, 1.0);
    EXPECT_DOUBLE_EQ(scores.tokenAccuracy, 1.0);
}

TEST(EvaluationScoringTest, AdaptiveStopPastTIsNotExact) {
    auto predictions = perfect();
    predictions[0].readOuts.push_back(row(5, "7"));
    predictions[0].chosenIterations = 3;
    const auto scores = scoreLooped(problems(), predictions);
    EXPECT_DOUBLE_EQ(scores.chainAccuracy, 0.75);
    // Steps 1..T are all right, so the tokens and per-step scores are perfect.
    EXPECT_DOUBLE_EQ(scores.tokenAccuracy, 1.0);
    EXPECT_DOUBLE_EQ(scores.stepAccuracy[1], 1.0);
}

TEST(EvaluationScoringTest, AdaptiveStopBeforeTMissesTheLaterSteps) {
    auto predictions = perfect();
    predictions[1].chosenIterations = 1; // read-out 2 exists but is not part of the chain
    const auto scores = scoreLooped(problems(), predictions);
    EXPECT_DOUBLE_EQ(scores.chainAccuracy, 0.75);
    // Step 2 of example 1 (one token and its boundary pad) counts wrong.
    EXPECT_DOUBLE_EQ(scores.tokenAccuracy, (kMaskedPositions - 2) / kMaskedPositions);
    EXPECT_DOUBLE_EQ(scores.stepAccuracy[0], 1.0);
    EXPECT_DOUBLE_EQ(scores.stepAccuracy[1], 0.75);
}

TEST(EvaluationScoringTest, RecordsCarryTheScores) {
    auto predictions = perfect();
    predictions[2].readOuts[1] = row(5, "5");
    const auto scores = scoreLooped(problems(), predictions);
    const auto record = evalRecordOf(scores, TaskKind::Arithmetic, 2, 300, "adaptive");
    EXPECT_EQ(record.step, 300);
    EXPECT_EQ(record.task, "ari");
    EXPECT_EQ(record.length, 2);
    EXPECT_EQ(record.samples, 4);
    EXPECT_EQ(record.stopping, "adaptive");
    EXPECT_DOUBLE_EQ(record.chainAccuracy, 0.75);
    const auto steps = stepAccuracyRecordsOf(scores, TaskKind::Arithmetic, 2, 300);
    ASSERT_EQ(steps.size(), 2u);
    EXPECT_EQ(steps[1].cotStep, 2);
    EXPECT_DOUBLE_EQ(steps[1].accuracy, 0.75);
}

TEST(EvaluationScoringTest, MismatchedSizesAreRejected) {
    auto predictions = perfect();
    predictions.pop_back();
    EXPECT_THROW(scoreLooped(problems(), predictions), std::invalid_argument);
    EXPECT_THROW(loopedHitMatrix(problems(), predictions), std::invalid_argument);
}

// AR: the continuation as written, and its chain as split by hand.
ArDecoding written(const std::string& generated, const std::vector<std::string>& steps,
                   const std::string& answer) {
    ArDecoding result;
    result.generated = splitTokens(generated);
    for (const auto& step : steps)
        result.chain.steps.push_back(splitTokens(step));
    result.chain.answer = answer;
    result.chain.finished = true;
    return result;
}

// True flat CoTs: 5 tokens each ("1 + 6 = 7"), so 20 tokens in all.
std::vector<ArDecoding> perfectAr() {
    return {
        written("1 + 6 = 7", {"1 + 6 =", "7"}, "7"), written("5 * 4 = 9", {"5 * 4 =", "9"}, "9"),
        written("4 - 1 = 3", {"4 - 1 =", "3"}, "3"), written("2 + 1 = 3", {"2 + 1 =", "3"}, "3")};
}

TEST(EvaluationScoringTest, PerfectArPredictionsScoreOneEverywhere) {
    const auto scores = scoreAr(problems(), perfectAr());
    EXPECT_DOUBLE_EQ(scores.answerAccuracy, 1.0);
    EXPECT_DOUBLE_EQ(scores.chainAccuracy, 1.0);
    EXPECT_DOUBLE_EQ(scores.tokenAccuracy, 1.0);
    EXPECT_EQ(scores.scoredTokens, 20);
    for (const auto& hit : arHitMatrix(problems(), perfectAr()))
        EXPECT_DOUBLE_EQ(hit.accuracy, hit.samples > 0 ? 1.0 : 0.0);
}

TEST(EvaluationScoringTest, ArTruncatedAndShiftedChains) {
    auto predictions = perfectAr();
    predictions[0] = written("1 + 6 =", {"1 + 6 ="}, ""); // stopped before the last step
    // One extra token in step 1 shifts the flat positions 3 and 4 ("=", "9") but not step 2.
    predictions[1] = written("5 * 4 4 = 9", {"5 * 4 4 =", "9"}, "9");
    const auto scores = scoreAr(problems(), predictions);
    EXPECT_DOUBLE_EQ(scores.answerAccuracy, 0.75);
    EXPECT_DOUBLE_EQ(scores.chainAccuracy, 0.5);
    EXPECT_DOUBLE_EQ(scores.tokenAccuracy, (20.0 - 1.0 - 2.0) / 20.0);
    EXPECT_DOUBLE_EQ(scores.stepAccuracy[0], 0.75);
    EXPECT_DOUBLE_EQ(scores.stepAccuracy[1], 0.75);

    const auto cells = arHitMatrix(problems(), predictions);
    ASSERT_EQ(cells.size(), 2u * 4u);
    EXPECT_DOUBLE_EQ(cell(cells, 1, 2).accuracy, 1.0);  // "4" is still there
    EXPECT_DOUBLE_EQ(cell(cells, 1, 3).accuracy, 0.75); // "=" became "4"
    EXPECT_DOUBLE_EQ(cell(cells, 2, 0).accuracy, 0.75); // the missing "7"
}

TEST(EvaluationScoringTest, ArExtraStepIsNotExact) {
    auto predictions = perfectAr();
    predictions[3] = written("2 + 1 = 3 3", {"2 + 1 =", "3 3"}, "");
    const auto scores = scoreAr(problems(), predictions);
    EXPECT_DOUBLE_EQ(scores.chainAccuracy, 0.75);
    EXPECT_DOUBLE_EQ(scores.tokenAccuracy, 1.0); // over the true length only
    EXPECT_DOUBLE_EQ(scores.answerAccuracy, 0.75);
}

TEST(EvaluationScoringTest, WrittenChainTokensCountRightAligned) {
    // Hand counts. True chain: "7 * 7 =" then "5" (4 + 1 = 5 step tokens).
    const std::vector<Tokens> truth = {{"7", "*", "7", "="}, {"5"}};
    EXPECT_DOUBLE_EQ(writtenChainTokenAccuracy(truth, truth), 1.0);
    // One wrong token: 4 of 5.
    EXPECT_DOUBLE_EQ(writtenChainTokenAccuracy(truth, {{"7", "*", "8", "="}, {"5"}}), 0.8);
    // A step with a token too many lines up from the right: "2 7 * 7 =" still holds all four.
    EXPECT_DOUBLE_EQ(writtenChainTokenAccuracy(truth, {{"2", "7", "*", "7", "="}, {"5"}}), 1.0);
    // A step a token short misses its first token only: "* 7 =" holds 3 of 4.
    EXPECT_DOUBLE_EQ(writtenChainTokenAccuracy(truth, {{"*", "7", "="}, {"5"}}), 0.8);
    // A missing last step loses its token; an extra step changes nothing.
    EXPECT_DOUBLE_EQ(writtenChainTokenAccuracy(truth, {{"7", "*", "7", "="}}), 0.8);
    EXPECT_DOUBLE_EQ(writtenChainTokenAccuracy(truth, {{"7", "*", "7", "="}, {"5"}, {"1"}}), 1.0);
    // Nothing written: 0; nothing to write: 1.
    EXPECT_DOUBLE_EQ(writtenChainTokenAccuracy(truth, {}), 0.0);
    EXPECT_DOUBLE_EQ(writtenChainTokenAccuracy({}, {{"3"}}), 1.0);
}

} // namespace
} // namespace relay
