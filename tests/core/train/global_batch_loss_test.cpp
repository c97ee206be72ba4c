// A data-parallel rank's loss share: the shares of a batch split in two, each computed on its
// own slice with the whole batch's normalisers, add up in value and gradient to the loss one
// process computes on the whole batch (the independent computation: relayLoss / arLoss on it).
#include "../model_test_support.h"
#include "model/ar_transformer.h"
#include "model/batch_tensors.h"
#include "model/looped_transformer.h"
#include "tasks/arithmetic.h"
#include "tasks/batching.h"
#include "train/distributed/global_batch_loss.h"
#include "train/objectives.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace relay {
namespace {

std::vector<Problem> mixedLengths(int count) {
    return test::mixedArithmetic(count, 9);
}

ModelConfig oneLayerConfig(const Vocabulary& vocabulary) {
    return test::smallModelConfig(vocabulary, 16, 1, 2);
}

std::vector<Problem> longestFirst(std::vector<Problem> problems) {
    std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
        return a.iterations() > b.iterations();
    });
    return problems;
}

BatchOptions weighted(const std::vector<Problem>& problems, bool everyPad) {
    BatchOptions options;
    options.scoreEveryPad = everyPad;
    for (std::size_t index = 0; index < problems.size(); ++index)
        options.weights.push_back(0.5f + 0.25f * static_cast<float>(index % 4));
    return options;
}

std::vector<torch::Tensor> gradientsOf(torch::nn::Module& model) {
    std::vector<torch::Tensor> gradients;
    for (const auto& parameter : model.parameters())
        gradients.push_back(parameter.grad().clone());
    return gradients;
}

// The gradients the slices' shares left in `model` are the whole batch's.
void expectWholeBatchGradients(torch::nn::Module& model, const std::vector<torch::Tensor>& whole) {
    const auto fromSlices = gradientsOf(model);
    ASSERT_EQ(fromSlices.size(), whole.size());
    for (std::size_t index = 0; index < whole.size(); ++index)
        EXPECT_TRUE(torch::allclose(fromSlices[index], whole[index], 1e-4, 1e-6))
            << "parameter " << index;
}

LoopedLoss loopedLoss(LoopedTransformer& model, const std::vector<Problem>& problems,
                      const Vocabulary& vocabulary, bool everyPad) {
    auto batch =
        toTensors(makeLoopedBatch(problems, vocabulary, weighted(problems, everyPad)), torch::kCPU);
    auto output = model->forward(batch.inputIds, batch.exampleWidths, batch.iterations,
                                 relayForwardOptions(batch));
    return relayLoss(output.maskedStepLogits, output.answerLogits, batch);
}

TEST(GlobalBatchLoss, LoopedSharesOfTwoSlicesAddUpToTheWholeBatchLoss) {
    const auto vocabulary = Vocabulary::forLargestNumber(10);
    for (bool everyPad : {false, true}) {
        SCOPED_TRACE(everyPad ? "every pad scored" : "Eq. 6 marker");
        const auto problems = longestFirst(mixedLengths(11));
        // The second slice holds no 4-operator problem: it loops fewer times than the batch.
        std::vector<Problem> first(problems.begin(), problems.begin() + 4);
        std::vector<Problem> second(problems.begin() + 4, problems.end());
        ASSERT_LT(second.front().iterations(), first.front().iterations());
        torch::manual_seed(2);
        LoopedTransformer model(oneLayerConfig(vocabulary));

        auto whole = loopedLoss(model, problems, vocabulary, everyPad);
        model->zero_grad();
        whole.total.backward();
        const auto wholeGradients = gradientsOf(*model);

        const auto global =
            loopedNormalisers(makeLoopedBatch(problems, vocabulary, weighted(problems, everyPad)));
        ASSERT_EQ(global.scoredPerIteration.size(), whole.perIteration.size(0));
        model->zero_grad();
        LoopedLoss sum;
        for (const auto* slice : {&first, &second}) {
            auto batch = toTensors(makeLoopedBatch(*slice, vocabulary, weighted(*slice, everyPad)),
                                   torch::kCPU);
            auto share = loopedLossShare(loopedLoss(model, *slice, vocabulary, everyPad), batch,
                                         LoopedLossOptions(), global);
            share.total.backward(); // gradients accumulate as the allreduce would sum them
            if (!sum.total.defined()) {
                sum = {share.total.detach(), share.answer.detach(), share.iteration.detach(),
                       share.perIteration.detach()};
            } else {
                sum.total += share.total.detach();
                sum.answer += share.answer.detach();
                sum.iteration += share.iteration.detach();
                sum.perIteration += share.perIteration.detach();
            }
        }
        EXPECT_NEAR(sum.total.item<double>(), whole.total.item<double>(), 1e-5);
        EXPECT_NEAR(sum.answer.item<double>(), whole.answer.item<double>(), 1e-5);
        EXPECT_NEAR(sum.iteration.item<double>(), whole.iteration.item<double>(), 1e-5);
        EXPECT_TRUE(torch::allclose(sum.perIteration, whole.perIteration, 1e-5, 1e-6));
        expectWholeBatchGradients(*model, wholeGradients);
    }
}

TEST(GlobalBatchLoss, ArSharesOfTwoSlicesAddUpToTheWholeBatchLoss) {
    const auto vocabulary = Vocabulary::forLargestNumber(10);
    const auto problems = mixedLengths(9);
    const std::vector<Problem> first(problems.begin(), problems.begin() + 5);
    const std::vector<Problem> second(problems.begin() + 5, problems.end());
    torch::manual_seed(3);
    ArTransformer model(oneLayerConfig(vocabulary));
    auto loss = [&](const std::vector<Problem>& slice, ArBatchTensors& batch) {
        batch = toTensors(makeArBatch(slice, vocabulary), torch::kCPU);
        ArForwardOptions forward;
        forward.logits = false;
        forward.readOutMask = arReadOutMask(batch);
        forward.sequenceLengths = batch.sequenceLengths;
        return arLoss(model->forward(batch.tokens, forward).maskedLogits, batch);
    };
    ArBatchTensors batch;
    auto whole = loss(problems, batch);
    model->zero_grad();
    whole.backward();
    const auto wholeGradients = gradientsOf(*model);
    const auto global = arNormalisers(makeArBatch(problems, vocabulary));
    model->zero_grad();
    double sum = 0.0;
    for (const auto* slice : {&first, &second}) {
        auto share = arLossShare(loss(*slice, batch), batch, global);
        share.backward();
        sum += share.item<double>();
    }
    EXPECT_NEAR(sum, whole.item<double>(), 1e-5);
    expectWholeBatchGradients(*model, wholeGradients);
}

TEST(GlobalBatchLoss, NormalisersCountEveryExampleAndScoredCell) {
    // Counted from the problems: iteration t scores step t's tokens of every example that has
    // one, plus the marker <pad> left of it where the step leaves room in the example's width.
    const auto vocabulary = Vocabulary::forLargestNumber(10);
    const auto problems = mixedLengths(6);
    const auto batch = makeLoopedBatch(problems, vocabulary);
    const auto global = loopedNormalisers(batch);
    EXPECT_EQ(global.examples, 6.0);
    ASSERT_EQ(static_cast<std::int64_t>(global.scoredPerIteration.size()), batch.maxIterations);
    for (std::int64_t t = 0; t < batch.maxIterations; ++t) {
        double expected = 0.0;
        for (std::size_t e = 0; e < problems.size(); ++e) {
            if (t >= problems[e].iterations())
                continue;
            const auto tokens = tokenizeProblem(problems[e], vocabulary, false)
                                    .steps[static_cast<std::size_t>(t)]
                                    .size();
            const auto width = batch.exampleWidths[e];
            expected +=
                static_cast<double>(tokens) + (width > static_cast<std::int64_t>(tokens) ? 1 : 0);
        }
        EXPECT_EQ(global.scoredPerIteration[static_cast<std::size_t>(t)], expected) << t;
    }
    const auto ar = makeArBatch(problems, vocabulary);
    double scored = 0.0;
    for (std::int64_t row = 0; row < ar.batchSize; ++row)
        for (std::int64_t position = 1; position < ar.length; ++position)
            scored += ar.lossMask[static_cast<std::size_t>(row * ar.length + position)];
    EXPECT_EQ(arNormalisers(ar).scoredTokens, scored);
    EXPECT_GT(scored, 0.0);
}

} // namespace
} // namespace relay
