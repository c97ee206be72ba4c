// The looped and AR models against a from-scratch re-implementation written from docs/method.md §2
// alone: one example at a time in double precision, no batching, no padding beyond the
// example's own width, LayerNorm, RoPE, attention and GELU spelled out from primitive ops, the
// targets and masks of Eq. 6 built here from the problem's text. The training loss and the
// gradient of every parameter must agree with the engine's batched, masked float32 path.
// (The same comparison against a PyTorch-Python model agreed to 5e-7 when it was first run.)
#include "../model_test_support.h"
#include "model/ar_transformer.h"
#include "model/batch_tensors.h"
#include "model/looped_transformer.h"
#include "tasks/batching.h"
#include "tasks/task.h"
#include "tasks/task_lookup.h"
#include "tasks/vocabulary.h"
#include "train/objectives.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <string>

namespace relay {
namespace {

using torch::Tensor;
using Parameters = std::map<std::string, Tensor>;

constexpr std::int64_t kReferenceHidden = 32;
constexpr std::int64_t kReferenceHeads = 4;
constexpr std::int64_t kLayers = 2;

// Mixed tasks and lengths: ARI (input longest) and LIS with n < 10 (its 11-token steps are wider
// than the input, so the example's width comes from a step and the input carries <pad>s).
std::vector<Problem> mixedProblems() {
    std::mt19937_64 random(11);
    auto arithmetic = makeTask("ari");
    auto lis = makeTask("lis");
    std::vector<Problem> problems;
    for (int length : {1, 2, 3, 4, 2})
        problems.push_back(arithmetic->generate(length, random));
    for (int length : {5, 8, 12})
        problems.push_back(lis->generate(length, random));
    return problems;
}

ModelConfig referenceConfig(const Vocabulary& vocabulary) {
    return test::smallModelConfig(vocabulary, kReferenceHidden, kLayers, kReferenceHeads);
}

Parameters doubleCopies(torch::nn::Module& module) {
    Parameters copies;
    for (const auto& item : module.named_parameters())
        copies[item.key()] = item.value().detach().to(torch::kDouble).clone().requires_grad_(true);
    return copies;
}

Tensor layerNorm(const Tensor& x, const Parameters& p, const std::string& name) {
    auto mean = x.mean(-1, true);
    auto variance = (x - mean).pow(2).mean(-1, true);
    return (x - mean) / torch::sqrt(variance + 1e-5) * p.at(name + ".weight") +
           p.at(name + ".bias");
}

Tensor linear(const Tensor& x, const Parameters& p, const std::string& name) {
    return x.matmul(p.at(name + ".weight").t()) + p.at(name + ".bias");
}

// RoPE on [H, N, d_h] at positions 0..N-1: channel i pairs with i + d_h/2.
Tensor rotate(const Tensor& x) {
    const auto length = x.size(1);
    const auto half = x.size(2) / 2;
    auto options = x.options().requires_grad(false);
    auto frequencies =
        torch::pow(10000.0, -2.0 * torch::arange(half, options) / static_cast<double>(x.size(2)));
    auto angles = torch::arange(length, options).unsqueeze(1) * frequencies.unsqueeze(0);
    auto cosine = angles.cos();
    auto sine = angles.sin();
    auto first = x.narrow(2, 0, half);
    auto second = x.narrow(2, half, half);
    return torch::cat({first * cosine - second * sine, second * cosine + first * sine}, 2);
}

Tensor exactGelu(const Tensor& x) {
    return 0.5 * x * (1.0 + torch::erf(x / std::sqrt(2.0)));
}

// One pre-LN layer on [N, D]; `causal` for the AR model, full attention for the looped one.
Tensor layer(Tensor x, const Parameters& p, const std::string& prefix, bool causal) {
    const auto length = x.size(0);
    const auto headSize = kReferenceHidden / kReferenceHeads;
    auto projected = linear(layerNorm(x, p, prefix + "attention_norm"), p,
                            prefix + "attention.project_in"); // [N, 3D]: q | k | v, head-major
    auto heads = [&](int which) {
        return projected.narrow(1, which * kReferenceHidden, kReferenceHidden)
            .view({length, kReferenceHeads, headSize})
            .permute({1, 0, 2});
    };
    auto scores = rotate(heads(0)).matmul(rotate(heads(1)).transpose(1, 2)) /
                  std::sqrt(static_cast<double>(headSize));
    if (causal)
        scores = scores.masked_fill(torch::ones({length, length}, torch::kBool).triu(1),
                                    -std::numeric_limits<double>::infinity());
    auto attended =
        scores.softmax(-1).matmul(heads(2)).permute({1, 0, 2}).reshape({length, kReferenceHidden});
    x = x + linear(attended, p, prefix + "attention.project_out");
    auto expanded =
        exactGelu(linear(layerNorm(x, p, prefix + "feed_forward_norm"), p, prefix + "expand"));
    return x + linear(expanded, p, prefix + "contract");
}

Tensor block(Tensor x, const Parameters& p, bool causal) {
    for (int index = 0; index < kLayers; ++index)
        x = layer(x, p, "block.layer_" + std::to_string(index) + ".", causal);
    return x;
}

Tensor crossEntropy(const Tensor& logits, std::int64_t target) {
    return -torch::log_softmax(logits, -1)[target];
}

// docs/method.md §2.2 for a batch: L_ans averaged over examples; L_iter = mean over iterations of
// the masked mean CE of that iteration over all examples that run it.
Tensor referenceRelayLoss(const std::vector<Problem>& problems, const Vocabulary& vocabulary,
                          const Parameters& p) {
    Tensor answerSum = torch::zeros({}, torch::kDouble);
    std::map<std::size_t, Tensor> iterationSums;
    std::map<std::size_t, double> iterationCounts;
    for (const auto& problem : problems) {
        auto input = vocabulary.ids(problem.input);
        std::size_t width = input.size();
        for (const auto& step : problem.steps)
            width = std::max(width, step.size());
        input.resize(width, Vocabulary::kPad);
        auto x = p.at("embedding.weight").index_select(0, torch::tensor(input));
        for (std::size_t t = 0; t < problem.steps.size(); ++t) {
            x = block(x, p, false);
            auto logits = linear(layerNorm(x, p, "final_norm"), p, "read_out");
            const auto step = vocabulary.ids(problem.steps[t]);
            const std::size_t start = width - step.size();
            Tensor sum = torch::zeros({}, torch::kDouble);
            double count = 0;
            for (std::size_t position = 0; position < width; ++position) {
                const bool inStep = position >= start;
                const bool boundaryPad = start > 0 && position + 1 == start;
                if (!inStep && !boundaryPad)
                    continue;
                const std::int64_t target = inStep ? step[position - start] : Vocabulary::kPad;
                sum = sum + crossEntropy(logits[static_cast<std::int64_t>(position)], target);
                count += 1;
            }
            iterationSums[t] = iterationSums.count(t) ? iterationSums[t] + sum : sum;
            iterationCounts[t] += count;
        }
        auto last = layerNorm(x[static_cast<std::int64_t>(width) - 1], p, "final_norm");
        answerSum =
            answerSum + crossEntropy(linear(last, p, "answer_head"), vocabulary.id(problem.answer));
    }
    Tensor iteration = torch::zeros({}, torch::kDouble);
    for (const auto& [t, sum] : iterationSums)
        iteration = iteration + sum / iterationCounts[t];
    return answerSum / static_cast<double>(problems.size()) +
           iteration / static_cast<double>(iterationSums.size());
}

// docs/method.md §2.3: <bos> input steps [answer] <eos>, next-token CE on the chain and answer
// tokens, averaged over all of them in the batch.
Tensor referenceArLoss(const std::vector<Problem>& problems, const Vocabulary& vocabulary,
                       const Parameters& p) {
    Tensor sum = torch::zeros({}, torch::kDouble);
    double count = 0;
    for (const auto& problem : problems) {
        std::vector<std::int64_t> sequence = {vocabulary.id(kBosToken)};
        for (auto id : vocabulary.ids(problem.input))
            sequence.push_back(id);
        const std::size_t prompt = sequence.size();
        for (const auto& step : problem.steps)
            for (auto id : vocabulary.ids(step))
                sequence.push_back(id);
        if (!defaultTask(problem.task).answerIsLastStep())
            sequence.push_back(vocabulary.id(problem.answer));
        sequence.push_back(vocabulary.id(kEosToken));
        auto x = block(p.at("embedding.weight").index_select(0, torch::tensor(sequence)), p, true);
        auto logits = linear(layerNorm(x, p, "final_norm"), p, "read_out");
        for (std::size_t position = prompt; position < sequence.size(); ++position) {
            sum = sum +
                  crossEntropy(logits[static_cast<std::int64_t>(position) - 1], sequence[position]);
            count += 1;
        }
    }
    return sum / count;
}

void expectSameGradients(torch::nn::Module& module, const Parameters& reference) {
    for (const auto& item : module.named_parameters()) {
        const auto& expected = reference.at(item.key()).grad();
        ASSERT_TRUE(expected.defined()) << item.key();
        ASSERT_TRUE(item.value().grad().defined()) << item.key();
        auto actual = item.value().grad().to(torch::kDouble);
        const double error = (actual - expected).norm().item<double>() /
                             std::max(expected.norm().item<double>(), 1e-12);
        EXPECT_LT(error, 2e-4) << item.key();
    }
}

TEST(ReferenceModel, LoopedLossAndGradientsEqualAPerExampleReimplementation) {
    torch::manual_seed(5);
    const Vocabulary vocabulary(300);
    LoopedTransformer model(referenceConfig(vocabulary));
    const auto problems = mixedProblems();
    auto reference = doubleCopies(*model);
    auto expected = referenceRelayLoss(problems, vocabulary, reference);
    expected.backward();

    auto batch = toTensors(makeLoopedBatch(problems, vocabulary, {}), torch::kCPU);
    LoopedForwardOptions options;
    options.stepLogits = false;
    options.readOutMask = stepReadOutMask(batch);
    auto output = model->forward(batch.inputIds, batch.exampleWidths, batch.iterations, options);
    auto loss = relayLoss(output.maskedStepLogits, output.answerLogits, batch, {});
    loss.total.backward();
    EXPECT_NEAR(loss.total.item<double>(), expected.item<double>(), 1e-5);
    expectSameGradients(*model, reference);
}

TEST(ReferenceModel, ArLossAndGradientsEqualAPerExampleReimplementation) {
    torch::manual_seed(6);
    const Vocabulary vocabulary(300);
    ArTransformer model(referenceConfig(vocabulary));
    const auto problems = mixedProblems();
    auto reference = doubleCopies(*model);
    auto expected = referenceArLoss(problems, vocabulary, reference);
    expected.backward();

    auto batch = toTensors(makeArBatch(problems, vocabulary, {}), torch::kCPU);
    ArForwardOptions options;
    options.logits = false;
    options.readOutMask = arReadOutMask(batch);
    options.sequenceLengths = batch.sequenceLengths;
    auto output = model->forward(batch.tokens, options);
    auto loss = arLoss(output.maskedLogits, batch);
    loss.backward();
    EXPECT_NEAR(loss.item<double>(), expected.item<double>(), 1e-5);
    expectSameGradients(*model, reference);
}

} // namespace
} // namespace relay
