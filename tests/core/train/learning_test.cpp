// Integration: the pieces fit. A tiny looped model trained with the RELAY loss, and a tiny AR
// model trained with the AR loss, each learn 64 arithmetic problems of 2-3 operators to 100%
// chain exact-match within a few seconds of CPU.
#include "../model_test_support.h"
#include "model/ar_generation.h"
#include "model/ar_transformer.h"
#include "model/batch_tensors.h"
#include "model/looped_transformer.h"
#include "tasks/arithmetic.h"
#include "tasks/batching.h"
#include "train/objectives.h"

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <vector>

namespace relay {
namespace {

std::vector<Problem> arithmeticProblems() {
    ArithmeticTask task;
    std::mt19937_64 random(2024);
    std::vector<Problem> problems;
    for (int index = 0; index < 64; ++index)
        problems.push_back(task.generate(2 + index % 2, random));
    return problems;
}

ModelConfig learningConfig(const Vocabulary& vocabulary) {
    return test::smallModelConfig(vocabulary, 64, 2, 4);
}

// A step read out of one iteration: the tokens right of the last <pad> in [0, n_b).
Tokens readStep(const torch::Tensor& predicted, std::int64_t width, const Vocabulary& vocabulary) {
    std::int64_t start = width;
    while (start > 0 && predicted[start - 1].item<std::int64_t>() != Vocabulary::kPad)
        --start;
    Tokens step;
    for (std::int64_t position = start; position < width; ++position)
        step.push_back(vocabulary.token(predicted[position].item<std::int64_t>()));
    return step;
}

double loopedChainExactMatch(LoopedTransformer& model, const LoopedBatchTensors& batch,
                             const std::vector<Problem>& problems, const Vocabulary& vocabulary) {
    torch::NoGradGuard noGradient;
    model->eval();
    auto output = model->forward(batch.inputIds, batch.exampleWidths, batch.iterations);
    model->train();
    auto predicted = output.stepLogits.argmax(-1);
    auto answers = output.answerLogits.argmax(-1);
    int correct = 0;
    for (std::size_t example = 0; example < problems.size(); ++example) {
        const auto& problem = problems[example];
        const auto row = static_cast<std::int64_t>(example);
        bool exact = vocabulary.token(answers[row].item<std::int64_t>()) == problem.answer;
        for (int t = 0; t < problem.iterations() && exact; ++t)
            exact = readStep(predicted[t][row], batch.exampleWidths[row].item<std::int64_t>(),
                             vocabulary) == problem.steps[static_cast<std::size_t>(t)];
        correct += exact ? 1 : 0;
    }
    return static_cast<double>(correct) / static_cast<double>(problems.size());
}

double seconds(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(Learning, LoopedModelLearnsArithmeticChains) {
    torch::manual_seed(1);
    const auto problems = arithmeticProblems();
    const Vocabulary vocabulary = Vocabulary::forLargestNumber(10);
    const auto batch = toTensors(makeLoopedBatch(problems, vocabulary), torch::kCPU);
    LoopedTransformer model(learningConfig(vocabulary));
    torch::optim::AdamW optimizer(model->parameters(),
                                  torch::optim::AdamWOptions(2e-3).weight_decay(0.01));
    LoopedForwardOptions options;
    options.stepLogits = false;
    options.readOutMask = stepReadOutMask(batch);
    const auto start = std::chrono::steady_clock::now();
    double accuracy = 0.0;
    int step = 0;
    for (; step < 3000 && accuracy < 1.0; ++step) {
        optimizer.zero_grad();
        auto output =
            model->forward(batch.inputIds, batch.exampleWidths, batch.iterations, options);
        auto loss = relayLoss(output.maskedStepLogits, output.answerLogits, batch);
        loss.total.backward();
        optimizer.step();
        if (step % 25 == 24)
            accuracy = loopedChainExactMatch(model, batch, problems, vocabulary);
    }
    RecordProperty("steps", step);
    std::cout << "looped: " << step << " steps, " << seconds(start) << " s, exact match "
              << accuracy << "\n";
    EXPECT_EQ(accuracy, 1.0);
}

double arChainExactMatch(ArTransformer& model, const std::vector<Problem>& problems,
                         const Vocabulary& vocabulary) {
    model->eval();
    std::vector<std::vector<std::int64_t>> prompts;
    for (const auto& problem : problems)
        prompts.push_back(arPromptIds(problem, vocabulary));
    GenerationOptions options;
    options.maximumNewTokens = 48;
    options.endToken = vocabulary.id(kEosToken);
    auto generation = generateGreedy(model, prompts, options);
    model->train();
    int correct = 0;
    for (std::size_t example = 0; example < problems.size(); ++example) {
        auto continuation = vocabulary.tokens(generation.tokens[example]);
        if (generation.ended[example])
            continuation.push_back(kEosToken);
        auto chain = decodeArContinuation(TaskKind::Arithmetic, continuation);
        correct += chain.finished && chain.steps == problems[example].steps &&
                           chain.answer == problems[example].answer
                       ? 1
                       : 0;
    }
    return static_cast<double>(correct) / static_cast<double>(problems.size());
}

TEST(Learning, ArModelLearnsArithmeticChains) {
    torch::manual_seed(2);
    const auto problems = arithmeticProblems();
    const Vocabulary vocabulary = Vocabulary::forLargestNumber(10);
    const auto batch = toTensors(makeArBatch(problems, vocabulary), torch::kCPU);
    ArTransformer model(learningConfig(vocabulary));
    torch::optim::AdamW optimizer(model->parameters(),
                                  torch::optim::AdamWOptions(2e-3).weight_decay(0.01));
    ArForwardOptions options;
    options.logits = false;
    options.readOutMask = arReadOutMask(batch);
    options.sequenceLengths = batch.sequenceLengths;
    const auto start = std::chrono::steady_clock::now();
    double accuracy = 0.0;
    int step = 0;
    for (; step < 3000 && accuracy < 1.0; ++step) {
        optimizer.zero_grad();
        auto loss = arLoss(model->forward(batch.tokens, options).maskedLogits, batch);
        loss.backward();
        optimizer.step();
        if (step % 50 == 49)
            accuracy = arChainExactMatch(model, problems, vocabulary);
    }
    RecordProperty("steps", step);
    std::cout << "ar: " << step << " steps, " << seconds(start) << " s, exact match " << accuracy
              << "\n";
    EXPECT_EQ(accuracy, 1.0);
}

} // namespace
} // namespace relay
