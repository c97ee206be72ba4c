// evaluateLooped, evaluateAr and the probe snapshots end to end on tiny models over tiny ARI
// test sets: record counts and shapes, the module's mode restored, and every score of briefly
// trained models (so the numbers sit between 0 and 1) checked against an independent
// computation: the looped scores straight from one forward pass's logits, the AR scores from a
// token-by-token greedy decode with the model's plain forward pass (no KV cache, no batching).
#include "train/evaluation.h"

#include "model/ar_transformer.h"
#include "model/batch_tensors.h"
#include "model/looped_transformer.h"
#include "train/objectives.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <map>
#include <string>
#include <utility>

namespace relay {
namespace {

Vocabulary ariVocabulary() {
    return Vocabulary::forLargestNumber(10);
} // mod 11

Datasets tinyAri(std::vector<int> testLengths, int countPerLength, int trainCount = 20) {
    DatasetSpec spec;
    spec.task = "ari";
    spec.maximumTrainLength = 2;
    spec.trainCount = trainCount;
    spec.testLengths = std::move(testLengths);
    spec.testCountPerLength = countPerLength;
    spec.seed = 7;
    return makeDatasets(spec);
}

ModelConfig tinyConfig(const Vocabulary& vocabulary, std::int64_t hidden = 16) {
    ModelConfig config;
    config.vocabularySize = vocabulary.size();
    config.hiddenSize = hidden;
    config.layers = 1;
    config.heads = 2;
    config.mlpRatio = 2;
    config.dropout = 0.1;
    return config;
}

int longestStep(const TestSet& set) {
    std::size_t longest = 0;
    for (const auto& example : set.examples)
        for (const auto& step : example.problem.steps)
            longest = std::max(longest, step.size());
    return static_cast<int>(longest);
}

// Independent scores of one test set, tallied example by example from what the model wrote.
struct Tally {
    long right = 0, total = 0;
    void add(bool hit) {
        right += hit ? 1 : 0;
        ++total;
    }
    double fraction() const { return total == 0 ? 0.0 : double(right) / double(total); }
};

struct DirectScores {
    Tally answers, chains, tokens;
    std::vector<Tally> steps;                   // CoT step t at index t - 1
    std::map<std::pair<int, int>, Tally> cells; // (CoT step t, token j of the true step)
};

// Looped oracle scores straight from one forward pass over makeLoopedBatch: argmax against the
// batch's own right-aligned targets and Eq. 6 mask; a step is what the row holds right of its
// last <pad> within the example's width n_e.
DirectScores scoreLoopedDirectly(LoopedTransformer& model, const Vocabulary& vocabulary,
                                 const std::vector<Problem>& problems) {
    torch::NoGradGuard noGradient;
    model->eval();
    const auto batch = toTensors(makeLoopedBatch(problems, vocabulary), torch::kCPU);
    const auto output = model->forward(batch.inputIds, batch.exampleWidths, batch.iterations);
    const auto predicted = output.stepLogits.argmax(-1); // [T, B, N]
    const auto answers = output.answerLogits.argmax(-1);
    const auto mask = batch.stepMask > 0;
    const auto right = (predicted == batch.stepTargets).logical_and(mask);
    DirectScores scores;
    scores.tokens.right = right.sum().item<long>();
    scores.tokens.total = mask.sum().item<long>();
    for (std::size_t example = 0; example < problems.size(); ++example) {
        const auto& problem = problems[example];
        const auto row = static_cast<std::int64_t>(example);
        const auto width = batch.exampleWidths[row].item<std::int64_t>();
        scores.answers.add(answers[row].item<std::int64_t>() == vocabulary.id(problem.answer));
        const auto column = torch::indexing::Slice();
        scores.chains.add(right.index({column, row}).sum().item<long>() ==
                          mask.index({column, row}).sum().item<long>());
        scores.steps.resize(std::max(scores.steps.size(), problem.steps.size()));
        for (std::size_t t = 0; t < problem.steps.size(); ++t) {
            const auto& truth = problem.steps[t];
            Tokens readOut;
            for (std::int64_t position = 0; position < width; ++position)
                readOut.push_back(vocabulary.token(
                    predicted[static_cast<std::int64_t>(t)][row][position].item<std::int64_t>()));
            const auto lastPad = std::find(readOut.rbegin(), readOut.rend(), kPadToken);
            scores.steps[t].add(Tokens(lastPad.base(), readOut.end()) == truth);
            const auto offset = readOut.size() - truth.size(); // right-aligned
            for (std::size_t j = 0; j < truth.size(); ++j)
                scores.cells[{static_cast<int>(t) + 1, static_cast<int>(j)}].add(
                    readOut[offset + j] == truth[j]);
        }
    }
    return scores;
}

// Greedy decoding written out the slow, obvious way: the whole sequence through the model's
// forward pass for every new token, one problem at a time, until <eos> or the budget.
Tokens decodeGreedilyOneByOne(ArTransformer& model, const Vocabulary& vocabulary,
                              const Problem& problem, std::int64_t budget) {
    torch::NoGradGuard noGradient;
    model->eval();
    std::vector<std::int64_t> ids = {vocabulary.id(kBosToken)};
    for (const auto& token : problem.input)
        ids.push_back(vocabulary.id(token));
    Tokens written;
    for (std::int64_t count = 0; count < budget; ++count) {
        const auto logits = model->forward(torch::tensor(ids).unsqueeze(0)).logits;
        const auto next = logits[0][-1].argmax().item<std::int64_t>();
        if (next == vocabulary.id(kEosToken))
            break;
        written.push_back(vocabulary.token(next));
        ids.push_back(next);
    }
    return written;
}

// AR scores of ARI chains from the written tokens: the chain is right when the text equals the
// true steps written out; the steps are the pieces ending in "="; the answer is what follows
// the last "=", which must be exactly the answer token.
DirectScores scoreArDirectly(ArTransformer& model, const Vocabulary& vocabulary,
                             const std::vector<Problem>& problems, std::int64_t budget) {
    DirectScores scores;
    for (const auto& problem : problems) {
        const Tokens written = decodeGreedilyOneByOne(model, vocabulary, problem, budget);
        Tokens truth;
        for (const auto& step : problem.steps)
            truth.insert(truth.end(), step.begin(), step.end());
        scores.chains.add(written == truth);
        for (std::size_t position = 0; position < truth.size(); ++position)
            scores.tokens.add(position < written.size() && written[position] == truth[position]);
        const auto lastEquals = std::find(written.rbegin(), written.rend(), "=");
        scores.answers.add(Tokens(lastEquals.base(), written.end()) == Tokens{problem.answer});
        std::vector<Tokens> writtenSteps(1);
        for (const auto& token : written) {
            writtenSteps.back().push_back(token);
            if (token == "=")
                writtenSteps.emplace_back();
        }
        scores.steps.resize(std::max(scores.steps.size(), problem.steps.size()));
        for (std::size_t t = 0; t < problem.steps.size(); ++t) {
            const Tokens mine = t < writtenSteps.size() ? writtenSteps[t] : Tokens{};
            scores.steps[t].add(mine == problem.steps[t]);
            for (std::size_t j = 0; j < problem.steps[t].size(); ++j) // left-aligned
                scores.cells[{static_cast<int>(t) + 1, static_cast<int>(j)}].add(
                    j < mine.size() && mine[j] == problem.steps[t][j]);
        }
    }
    return scores;
}

// Every number the evaluation reports for test set `index` equals the direct computation.
void expectReportMatches(const EvaluationReport& report, std::size_t index, const TestSet& set,
                         const DirectScores& direct) {
    SCOPED_TRACE("test set of length " + std::to_string(set.length));
    const auto& record = report.evals.at(index);
    EXPECT_EQ(record.length, set.length);
    EXPECT_DOUBLE_EQ(record.answerAccuracy, direct.answers.fraction());
    EXPECT_DOUBLE_EQ(record.chainAccuracy, direct.chains.fraction());
    EXPECT_DOUBLE_EQ(record.tokenAccuracy, direct.tokens.fraction());
    std::size_t stepsSeen = 0;
    for (const auto& step : report.stepAccuracies) {
        if (step.length != set.length)
            continue;
        ++stepsSeen;
        EXPECT_DOUBLE_EQ(step.accuracy, direct.steps.at(step.cotStep - 1).fraction())
            << "CoT step " << step.cotStep;
    }
    EXPECT_EQ(stepsSeen, direct.steps.size());
    const auto matrix = std::find_if(
        report.hitMatrices.begin(), report.hitMatrices.end(),
        [&](const HitMatrixRecord& candidate) { return candidate.length == set.length; });
    ASSERT_NE(matrix, report.hitMatrices.end());
    std::size_t cellsWithSamples = 0;
    for (const auto& cell : matrix->cells) {
        const auto found = direct.cells.find({cell.cotStep, cell.position});
        if (found == direct.cells.end()) {
            EXPECT_EQ(cell.samples, 0) << "cell " << cell.cotStep << "," << cell.position;
            continue;
        }
        ++cellsWithSamples;
        EXPECT_EQ(cell.samples, found->second.total)
            << "cell " << cell.cotStep << "," << cell.position;
        EXPECT_DOUBLE_EQ(cell.accuracy, found->second.fraction())
            << "cell " << cell.cotStep << "," << cell.position;
    }
    EXPECT_EQ(cellsWithSamples, direct.cells.size());
}

// True when a score sits strictly between 0 and 1, so that agreeing on it means something.
bool informative(double value) {
    return value > 0.0 && value < 1.0;
}

// The scores of these sets are worth comparing: some token accuracy and some answer accuracy
// strictly between 0 and 1 (an untrained model scores 0 everywhere, on both sides).
void expectInformative(const std::vector<DirectScores>& scores) {
    bool tokens = false, answers = false;
    for (const auto& set : scores) {
        tokens = tokens || informative(set.tokens.fraction());
        answers = answers || informative(set.answers.fraction());
    }
    EXPECT_TRUE(tokens && answers) << "the trained model scores 0 or 1 everywhere";
}

std::vector<Problem> ariTrainingProblems(const Datasets& datasets) {
    return problemsOf(datasets.train);
}

void trainLooped(LoopedTransformer& model, const Vocabulary& vocabulary,
                 const std::vector<Problem>& problems, int steps) {
    const auto batch = toTensors(makeLoopedBatch(problems, vocabulary), torch::kCPU);
    torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(5e-3));
    model->train();
    for (int step = 0; step < steps; ++step) {
        optimizer.zero_grad();
        const auto output = model->forward(batch.inputIds, batch.exampleWidths, batch.iterations);
        relayLoss(output.stepLogits, output.answerLogits, batch).total.backward();
        optimizer.step();
    }
}

void trainAr(ArTransformer& model, const Vocabulary& vocabulary,
             const std::vector<Problem>& problems, int steps) {
    const auto batch = toTensors(makeArBatch(problems, vocabulary), torch::kCPU);
    torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(5e-3));
    ArForwardOptions options;
    options.logits = false;
    options.readOutMask = arReadOutMask(batch);
    options.sequenceLengths = batch.sequenceLengths;
    model->train();
    for (int step = 0; step < steps; ++step) {
        optimizer.zero_grad();
        arLoss(model->forward(batch.tokens, options).maskedLogits, batch).backward();
        optimizer.step();
    }
}

ModelConfig trainableConfig(const Vocabulary& vocabulary) {
    auto config = tinyConfig(vocabulary, 32);
    config.layers = 2;
    config.heads = 4;
    config.dropout = 0.0;
    return config;
}

TEST(EvaluationModelsTest, LoopedRecordsHaveTheRightShape) {
    torch::manual_seed(1);
    const auto vocabulary = ariVocabulary();
    LoopedTransformer model(tinyConfig(vocabulary));
    const auto datasets = tinyAri({2, 3}, 6);
    EvaluationOptions options;
    options.trainingStep = 17;
    options.batchSize = 4; // two batches per set, the second one short
    options.hitMatrixLengths = {3};
    const auto report = evaluateLooped(model, vocabulary, datasets.test, options);

    ASSERT_EQ(report.evals.size(), 4u);
    const std::vector<std::pair<int, std::string>> expected = {
        {2, "oracle"}, {2, "adaptive"}, {3, "oracle"}, {3, "adaptive"}};
    for (std::size_t index = 0; index < expected.size(); ++index) {
        const auto& record = report.evals[index];
        EXPECT_EQ(record.length, expected[index].first);
        EXPECT_EQ(record.stopping, expected[index].second);
        EXPECT_EQ(record.task, "ari");
        EXPECT_EQ(record.step, 17);
        EXPECT_EQ(record.samples, 6);
    }

    ASSERT_EQ(report.stepAccuracies.size(), 2u + 3u); // T = k for ARI
    EXPECT_EQ(report.stepAccuracies[1].length, 2);
    EXPECT_EQ(report.stepAccuracies[1].cotStep, 2);
    EXPECT_EQ(report.stepAccuracies[4].length, 3);
    EXPECT_EQ(report.stepAccuracies[4].cotStep, 3);

    ASSERT_EQ(report.hitMatrices.size(), 1u);
    const auto& matrix = report.hitMatrices.front();
    EXPECT_EQ(matrix.length, 3);
    EXPECT_EQ(matrix.step, 17);
    const auto& set = datasets.test[1];
    ASSERT_EQ(set.length, 3);
    EXPECT_EQ(matrix.cells.size(), static_cast<std::size_t>(3 * longestStep(set)));
    int samples = 0, tokens = 0;
    for (const auto& cell : matrix.cells)
        samples += cell.samples;
    for (const auto& example : set.examples)
        for (const auto& step : example.problem.steps)
            tokens += static_cast<int>(step.size());
    EXPECT_EQ(samples, tokens);
}

TEST(EvaluationModelsTest, EvaluationRestoresTheModulesMode) {
    torch::manual_seed(3);
    const auto vocabulary = ariVocabulary();
    LoopedTransformer looped(tinyConfig(vocabulary));
    ArTransformer autoregressive(tinyConfig(vocabulary));
    const auto datasets = tinyAri({2}, 3);
    EvaluationOptions options;
    for (bool training : {true, false}) {
        looped->train(training);
        autoregressive->train(training);
        evaluateLooped(looped, vocabulary, datasets.test, options);
        EXPECT_EQ(looped->is_training(), training);
        probeLooped(looped, vocabulary, pickProbeProblems(datasets.test, 2), 0);
        EXPECT_EQ(looped->is_training(), training);
        evaluateAr(autoregressive, vocabulary, datasets.test, options);
        EXPECT_EQ(autoregressive->is_training(), training);
    }
}

TEST(EvaluationModelsTest, ArRecordsHaveTheRightShape) {
    torch::manual_seed(4);
    const auto vocabulary = ariVocabulary();
    ArTransformer model(tinyConfig(vocabulary));
    const auto datasets = tinyAri({2, 3}, 5);
    EvaluationOptions options;
    options.trainingStep = 9;
    options.batchSize = 3;
    options.hitMatrixLengths = {2};
    const auto report = evaluateAr(model, vocabulary, datasets.test, options);
    ASSERT_EQ(report.evals.size(), 2u);
    for (const auto& record : report.evals) {
        EXPECT_EQ(record.stopping, "greedy");
        EXPECT_EQ(record.samples, 5);
        EXPECT_EQ(record.step, 9);
    }
    EXPECT_EQ(report.stepAccuracies.size(), 2u + 3u);
    ASSERT_EQ(report.hitMatrices.size(), 1u);
    EXPECT_EQ(report.hitMatrices[0].cells.size(),
              static_cast<std::size_t>(2 * longestStep(datasets.test[0])));

    // decodeAr stops at the token budget when the (untrained) model never writes <eos>.
    const auto decodings =
        decodeAr(model, vocabulary, problemsOf(datasets.test[0].examples), false, 2, 6);
    ASSERT_EQ(decodings.size(), 5u);
    for (const auto& decoding : decodings)
        EXPECT_LE(decoding.generated.size(), 6u);
}

TEST(EvaluationModelsTest, ProbePicksAreSpreadAndDeterministic) {
    const auto datasets = tinyAri({1, 2, 3, 4, 5}, 2);
    const auto picked = pickProbeProblems(datasets.test, 2, 2, 2);
    ASSERT_EQ(picked.size(), 4u);
    EXPECT_EQ(picked[0].complexity, 1);
    EXPECT_EQ(picked[1].complexity, 2);
    EXPECT_EQ(picked[2].complexity, 3); // shortest and longest of 3..5
    EXPECT_EQ(picked[3].complexity, 5);
    EXPECT_EQ(picked[0].input, datasets.test[0].examples[0].problem.input);
    EXPECT_EQ(pickProbeProblems(datasets.test, 2, 2, 2)[3].input, picked[3].input);

    // More than there are sets: the sets' second examples follow their first ones.
    const auto many = pickProbeProblems(datasets.test, 2, 3, 0);
    ASSERT_EQ(many.size(), 3u);
    EXPECT_EQ(many[2].input, datasets.test[0].examples[1].problem.input);
    // No longer sets asked for or none there: only what exists.
    EXPECT_EQ(pickProbeProblems(datasets.test, 5, 1, 4).size(), 1u);
}

TEST(EvaluationModelsTest, ProbesRecordEveryIterationRightAligned) {
    torch::manual_seed(5);
    const auto vocabulary = ariVocabulary();
    LoopedTransformer model(tinyConfig(vocabulary));
    const auto datasets = tinyAri({1, 2, 3, 4}, 2);
    const auto probes = pickProbeProblems(datasets.test, 2, 2, 2);
    const auto records = probeLooped(model, vocabulary, probes, 250);
    ASSERT_EQ(records.size(), static_cast<std::size_t>(1 + 2 + 3 + 4));
    // The read-out and its top-1 probabilities straight from one forward pass.
    torch::NoGradGuard noGradient;
    model->eval();
    const auto batch = toTensors(makeLoopedBatch(probes, vocabulary), torch::kCPU);
    const auto logits =
        model->forward(batch.inputIds, batch.exampleWidths, batch.iterations).stepLogits;
    const auto top = logits.softmax(-1).max(-1); // values, indices: [T, B, N]
    const auto topProbability = std::get<0>(top);
    const auto topToken = std::get<1>(top);

    std::size_t index = 0;
    for (std::size_t probe = 0; probe < probes.size(); ++probe) {
        const auto& problem = probes[probe];
        const auto width = problem.input.size(); // ARI steps are never wider than the input
        for (int iteration = 1; iteration <= problem.iterations(); ++iteration, ++index) {
            const auto& record = records[index];
            EXPECT_EQ(record.trainingStep, 250);
            EXPECT_EQ(record.problemIndex, static_cast<int>(probe));
            EXPECT_EQ(record.iteration, iteration);
            EXPECT_EQ(record.length, problem.complexity);
            EXPECT_EQ(record.problem, joinTokens(problem.input));
            ASSERT_EQ(splitTokens(record.predicted).size(), width);
            Tokens target(width - problem.steps[iteration - 1].size(), "<pad>");
            for (const auto& token : problem.steps[iteration - 1])
                target.push_back(token);
            EXPECT_EQ(record.target, joinTokens(target));
            const auto confidence = nlohmann::json::parse(record.confidenceJson);
            ASSERT_TRUE(confidence.is_array());
            ASSERT_EQ(confidence.size(), width);
            const auto predicted = splitTokens(record.predicted);
            const auto top1 = topProbability[iteration - 1][static_cast<std::int64_t>(probe)];
            const auto argmax = topToken[iteration - 1][static_cast<std::int64_t>(probe)];
            for (std::size_t position = 0; position < width; ++position) {
                const auto column = static_cast<std::int64_t>(position);
                // Stored rounded to 4 decimals.
                EXPECT_NEAR(confidence[position].get<double>(), top1[column].item<double>(), 6e-5);
                EXPECT_EQ(predicted[position],
                          vocabulary.token(argmax[column].item<std::int64_t>()));
            }
        }
    }
}

// A looped model trained for a few seconds scores high on its own problems, and on held-out
// sets of lengths 1..3 (3 longer than any it saw) every number evaluateLooped reports (answer,
// chain and token accuracy, each CoT step's accuracy, every hit-matrix cell) equals the direct
// computation from the logits.
TEST(EvaluationModelsTest, BrieflyTrainedLoopedModelsScoresMatchItsLogits) {
    torch::manual_seed(6);
    const auto vocabulary = ariVocabulary();
    LoopedTransformer model(trainableConfig(vocabulary));
    const auto datasets = tinyAri({1, 2, 3}, 16, 24);
    trainLooped(model, vocabulary, ariTrainingProblems(datasets), 500);

    EvaluationOptions options;
    options.adaptive = false;
    options.hitMatrixLengths = {1, 2, 3};
    TestSet own;
    own.length = 2;
    own.examples = datasets.train;
    const auto ownReport = evaluateLooped(model, vocabulary, {own}, options);
    ASSERT_EQ(ownReport.evals.size(), 1u);
    EXPECT_GE(ownReport.evals[0].tokenAccuracy, 0.95);
    EXPECT_GE(ownReport.evals[0].chainAccuracy, 0.8);
    EXPECT_GE(ownReport.evals[0].answerAccuracy, 0.8);
    expectReportMatches(ownReport, 0, own,
                        scoreLoopedDirectly(model, vocabulary, ariTrainingProblems(datasets)));

    const auto report = evaluateLooped(model, vocabulary, datasets.test, options);
    ASSERT_EQ(report.evals.size(), datasets.test.size());
    std::vector<DirectScores> direct;
    for (std::size_t index = 0; index < datasets.test.size(); ++index) {
        const auto& set = datasets.test[index];
        direct.push_back(scoreLoopedDirectly(model, vocabulary, problemsOf(set.examples)));
        expectReportMatches(report, index, set, direct.back());
    }
    expectInformative(direct);
}

// The AR counterpart: evaluateAr's batched, left-padded KV-cache decoding and its scoring give
// the same numbers as decoding each problem alone, token by token, with the plain forward pass
// and scoring the text by hand. Batches of 5 mix prompt lengths and end short.
TEST(EvaluationModelsTest, BrieflyTrainedArModelsScoresMatchAOneByOneGreedyDecode) {
    torch::manual_seed(8);
    const auto vocabulary = ariVocabulary();
    ArTransformer model(trainableConfig(vocabulary));
    const auto datasets = tinyAri({1, 2, 3}, 12, 24);
    trainAr(model, vocabulary, ariTrainingProblems(datasets), 300);

    EvaluationOptions options;
    options.batchSize = 5;
    options.hitMatrixLengths = {1, 2, 3};
    const auto report = evaluateAr(model, vocabulary, datasets.test, options);
    ASSERT_EQ(report.evals.size(), datasets.test.size());
    std::vector<DirectScores> direct;
    for (std::size_t index = 0; index < datasets.test.size(); ++index) {
        const auto& set = datasets.test[index];
        const auto problems = problemsOf(set.examples);
        direct.push_back(scoreArDirectly(model, vocabulary, problems, newTokenBudget(problems)));
        expectReportMatches(report, index, set, direct.back());
    }
    expectInformative(direct);
}

} // namespace
} // namespace relay
