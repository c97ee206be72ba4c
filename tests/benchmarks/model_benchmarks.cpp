// Training-step throughput of the looped and AR models next to a plain fp32 GEMM in the same
// process, so achieved GFLOP/s can be read against the machine's matmul peak.
//
// Rates use wall-clock time (UseRealTime): LibTorch's worker threads do most of the work, and
// the benchmark thread's CPU time would miss theirs.
//
// FLOPs are counted analytically for matmuls only (projections, MLP, attention scores and
// weighted sums, read-out at the positions the loss uses), forward x 3 for forward + backward.
#include "blas_kernels.h"
#include "freed_memory.h"
#include "model/ar_transformer.h"
#include "model/batch_tensors.h"
#include "model/device.h"
#include "model/flop_count.h"
#include "model/looped_transformer.h"
#include "tasks/arithmetic.h"
#include "tasks/batching.h"
#include "train/objectives.h"

#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <cstdlib>
#include <random>
#include <vector>

namespace relay {
namespace {

constexpr std::int64_t kBatchSize = 64;

// All cores, or RELAY_BENCHMARK_THREADS of them (to compare with a one-thread baseline).
void useThreads() {
    const char* threads = std::getenv("RELAY_BENCHMARK_THREADS");
    setCpuThreads(threads ? std::atoi(threads) : 0);
}

std::vector<Problem> arithmeticProblems(int smallestComplexity, int largestComplexity) {
    ArithmeticTask task;
    std::mt19937_64 random(7);
    std::uniform_int_distribution<int> complexity(smallestComplexity, largestComplexity);
    std::vector<Problem> problems;
    for (std::int64_t index = 0; index < kBatchSize; ++index)
        problems.push_back(task.generate(complexity(random), random));
    return problems;
}

ModelConfig benchmarkConfig(std::int64_t hiddenSize, const Vocabulary& vocabulary) {
    ModelConfig config;
    config.vocabularySize = vocabulary.size();
    config.hiddenSize = hiddenSize;
    config.layers = 3;
    config.heads = 4;
    config.dropout = 0.1;
    return config;
}

void setCounters(benchmark::State& state, double flopsPerStep) {
    const auto steps = static_cast<double>(state.iterations());
    state.counters["examples/s"] =
        benchmark::Counter(kBatchSize * steps, benchmark::Counter::kIsRate);
    state.counters["GFLOP/s"] =
        benchmark::Counter(flopsPerStep * steps / 1e9, benchmark::Counter::kIsRate);
    state.counters["GFLOP/step"] = flopsPerStep / 1e9;
    state.counters["threads"] = torch::get_num_threads();
}

void BM_Gemm(benchmark::State& state) {
    useThreads();
    const auto rows = state.range(0);
    const auto inner = state.range(1);
    const auto columns = state.range(2);
    auto a = torch::randn({rows, inner});
    auto b = torch::randn({inner, columns});
    auto c = torch::empty({rows, columns});
    for (auto _ : state) {
        torch::mm_out(c, a, b);
        benchmark::DoNotOptimize(c.data_ptr<float>());
    }
    state.counters["GFLOP/s"] =
        benchmark::Counter(2.0 * static_cast<double>(rows * inner * columns) *
                               static_cast<double>(state.iterations()) / 1e9,
                           benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Gemm)
    ->Args({512, 512, 512})
    ->Args({3840, 256, 1024})
    ->Args({1024, 64, 256})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// range(0): hidden size; range(1), range(2): smallest and largest number of operators.
void BM_LoopedTrainingStep(benchmark::State& state) {
    useThreads();
    torch::manual_seed(0);
    const Vocabulary vocabulary = Vocabulary::forLargestNumber(10);
    const auto problems =
        arithmeticProblems(static_cast<int>(state.range(1)), static_cast<int>(state.range(2)));
    const auto batch = toTensors(makeLoopedBatch(problems, vocabulary), torch::kCPU);
    const auto config = benchmarkConfig(state.range(0), vocabulary);
    LoopedTransformer model(config);
    model->train();
    torch::optim::AdamW optimizer(model->parameters(),
                                  torch::optim::AdamWOptions(5e-4).weight_decay(0.01));
    LoopedForwardOptions options;
    options.stepLogits = false;
    options.readOutMask = stepReadOutMask(batch);

    const auto width = static_cast<double>(batch.inputIds.size(1));
    const double forwardFlops = loopedForwardFlops(config, batch, options.readOutMask);
    for (auto _ : state) {
        optimizer.zero_grad();
        auto output =
            model->forward(batch.inputIds, batch.exampleWidths, batch.iterations, options);
        auto loss = relayLoss(output.maskedStepLogits, output.answerLogits, batch);
        loss.total.backward();
        optimizer.step();
    }
    setCounters(state, 3.0 * forwardFlops);
    state.counters["width"] = width;
    state.counters["T"] = static_cast<double>(batch.stepMask.size(0));
}
BENCHMARK(BM_LoopedTrainingStep)
    ->ArgNames({"d", "minOps", "maxOps"})
    ->Args({256, 15, 15})
    ->Args({64, 1, 4})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_ArTrainingStep(benchmark::State& state) {
    useThreads();
    torch::manual_seed(0);
    const Vocabulary vocabulary = Vocabulary::forLargestNumber(10);
    const auto problems =
        arithmeticProblems(static_cast<int>(state.range(1)), static_cast<int>(state.range(2)));
    const auto batch = toTensors(makeArBatch(problems, vocabulary), torch::kCPU);
    const auto config = benchmarkConfig(state.range(0), vocabulary);
    ArTransformer model(config);
    model->train();
    torch::optim::AdamW optimizer(model->parameters(),
                                  torch::optim::AdamWOptions(5e-4).weight_decay(0.01));
    ArForwardOptions options;
    options.logits = false;
    options.readOutMask = arReadOutMask(batch);
    options.sequenceLengths = batch.sequenceLengths;

    const auto length = static_cast<double>(batch.tokens.size(1));
    const double forwardFlops = arForwardFlops(config, batch, options.readOutMask);
    for (auto _ : state) {
        optimizer.zero_grad();
        auto loss = arLoss(model->forward(batch.tokens, options).maskedLogits, batch);
        loss.backward();
        optimizer.step();
    }
    setCounters(state, 3.0 * forwardFlops);
    state.counters["length"] = length;
}
BENCHMARK(BM_ArTrainingStep)
    ->ArgNames({"d", "minOps", "maxOps"})
    ->Args({256, 15, 15})
    ->Args({64, 1, 4})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

} // namespace
} // namespace relay

// The process set-up `relay` makes in its main (BLAS kernels from the CPU's flags, freed memory
// kept for the next step), so these figures and `relay bench`'s measure the same engine.
int main(int argc, char** argv) {
    relay::preferFastBlasKernels(argv);
    relay::keepFreedMemoryForReuse();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
