// The looped training step's fast paths against the general ones: the host-built read-out plan
// against the Eq. 6 mask, a batch sorted by T against the same batch in another order, and the
// sync tests: a step (batch upload, forward, RELAY loss, backward, AdamW) asks the device for
// no host read, and greedy AR decoding for one per generated token. Host reads are counted with
// LibTorch's RecordFunction observer on the ops that block on a GPU: item()
// (_local_scalar_dense), boolean-mask indexing (nonzero), bool(tensor), and copies to the host
// (.to(kCPU)), which are no-ops on a CPU and so are counted where they are asked for.
#include "../model_test_support.h"
#include "model/ar_generation.h"
#include "model/batch_tensors.h"
#include "model/looped_transformer.h"
#include "tasks/arithmetic.h"
#include "tasks/batching.h"
#include "train/objectives.h"

#include <ATen/record_function.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <type_traits>
#include <vector>

namespace relay {
namespace {

// Host reads on this thread while alive.
class HostReadCounter {
public:
    HostReadCounter() {
        s_count = 0;
        s_copies = 0;
        m_handle =
            at::addThreadLocalCallback(at::RecordFunctionCallback(&onStart).needsInputs(true));
    }
    ~HostReadCounter() { at::removeCallback(m_handle); }
    int count() const { return s_count; }
    // Copies to the host asked for with .to(kCPU).
    int hostCopies() const { return s_copies; }

private:
    static std::unique_ptr<at::ObserverContext> onStart(const at::RecordFunction& function) {
        for (const char* name : {"aten::_local_scalar_dense", "aten::nonzero", "aten::is_nonzero"})
            if (std::strcmp(function.name(), name) == 0)
                ++s_count;
        if (std::strcmp(function.name(), "aten::to") == 0)
            for (const auto& input : function.inputs())
                if (input.isDevice() && input.toDevice().is_cpu()) {
                    ++s_copies;
                    break;
                }
        return nullptr;
    }
    static inline thread_local int s_count = 0;
    static inline thread_local int s_copies = 0;
    at::CallbackHandle m_handle;
};

std::vector<Problem> mixedStepProblems(int count) {
    return test::mixedArithmetic(count, 3);
}

ModelConfig stepConfig(const Vocabulary& vocabulary) {
    return test::smallModelConfig(vocabulary, 16, 2, 2);
}

void sortLongestFirst(std::vector<Problem>& problems) {
    std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
        return a.iterations() > b.iterations();
    });
}

TEST(HostReadCounter, SeesItemAndMaskIndexing) {
    // Without this the zero counts below would prove nothing.
    auto values = torch::arange(6.0);
    HostReadCounter counter;
    values.sum().item<double>();
    EXPECT_EQ(counter.count(), 1);
    values.index({values > 2});
    EXPECT_GE(counter.count(), 2);
}

TEST(HostReadCounter, SeesCopiesToTheHostButNotConversions) {
    auto values = torch::arange(6.0);
    HostReadCounter counter;
    values.to(torch::kCPU);
    values.to(torch::kFloat64); // stays on its device
    EXPECT_EQ(counter.hostCopies(), 1);
}

TEST(TrainingStep, GreedyDecodingReadsTheDeviceOncePerToken) {
    // Token and probability of a step come back in one copy: a decoding that read them back
    // separately makes two per token and fails. The prompt's setup reads a fixed number.
    const auto vocabulary = Vocabulary::forLargestNumber(10);
    torch::manual_seed(8);
    ArTransformer model(stepConfig(vocabulary));
    model->eval();
    GenerationOptions options;
    options.endToken = -1; // never produced: every row decodes to the limit
    std::vector<int> copies;
    for (std::int64_t tokens = 0; tokens <= 4; ++tokens) {
        options.maximumNewTokens = tokens;
        HostReadCounter counter;
        const auto generation = generateGreedy(model, {{2, 5, 7}, {2, 9}}, options);
        copies.push_back(counter.hostCopies());
        ASSERT_EQ(static_cast<std::int64_t>(generation.tokens[1].size()), tokens);
    }
    for (std::int64_t tokens = 1; tokens <= 4; ++tokens)
        EXPECT_EQ(copies[static_cast<std::size_t>(tokens)] - copies[0], tokens) << tokens;
}

// The batch travels as one packed buffer; each tensor must be exactly its array, shaped.
template <typename Value>
void expectHolds(const torch::Tensor& tensor, const std::vector<Value>& values,
                 std::vector<std::int64_t> shape, const char* name) {
    const auto type = std::is_same_v<Value, float> ? torch::kFloat32 : torch::kLong;
    const auto expected =
        torch::from_blob(const_cast<Value*>(values.data()), shape, torch::TensorOptions(type));
    EXPECT_EQ(tensor.scalar_type(), type) << name;
    EXPECT_TRUE(torch::equal(tensor, expected)) << name;
}

TEST(TrainingStep, UploadedBatchesHoldEachArrayExactly) {
    const auto vocabulary = Vocabulary::forLargestNumber(10);
    BatchOptions options;
    options.weights = {1.0f, 2.0f, 0.5f, 3.0f, 1.0f};
    const auto problems = mixedStepProblems(5);
    const auto looped = makeLoopedBatch(problems, vocabulary, options);
    const auto tensors = toTensors(looped, torch::kCPU);
    const auto b = looped.batchSize, n = looped.width, t = looped.maxIterations;
    expectHolds(tensors.inputIds, looped.inputIds, {b, n}, "inputIds");
    expectHolds(tensors.exampleWidths, looped.exampleWidths, {b}, "exampleWidths");
    expectHolds(tensors.stepTargets, looped.stepTargets, {t, b, n}, "stepTargets");
    expectHolds(tensors.stepMask, looped.stepMask, {t, b, n}, "stepMask");
    expectHolds(tensors.answerTargets, looped.answerTargets, {b}, "answerTargets");
    expectHolds(tensors.iterations, looped.iterations, {b}, "iterations");
    expectHolds(tensors.weights, looped.weights, {b}, "weights");

    const auto ar = makeArBatch(problems, vocabulary);
    const auto arTensors = toTensors(ar, torch::kCPU);
    expectHolds(arTensors.tokens, ar.tokens, {ar.batchSize, ar.length}, "tokens");
    expectHolds(arTensors.lossMask, ar.lossMask, {ar.batchSize, ar.length}, "lossMask");
    expectHolds(arTensors.promptLengths, ar.promptLengths, {ar.batchSize}, "promptLengths");
    expectHolds(arTensors.sequenceLengths, ar.sequenceLengths, {ar.batchSize}, "sequenceLengths");
    EXPECT_TRUE(torch::equal(arTensors.weights, torch::ones({ar.batchSize})));
}

TEST(TrainingStep, ReadOutPlanIsTheMaskedCellsInRowMajorOrder) {
    const auto vocabulary = Vocabulary::forLargestNumber(10);
    BatchOptions options;
    options.weights = {1.0f, 2.0f, 0.5f, 3.0f, 1.0f, 1.5f};
    auto batch = toTensors(makeLoopedBatch(mixedStepProblems(6), vocabulary, options), torch::kCPU);
    ASSERT_TRUE(batch.readOut.defined());
    auto mask = stepReadOutMask(batch);
    EXPECT_TRUE(torch::equal(batch.readOut.positions, mask.flatten().nonzero().squeeze(1)));
    EXPECT_TRUE(torch::equal(batch.readOut.targets, batch.stepTargets.index({mask})));
    auto cellWeights = batch.weights.view({1, -1, 1}).expand_as(batch.stepMask).index({mask});
    EXPECT_TRUE(torch::equal(batch.readOut.scale, batch.stepMask.index({mask}) * cellWeights));
    auto iterationOfCell = torch::arange(batch.stepMask.size(0))
                               .view({-1, 1, 1})
                               .expand_as(batch.stepMask)
                               .index({mask});
    EXPECT_TRUE(torch::equal(batch.readOut.iteration, iterationOfCell));
    EXPECT_TRUE(torch::equal(batch.readOut.counts, batch.stepMask.sum({1, 2})));

    // The plan the loss derives for a batch without one is the same.
    auto derived = batch;
    derived.readOut = StepReadOut();
    auto plan = stepReadOut(derived);
    EXPECT_TRUE(torch::equal(plan.positions, batch.readOut.positions));
    EXPECT_TRUE(torch::equal(plan.scale, batch.readOut.scale));
    EXPECT_TRUE(torch::equal(plan.iteration, batch.readOut.iteration));
}

TEST(TrainingStep, SortedBatchGivesEachExampleItsUnsortedOutputs) {
    // The sorted batch loops as a prefix (narrow); the given order is permuted around the loop.
    const auto vocabulary = Vocabulary::forLargestNumber(10);
    auto problems = mixedStepProblems(9);
    auto sortedProblems = problems;
    sortLongestFirst(sortedProblems);
    ASSERT_NE(problems.front().iterations(), sortedProblems.front().iterations());
    torch::manual_seed(4);
    LoopedTransformer model(stepConfig(vocabulary));
    model->eval();
    auto given = toTensors(makeLoopedBatch(problems, vocabulary), torch::kCPU);
    auto sorted = toTensors(makeLoopedBatch(sortedProblems, vocabulary), torch::kCPU);
    LoopedForwardOptions options;
    options.hiddenStates = true;
    auto fromGiven = model->forward(given.inputIds, given.exampleWidths, given.iterations, options);
    auto fromSorted =
        model->forward(sorted.inputIds, sorted.exampleWidths, sorted.iterations, options);
    // Example b of the given batch sits at row rank[b] of the sorted one (stable sort).
    std::vector<std::int64_t> order(problems.size());
    std::vector<std::int64_t> byLength(problems.size());
    for (std::size_t b = 0; b < problems.size(); ++b)
        byLength[b] = static_cast<std::int64_t>(b);
    std::stable_sort(byLength.begin(), byLength.end(), [&](std::int64_t a, std::int64_t b) {
        return problems[static_cast<std::size_t>(a)].iterations() >
               problems[static_cast<std::size_t>(b)].iterations();
    });
    for (std::size_t rank = 0; rank < byLength.size(); ++rank)
        order[static_cast<std::size_t>(byLength[rank])] = static_cast<std::int64_t>(rank);
    auto rows = torch::tensor(order, torch::kLong);
    EXPECT_TRUE(torch::allclose(fromGiven.answerLogits,
                                fromSorted.answerLogits.index_select(0, rows), 1e-5, 1e-6));
    EXPECT_TRUE(torch::allclose(fromGiven.stepLogits, fromSorted.stepLogits.index_select(1, rows),
                                1e-5, 1e-6));
    EXPECT_TRUE(torch::allclose(fromGiven.hiddenStates,
                                fromSorted.hiddenStates.index_select(1, rows), 1e-5, 1e-6));
}

TEST(TrainingStep, LoopedStepMakesNoHostRead) {
    const auto vocabulary = Vocabulary::forLargestNumber(10);
    torch::manual_seed(5);
    auto config = stepConfig(vocabulary);
    config.dropout = 0.1;
    LoopedTransformer model(config);
    torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-3));
    for (bool sort : {true, false}) {
        SCOPED_TRACE(sort ? "sorted by T" : "given order");
        auto problems = mixedStepProblems(12);
        if (sort)
            sortLongestFirst(problems);
        HostReadCounter counter;
        auto batch = toTensors(makeLoopedBatch(problems, vocabulary), torch::kCPU);
        optimizer.zero_grad();
        auto output = model->forward(batch.inputIds, batch.exampleWidths, batch.iterations,
                                     relayForwardOptions(batch));
        auto loss = relayLoss(output.maskedStepLogits, output.answerLogits, batch);
        loss.total.backward();
        optimizer.step();
        EXPECT_EQ(counter.count(), 0);
    }
}

} // namespace
} // namespace relay
