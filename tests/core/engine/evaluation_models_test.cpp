// evaluateLooped, evaluateAr and the probe snapshots end to end on tiny models over tiny ARI
// test sets: record counts and shapes, values in [0, 1], the module's mode restored, and the
// looped scores checked against an independent computation straight from the model's logits.
#include "train/evaluation.h"

#include "model/ar_transformer.h"
#include "model/batch_tensors.h"
#include "model/looped_transformer.h"
#include "train/objectives.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <iostream>
#include <numeric>

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

void expectFraction(double value) {
    EXPECT_GE(value, 0.0);
    EXPECT_LE(value, 1.0);
}

int longestStep(const TestSet& set) {
    std::size_t longest = 0;
    for (const auto& example : set.examples)
        for (const auto& step : example.problem.steps)
            longest = std::max(longest, step.size());
    return static_cast<int>(longest);
}

// Oracle metrics computed directly: one forward pass over makeLoopedBatch, argmax against the
// batch's own right-aligned targets and Eq. 6 mask.
struct DirectScores {
    double answerAccuracy = 0, chainAccuracy = 0, tokenAccuracy = 0;
};

DirectScores scoreDirectly(LoopedTransformer& model, const Vocabulary& vocabulary,
                           const std::vector<Problem>& problems) {
    torch::NoGradGuard noGradient;
    model->eval();
    const auto batch = toTensors(makeLoopedBatch(problems, vocabulary), torch::kCPU);
    const auto output = model->forward(batch.inputIds, batch.exampleWidths, batch.iterations);
    const auto predicted = output.stepLogits.argmax(-1); // [T, B, N]
    const auto mask = batch.stepMask > 0;
    DirectScores scores;
    scores.tokenAccuracy = (predicted == batch.stepTargets).logical_and(mask).sum().item<double>() /
                           mask.sum().item<double>();
    scores.answerAccuracy = (output.answerLogits.argmax(-1) == batch.answerTargets)
                                .to(torch::kDouble)
                                .mean()
                                .item<double>();
    // A chain is exact when every Eq. 6 position of every iteration 1..T is right.
    const auto wrong =
        (predicted != batch.stepTargets).logical_and(mask).sum(torch::IntArrayRef{0, 2});
    scores.chainAccuracy = (wrong == 0).to(torch::kDouble).mean().item<double>();
    return scores;
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
        expectFraction(record.answerAccuracy);
        expectFraction(record.chainAccuracy);
        expectFraction(record.tokenAccuracy);
    }

    ASSERT_EQ(report.stepAccuracies.size(), 2u + 3u); // T = k for ARI
    EXPECT_EQ(report.stepAccuracies[1].length, 2);
    EXPECT_EQ(report.stepAccuracies[1].cotStep, 2);
    EXPECT_EQ(report.stepAccuracies[4].length, 3);
    EXPECT_EQ(report.stepAccuracies[4].cotStep, 3);
    for (const auto& record : report.stepAccuracies)
        expectFraction(record.accuracy);

    ASSERT_EQ(report.hitMatrices.size(), 1u);
    const auto& matrix = report.hitMatrices.front();
    EXPECT_EQ(matrix.length, 3);
    EXPECT_EQ(matrix.step, 17);
    const auto& set = datasets.test[1];
    ASSERT_EQ(set.length, 3);
    EXPECT_EQ(matrix.cells.size(), static_cast<std::size_t>(3 * longestStep(set)));
    int samples = 0, tokens = 0;
    for (const auto& cell : matrix.cells) {
        samples += cell.samples;
        expectFraction(cell.accuracy);
    }
    for (const auto& example : set.examples)
        for (const auto& step : example.problem.steps)
            tokens += static_cast<int>(step.size());
    EXPECT_EQ(samples, tokens);
}

TEST(EvaluationModelsTest, LoopedOracleScoresMatchTheModelsLogits) {
    torch::manual_seed(2);
    const auto vocabulary = ariVocabulary();
    LoopedTransformer model(tinyConfig(vocabulary));
    const auto datasets = tinyAri({1, 3}, 8);
    EvaluationOptions options;
    options.adaptive = false;
    const auto report = evaluateLooped(model, vocabulary, datasets.test, options);
    ASSERT_EQ(report.evals.size(), 2u);
    for (std::size_t index = 0; index < 2; ++index) {
        const auto direct =
            scoreDirectly(model, vocabulary, problemsOf(datasets.test[index].examples));
        EXPECT_DOUBLE_EQ(report.evals[index].tokenAccuracy, direct.tokenAccuracy);
        EXPECT_DOUBLE_EQ(report.evals[index].answerAccuracy, direct.answerAccuracy);
        EXPECT_DOUBLE_EQ(report.evals[index].chainAccuracy, direct.chainAccuracy);
    }
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
        expectFraction(record.answerAccuracy);
        expectFraction(record.chainAccuracy);
        expectFraction(record.tokenAccuracy);
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
            EXPECT_EQ(splitTokens(record.predicted).size(), width);
            Tokens target(width - problem.steps[iteration - 1].size(), "<pad>");
            for (const auto& token : problem.steps[iteration - 1])
                target.push_back(token);
            EXPECT_EQ(record.target, joinTokens(target));
            const auto confidence = nlohmann::json::parse(record.confidenceJson);
            ASSERT_TRUE(confidence.is_array());
            ASSERT_EQ(confidence.size(), width);
            for (const auto& value : confidence) {
                EXPECT_GT(value.get<double>(), 0.0);
                EXPECT_LE(value.get<double>(), 1.0);
            }
        }
    }
}

// A tiny looped model trained for a few seconds on its own problems must score high there,
// and the evaluation's oracle numbers must still agree with the logits.
TEST(EvaluationModelsTest, BrieflyTrainedLoopedModelScoresHighOnItsTrainingProblems) {
    torch::manual_seed(6);
    const auto vocabulary = ariVocabulary();
    auto config = tinyConfig(vocabulary, 32);
    config.layers = 2;
    config.heads = 4;
    config.dropout = 0.0;
    LoopedTransformer model(config);
    const auto datasets = tinyAri({}, 1, 24);
    const auto problems = problemsOf(datasets.train);
    const auto batch = toTensors(makeLoopedBatch(problems, vocabulary), torch::kCPU);
    torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(5e-3));
    model->train();
    for (int step = 0; step < 500; ++step) {
        optimizer.zero_grad();
        const auto output = model->forward(batch.inputIds, batch.exampleWidths, batch.iterations);
        relayLoss(output.stepLogits, output.answerLogits, batch).total.backward();
        optimizer.step();
    }

    TestSet own;
    own.length = 2;
    own.examples = datasets.train;
    EvaluationOptions options;
    options.adaptive = false;
    const auto report = evaluateLooped(model, vocabulary, {own}, options);
    ASSERT_EQ(report.evals.size(), 1u);
    std::cout << "trained on its own problems: answer " << report.evals[0].answerAccuracy
              << ", chain " << report.evals[0].chainAccuracy << ", token "
              << report.evals[0].tokenAccuracy << "\n";
    EXPECT_GE(report.evals[0].tokenAccuracy, 0.95);
    EXPECT_GE(report.evals[0].chainAccuracy, 0.8);
    EXPECT_GE(report.evals[0].answerAccuracy, 0.8);
    const auto direct = scoreDirectly(model, vocabulary, problems);
    EXPECT_DOUBLE_EQ(report.evals[0].tokenAccuracy, direct.tokenAccuracy);
    EXPECT_DOUBLE_EQ(report.evals[0].chainAccuracy, direct.chainAccuracy);
    EXPECT_DOUBLE_EQ(report.evals[0].answerAccuracy, direct.answerAccuracy);
}

} // namespace
} // namespace relay
