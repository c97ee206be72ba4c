// The looped training step's fast paths against the general ones: the host-built read-out plan
// against the Eq. 6 mask, a batch sorted by T against the same batch in another order, and the
// sync test: a step (batch upload, forward, RELAY loss, backward, AdamW) asks the device for
// no host read. Host reads are counted with LibTorch's RecordFunction observer on the ops that
// block on a GPU: item() (_local_scalar_dense), boolean-mask indexing (nonzero), bool(tensor).
// Copies to the host are not seen on a CPU (they are no-ops there).
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
#include <vector>

namespace relay {
namespace {

// Host reads on this thread while alive.
class HostReadCounter {
public:
    HostReadCounter() {
        s_count = 0;
        m_handle = at::addThreadLocalCallback(at::RecordFunctionCallback(&onStart));
    }
    ~HostReadCounter() { at::removeCallback(m_handle); }
    int count() const { return s_count; }

private:
    static std::unique_ptr<at::ObserverContext> onStart(const at::RecordFunction& function) {
        for (const char* name : {"aten::_local_scalar_dense", "aten::nonzero", "aten::is_nonzero"})
            if (std::strcmp(function.name(), name) == 0)
                ++s_count;
        return nullptr;
    }
    static inline thread_local int s_count = 0;
    at::CallbackHandle m_handle;
};

std::vector<Problem> mixedLengths(int count) {
    ArithmeticTask task;
    std::mt19937_64 random(3);
    std::uniform_int_distribution<int> complexity(1, 4);
    std::vector<Problem> problems;
    for (int index = 0; index < count; ++index)
        problems.push_back(task.generate(complexity(random), random));
    return problems;
}

ModelConfig smallConfig(const Vocabulary& vocabulary) {
    ModelConfig config;
    config.vocabularySize = vocabulary.size();
    config.hiddenSize = 16;
    config.layers = 2;
    config.heads = 2;
    config.dropout = 0.0;
    return config;
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

TEST(TrainingStep, ReadOutPlanIsTheMaskedCellsInRowMajorOrder) {
    const auto vocabulary = Vocabulary::forLargestNumber(10);
    BatchOptions options;
    options.weights = {1.0f, 2.0f, 0.5f, 3.0f, 1.0f, 1.5f};
    auto batch = toTensors(makeLoopedBatch(mixedLengths(6), vocabulary, options), torch::kCPU);
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
    auto problems = mixedLengths(9);
    auto sortedProblems = problems;
    sortLongestFirst(sortedProblems);
    ASSERT_NE(problems.front().iterations(), sortedProblems.front().iterations());
    torch::manual_seed(4);
    LoopedTransformer model(smallConfig(vocabulary));
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
    auto config = smallConfig(vocabulary);
    config.dropout = 0.1;
    LoopedTransformer model(config);
    torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-3));
    for (bool sort : {true, false}) {
        SCOPED_TRACE(sort ? "sorted by T" : "given order");
        auto problems = mixedLengths(12);
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
