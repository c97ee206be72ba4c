// Integration: the pieces fit. A tiny looped model trained with the RELAY loss, and a tiny AR
// model trained with the AR loss, each learn 64 arithmetic problems of 2-3 operators to 100%
// chain exact-match within a few seconds of CPU. And learning, not memorising: on problems it
// never saw, of the lengths it trained on, a briefly trained looped model answers far above
// chance, and the CoT-aligned model beats the vanilla one (answer loss only) on the same set.
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
#include <set>
#include <string>
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

ModelConfig tinyConfig(const Vocabulary& vocabulary) {
    ModelConfig config;
    config.vocabularySize = vocabulary.size();
    config.hiddenSize = 64;
    config.layers = 2;
    config.heads = 4;
    config.dropout = 0.0;
    return config;
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
    LoopedTransformer model(tinyConfig(vocabulary));
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
    ArTransformer model(tinyConfig(vocabulary));
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

// Held-out arithmetic mod 5 (chance: 1 answer in 5): training problems of 1-2 operators and
// test problems of the same lengths that are not among them.
struct HeldOut {
    std::vector<Problem> train, test;
};

HeldOut heldOutArithmetic(int trainCount, int testCount) {
    const ArithmeticTask task(TaskOptions{5});
    std::mt19937_64 random(77);
    HeldOut sets;
    std::set<Tokens> seen;
    for (int index = 0; index < trainCount; ++index) {
        sets.train.push_back(task.generate(1 + index % 2, random));
        seen.insert(sets.train.back().input);
    }
    while (static_cast<int>(sets.test.size()) < testCount) {
        Problem problem = task.generate(1 + static_cast<int>(sets.test.size()) % 2, random);
        if (!seen.count(problem.input))
            sets.test.push_back(std::move(problem));
    }
    return sets;
}

double answerAccuracy(LoopedTransformer& model, const std::vector<Problem>& problems,
                      const Vocabulary& vocabulary) {
    torch::NoGradGuard noGradient;
    model->eval();
    const auto batch = toTensors(makeLoopedBatch(problems, vocabulary), torch::kCPU);
    const auto answers = model->forward(batch.inputIds, batch.exampleWidths, batch.iterations)
                             .answerLogits.argmax(-1);
    model->train();
    return (answers == batch.answerTargets).to(torch::kDouble).mean().item<double>();
}

// Trains a fresh tiny looped model on `train` (RELAY loss, or the answer loss alone) and returns
// its answer accuracy on `test`.
double heldOutAnswerAccuracy(const HeldOut& sets, bool vanilla, int steps) {
    torch::manual_seed(5);
    const Vocabulary vocabulary = Vocabulary::forLargestNumber(4);
    const auto batch = toTensors(makeLoopedBatch(sets.train, vocabulary), torch::kCPU);
    LoopedTransformer model(tinyConfig(vocabulary));
    torch::optim::AdamW optimizer(model->parameters(),
                                  torch::optim::AdamWOptions(2e-3).weight_decay(0.01));
    LoopedLossOptions loss;
    loss.vanilla = vanilla;
    model->train();
    for (int step = 0; step < steps; ++step) {
        optimizer.zero_grad();
        auto output = model->forward(batch.inputIds, batch.exampleWidths, batch.iterations);
        relayLoss(output.stepLogits, output.answerLogits, batch, loss).total.backward();
        optimizer.step();
    }
    return answerAccuracy(model, sets.test, vocabulary);
}

constexpr int kHeldOutSteps = 300;

TEST(Learning, LoopedModelAnswersUnseenProblemsFarAboveChance) {
    const auto sets = heldOutArithmetic(400, 100);
    const double accuracy = heldOutAnswerAccuracy(sets, false, kHeldOutSteps);
    std::cout << "aligned, unseen problems: answer accuracy " << accuracy << " (chance 0.2)\n";
    EXPECT_GE(accuracy, 0.8);
}

TEST(Learning, AlignedModelBeatsVanillaOnTheSameUnseenProblems) {
    const auto sets = heldOutArithmetic(400, 100);
    const double aligned = heldOutAnswerAccuracy(sets, false, kHeldOutSteps);
    const double vanilla = heldOutAnswerAccuracy(sets, true, kHeldOutSteps);
    std::cout << "unseen problems: aligned " << aligned << ", vanilla " << vanilla << "\n";
    EXPECT_GE(aligned, vanilla + 0.2);
}

} // namespace
} // namespace relay
