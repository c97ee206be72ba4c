// Stage II pieces against independent numbers: the paper's Table 3 counts, chains with planted
// errors (stored as not verified at the right step, left out of the verified-only set), the
// label-free filter's selection and its agreement with the verifier, the self-chain phase
// split, and generation inputs that avoid the test sets.
#include "tasks/task.h"
#include "tasks/tokens.h"
#include "train/chain_generation.h"
#include "train/looped_decoding.h"
#include "train/run_model.h"
#include "train/self_chain.h"
#include "train/stage_two.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cctype>
#include <map>
#include <numeric>
#include <random>
#include <set>

using namespace relay;

namespace {

ExperimentConfig smallConfig() {
    return experimentConfigFromJson(
        {{"tasks", {{{"task", "ari"}, {"modulus", 11}}}},
         {"train_lengths", {{"min", 1}, {"max", 4}}},
         {"test_lengths", {{"min", 1}, {"max", 8}}},
         {"data", {{"train_samples", 200}, {"test_samples_per_length", 30}}},
         {"stage2", {{"generated_samples", 40}}}});
}

DatasetExample arithmeticExample(int operators, std::uint64_t seed) {
    TaskOptions options;
    options.modulus = 11;
    auto task = makeTask("ari", options);
    std::mt19937_64 random(seed);
    DatasetExample example;
    example.problem = task->generate(operators, random);
    example.options = options;
    return example;
}

} // namespace

TEST(StageTwoTest, PaperCountsReproduceTable3) {
    // The paper's ARI fine-tuning set: 42,515 original samples and these ten generated counts.
    const std::vector<int> table3 = {6477, 6882, 7287, 6477, 6072, 5668, 5263, 4858, 4453, 4048};
    EXPECT_EQ(paperLengthCounts(57485, 10), table3);
    ExperimentConfig config = smallConfig();
    EXPECT_EQ(originalSampleCount(config, 57485), 42515);
}

TEST(StageTwoTest, CountsSumToTotalAndFollowTheShares) {
    for (int lengths = 1; lengths <= 14; ++lengths)
        for (int total : {0, 1, 7, 100, 999}) {
            auto counts = paperLengthCounts(total, lengths);
            ASSERT_EQ(static_cast<int>(counts.size()), lengths);
            EXPECT_EQ(std::accumulate(counts.begin(), counts.end(), 0), total);
        }
    // Four lengths, 6477 : 6882 : 7287 : 6477 of 400: exactly 95.52, 101.49, 107.47, 95.52;
    // floors sum to 398 and the two largest remainders (.52, .52) get the last two.
    EXPECT_EQ(paperLengthCounts(400, 4), (std::vector<int>{96, 101, 107, 96}));
    EXPECT_THROW(paperLengthCounts(10, 0), std::invalid_argument);
}

TEST(StageTwoTest, PlantedErrorIsStoredUnverifiedAtItsStep) {
    auto truth = arithmeticExample(5, 3);
    ASSERT_EQ(truth.problem.steps.size(), 5u);

    auto right = checkWrittenChain(truth, truth.problem.steps, truth.problem.answer);
    EXPECT_TRUE(right.verdict.chainCorrect);
    EXPECT_TRUE(chainRecordOf(right).verified);
    EXPECT_EQ(chainRecordOf(right).firstWrongStep, 0);
    EXPECT_DOUBLE_EQ(chainRecordOf(right).tokenAccuracy, 1.0);

    // Change one number of step 3 to another residue.
    auto steps = truth.problem.steps;
    for (auto& token : steps[2])
        if (std::isdigit(static_cast<unsigned char>(token[0]))) {
            token = std::to_string((std::stoi(token) + 1) % 11);
            break;
        }
    auto wrong = checkWrittenChain(truth, steps, truth.problem.answer);
    auto record = chainRecordOf(wrong);
    EXPECT_FALSE(record.verified);
    EXPECT_EQ(record.firstWrongStep, 3);
    EXPECT_EQ(record.length, 5);
    EXPECT_EQ(record.input, joinTokens(truth.problem.input));
    auto storedSteps = nlohmann::json::parse(record.stepsJson);
    ASSERT_EQ(storedSteps.size(), 5u);
    EXPECT_EQ(storedSteps[2].get<std::string>(), joinTokens(steps[2]));
    // One token of all the true steps' tokens is out of place.
    std::size_t stepTokens = 0;
    for (const auto& step : truth.problem.steps)
        stepTokens += step.size();
    const double oneWrong = 1.0 - 1.0 / static_cast<double>(stepTokens);
    EXPECT_DOUBLE_EQ(record.tokenAccuracy, oneWrong);

    // Only the right chain survives the verified-only set; both are in the full set.
    std::vector<GeneratedChain> chains = {right, wrong};
    EXPECT_EQ(writtenExamples(chains, ChainSelection::All).size(), 2u);
    auto verified = writtenExamples(chains, ChainSelection::Verified);
    ASSERT_EQ(verified.size(), 1u);
    EXPECT_EQ(verified[0].problem.steps, truth.problem.steps);
    // The written examples carry the model's steps, not the true ones.
    EXPECT_EQ(writtenExamples(chains, ChainSelection::All)[1].problem.steps, steps);

    auto rows = chainCorrectnessByLength({chainRecordOf(right), record});
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].samples, 2);
    EXPECT_DOUBLE_EQ(rows[0].verified, 0.5);
    EXPECT_DOUBLE_EQ(rows[0].answerCorrect, 1.0);
    EXPECT_DOUBLE_EQ(rows[0].tokenAccuracy, (1.0 + oneWrong) / 2);

    // A chain stored before token accuracy was measured (-1) is left out of the mean.
    auto unmeasured = chainRecordOf(right);
    unmeasured.tokenAccuracy = -1;
    rows = chainCorrectnessByLength({record, unmeasured});
    EXPECT_DOUBLE_EQ(rows[0].tokenAccuracy, oneWrong);
    EXPECT_DOUBLE_EQ(chainCorrectnessByLength({unmeasured})[0].tokenAccuracy, -1);
}

TEST(StageTwoTest, WrongAnswerWithRightStepsIsNotVerified) {
    auto truth = arithmeticExample(3, 9);
    auto answer = std::to_string((std::stoi(truth.problem.answer) + 1) % 11);
    auto chain = checkWrittenChain(truth, truth.problem.steps, answer);
    EXPECT_FALSE(chainRecordOf(chain).verified);
    EXPECT_FALSE(chainRecordOf(chain).answerCorrect);
}

TEST(StageTwoTest, GenerationInputsAvoidTestSetsAndHaveTheRequestedLengths) {
    auto config = smallConfig();
    auto problems = stageTwoProblems(config, 5, {10, 8, 6, 4});
    ASSERT_EQ(problems.size(), 28u);
    std::set<std::string> testInputs;
    for (const auto& set : runTestSets(config, config.testLengths.min, config.testLengths.max))
        for (const auto& example : set.examples)
            testInputs.insert(joinTokens(example.problem.input));
    std::map<int, int> perLength;
    for (const auto& example : problems) {
        ++perLength[example.problem.complexity];
        EXPECT_EQ(testInputs.count(joinTokens(example.problem.input)), 0u);
        EXPECT_EQ(static_cast<int>(example.problem.steps.size()), example.problem.complexity);
    }
    EXPECT_EQ(perLength, (std::map<int, int>{{5, 10}, {6, 8}, {7, 6}, {8, 4}}));
}

TEST(StageTwoTest, SelfChainPhasesCoverLongerLengthsInOrder) {
    auto config = smallConfig(); // lengths 5..8
    config.stage2.selfChainPhases = 3;
    EXPECT_EQ(selfChainPhaseLengths(config), (std::vector<std::vector<int>>{{5, 6}, {7}, {8}}));
    config.stage2.selfChainPhases = 9; // more phases than lengths: one length each
    EXPECT_EQ(selfChainPhaseLengths(config).size(), 4u);
}

TEST(StageTwoTest, ResultRoundTripsThroughJson) {
    StageTwoResult result;
    result.generatorRun = 4;
    result.generated = 10;
    result.verified = 6;
    result.original = 7;
    result.labelFreeKept = 5;
    result.correctness = {{"ari", 5, 10, 0.6, 0.8, 0.95, FilterAgreement{5, 4, 6}}};
    result.allChainsFile = "/a.jsonl";
    result.labelFreeChainsFile = "/c.jsonl";
    result.verifiedChainsFile = "/b.jsonl";
    auto back = stageTwoResultFromJson(stageTwoResultToJson(result));
    EXPECT_EQ(back.generatorRun, 4);
    EXPECT_EQ(back.verified, 6);
    EXPECT_EQ(back.labelFreeKept, 5);
    ASSERT_EQ(back.correctness.size(), 1u);
    EXPECT_DOUBLE_EQ(back.correctness[0].answerCorrect, 0.8);
    EXPECT_DOUBLE_EQ(back.correctness[0].tokenAccuracy, 0.95);
    EXPECT_EQ(back.correctness[0].labelFree.selected, 5);
    EXPECT_EQ(back.correctness[0].labelFree.selectedAndVerified, 4);
    EXPECT_EQ(back.correctness[0].labelFree.verified, 6);
    EXPECT_EQ(back.verifiedChainsFile, "/b.jsonl");
    EXPECT_EQ(chainsFile(back, ChainSelection::LabelFree), "/c.jsonl");
    EXPECT_EQ(chainsFile(back, ChainSelection::All), "/a.jsonl");

    // A stage2.json from before the label-free filter: nothing kept, and asking for its file
    // is an error that says to generate again.
    auto beforeFilter = stageTwoResultToJson(result);
    beforeFilter.erase("label_free_chains_file");
    EXPECT_THROW(chainsFile(stageTwoResultFromJson(beforeFilter), ChainSelection::LabelFree),
                 std::invalid_argument);

    // A stage2.json written before token accuracy existed still reads: not measured.
    auto older = stageTwoResultToJson(result);
    older["chain_correctness"][0].erase("token_accuracy");
    EXPECT_DOUBLE_EQ(stageTwoResultFromJson(older).correctness[0].tokenAccuracy, -1);
}

TEST(StageTwoTest, EmptyReadOutsAreDroppedFromTrainingExamples) {
    auto truth = arithmeticExample(3, 5);
    auto steps = truth.problem.steps;
    steps[1].clear(); // an iteration whose read-out ended in <pad>
    auto chain = checkWrittenChain(truth, steps, truth.problem.answer);
    EXPECT_FALSE(chainRecordOf(chain).verified);
    EXPECT_EQ(chainRecordOf(chain).firstWrongStep, 2);
    auto example = writtenExample(chain);
    ASSERT_EQ(example.problem.steps.size(), 2u);
    EXPECT_EQ(example.problem.steps[0], truth.problem.steps[0]);
    EXPECT_EQ(example.problem.steps[1], truth.problem.steps[2]);
}

namespace {

// A right or wrong chain with the label-free verdict given by hand.
GeneratedChain checkedChain(std::uint64_t seed, bool right, bool kept) {
    auto truth = arithmeticExample(4, seed);
    auto steps = truth.problem.steps;
    if (!right)
        steps[1] = {"0"}; // a wrong second step (a real step 2 of four operators is longer)
    auto chain = checkWrittenChain(truth, steps, truth.problem.answer);
    chain.labelFree = LabelFreeCheck{true, kept ? 0.9 : 0.1, kept};
    return chain;
}

} // namespace

TEST(StageTwoTest, LabelFreeSelectionIsScoredAgainstTheVerifier) {
    // Verified and kept, verified but left out, wrong but kept, wrong and left out, and an AR
    // chain (no check): precision 1/2, recall 1/2.
    std::vector<GeneratedChain> chains = {
        checkedChain(1, true, true), checkedChain(2, true, false), checkedChain(3, false, true),
        checkedChain(4, false, false),
        checkWrittenChain(arithmeticExample(4, 5), arithmeticExample(4, 5).problem.steps,
                          arithmeticExample(4, 5).problem.answer)};
    ASSERT_TRUE(chains[0].verified() && chains[1].verified());
    ASSERT_FALSE(chains[2].verified() || chains[3].verified());
    ASSERT_TRUE(chains[4].verified() && !chains[4].labelFree);

    auto kept = writtenExamples(chains, ChainSelection::LabelFree);
    ASSERT_EQ(kept.size(), 2u);
    EXPECT_EQ(kept[0].problem.input, chains[0].truth.problem.input);
    EXPECT_EQ(kept[1].problem.input, chains[2].truth.problem.input);

    std::vector<ChainRecord> records;
    for (const auto& chain : chains)
        records.push_back(chainRecordOf(chain));
    EXPECT_EQ(records[0].labelFreeKept, 1);
    EXPECT_EQ(records[1].labelFreeKept, 0);
    EXPECT_EQ(records[2].labelFreeKept, 1);
    EXPECT_EQ(records[3].labelFreeKept, 0);
    EXPECT_EQ(records[4].labelFreeKept, -1);
    auto rows = chainCorrectnessByLength(records);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].samples, 5);
    EXPECT_EQ(rows[0].labelFree.selected, 2);
    EXPECT_EQ(rows[0].labelFree.selectedAndVerified, 1);
    EXPECT_EQ(rows[0].labelFree.verified, 2); // the unchecked AR chain is not counted
    EXPECT_DOUBLE_EQ(rows[0].labelFree.precision(), 0.5);
    EXPECT_DOUBLE_EQ(rows[0].labelFree.recall(), 0.5);
    EXPECT_DOUBLE_EQ(labelFreeAgreement(rows).precision(), 0.5);
    // Nothing selected or nothing verified: undefined, not 0 or 1.
    EXPECT_LT((FilterAgreement{0, 0, 3}.precision()), 0);
    EXPECT_LT((FilterAgreement{2, 0, 0}.recall()), 0);
}

namespace {

// One iteration's read-out: `row` over the width, the step after its last <pad>, and the
// top-1 probability of each position.
IterationReadOut readOut(const std::string& row, std::vector<float> confidence) {
    IterationReadOut out;
    out.tokens = splitTokens(row);
    out.step = stripLeftPads(out.tokens);
    out.confidence = std::move(confidence);
    return out;
}

} // namespace

TEST(StageTwoTest, LabelFreeCheckReadsAnswerAgreementAndTheLeastConfidentChainToken) {
    // Two iterations of width 4: "3 + 4 =" then "7". Scratch left of a step's boundary pad is
    // never scored, so its low confidence (0.05, 0.01) must not count; the lowest chain token
    // is the "+" at 0.6.
    LoopedDecoding decoding;
    decoding.width = 4;
    decoding.readOuts = {readOut("3 + 4 =", {0.9f, 0.6f, 0.95f, 0.99f}),
                         readOut("9 1 <pad> 7", {0.05f, 0.01f, 0.5f, 0.97f})};
    decoding.chosenIterations = 2;
    decoding.answer = "7";
    decoding.answerConfidence = 0.8f;
    auto task = makeTask("ari");
    auto check = labelFreeCheck(decoding, *task, 0.6);
    EXPECT_TRUE(check.answerAgrees);
    EXPECT_NEAR(check.confidence, 0.6, 1e-6);
    EXPECT_TRUE(check.kept);
    EXPECT_FALSE(labelFreeCheck(decoding, *task, 0.61).kept);

    decoding.answerConfidence = 0.3f; // the answer is part of the chain
    EXPECT_NEAR(labelFreeCheck(decoding, *task, 0).confidence, 0.3, 1e-6);

    decoding.answer = "8"; // the head disagrees with the last step: never kept
    check = labelFreeCheck(decoding, *task, 0);
    EXPECT_FALSE(check.answerAgrees);
    EXPECT_FALSE(check.kept);

    // Iterations after the chosen one are not part of the chain.
    decoding.answer = "7";
    decoding.readOuts.push_back(readOut("<pad> <pad> <pad> 7", {1, 1, 1, 0.02f}));
    EXPECT_NEAR(labelFreeCheck(decoding, *task, 0).confidence, 0.3, 1e-6);
}
