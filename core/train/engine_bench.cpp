#include "train/engine_bench.h"

#include "model/ar_transformer.h"
#include "model/autocast.h"
#include "model/batch_tensors.h"
#include "model/device.h"
#include "model/flop_count.h"
#include "model/looped_transformer.h"
#include "model/torch_device.h"
#include "store/run_store.h"
#include "tasks/arithmetic.h"
#include "tasks/batching.h"
#include "train/chain_generation.h"
#include "train/evaluation.h"
#include "train/fused_adamw.h"
#include "train/objectives.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>
#include <unistd.h>

namespace relay {
namespace {

using Clock = std::chrono::steady_clock;
// Where the cases compute, and in what precision the training cases' forward passes run.
struct BenchDevice {
    torch::Device device = torch::kCPU;
    bool bf16 = false;
};

// Waits for the work queued on a CUDA device, so that timings cover it.
void finish(const torch::Device& device) {
    if (device.is_cuda())
        torch::cuda::synchronize(device.index());
}

// Runs `body` once to warm up, then until `seconds` have passed; returns seconds per call.
double timeIt(double seconds, const torch::Device& device, const std::function<void()>& body) {
    body();
    finish(device);
    int calls = 0;
    auto start = Clock::now();
    double elapsed = 0;
    do {
        body();
        ++calls;
        elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < seconds);
    finish(device);
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    return elapsed / calls;
}

std::vector<Problem> arithmeticProblems(int smallest, int largest, std::int64_t count) {
    ArithmeticTask task;
    std::mt19937_64 random(7);
    std::uniform_int_distribution<int> complexity(smallest, largest);
    std::vector<Problem> problems;
    for (std::int64_t index = 0; index < count; ++index)
        problems.push_back(task.generate(complexity(random), random));
    return problems;
}

ModelConfig benchConfig(const BenchCase& size, const Vocabulary& vocabulary) {
    ModelConfig config;
    config.vocabularySize = vocabulary.size();
    config.hiddenSize = size.hiddenSize;
    config.layers = size.layers;
    config.heads = size.heads;
    config.dropout = 0.1;
    return config;
}

BenchCase modelOfWidth(std::int64_t hiddenSize) {
    BenchCase size;
    size.hiddenSize = hiddenSize;
    return size;
}

std::string caseName(const BenchCase& size) {
    auto name = "train " + size.model + " d=" + std::to_string(size.hiddenSize) +
                " L=" + std::to_string(size.layers) + " H=" + std::to_string(size.heads) + " ARI " +
                std::to_string(size.smallestComplexity);
    if (size.largestComplexity != size.smallestComplexity)
        name += "-" + std::to_string(size.largestComplexity);
    return name + " ops B=" + std::to_string(size.batchSize);
}

BenchResult gemm(double seconds, const torch::Device& device) {
    const auto options = torch::TensorOptions().device(device);
    auto a = torch::randn({512, 512}, options), b = torch::randn({512, 512}, options),
         c = torch::empty({512, 512}, options);
    double perCall = timeIt(seconds, device, [&] { torch::mm_out(c, a, b); });
    double flops = 2.0 * 512 * 512 * 512;
    return {"gemm fp32 512x512x512", "GEMMs", 1.0 / perCall, flops / perCall / 1e9, perCall};
}

// One optimizer step as the trainer takes it, on one batch (sorted by T, as the trainer's are).
BenchResult loopedTraining(const std::string& name, const BenchCase& size, double seconds,
                           const BenchDevice& on) {
    const Vocabulary vocabulary = Vocabulary::forLargestNumber(10);
    auto problems =
        arithmeticProblems(size.smallestComplexity, size.largestComplexity, size.batchSize);
    std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
        return a.iterations() > b.iterations();
    });
    auto batch = toTensors(makeLoopedBatch(problems, vocabulary), on.device);
    auto config = benchConfig(size, vocabulary);
    LoopedTransformer model(config);
    model->to(on.device);
    FusedAdamW optimizer(model->parameters(), torch::optim::AdamWOptions(5e-4));
    const auto options = relayForwardOptions(batch);
    double perStep = timeIt(seconds, on.device, [&] {
        optimizer.zero_grad();
        torch::Tensor loss;
        {
            Bf16AutocastScope autocast(on.bf16);
            auto output =
                model->forward(batch.inputIds, batch.exampleWidths, batch.iterations, options);
            loss = relayLoss(output.maskedStepLogits, output.answerLogits, batch).total;
        }
        loss.backward();
        optimizer.step();
    });
    double flops = 3.0 * loopedForwardFlops(config, batch, stepReadOutMask(batch));
    return {name, "examples", static_cast<double>(size.batchSize) / perStep, flops / perStep / 1e9,
            perStep};
}

BenchResult arTraining(const std::string& name, const BenchCase& size, double seconds,
                       const BenchDevice& on) {
    const Vocabulary vocabulary = Vocabulary::forLargestNumber(10);
    auto batch = toTensors(makeArBatch(arithmeticProblems(size.smallestComplexity,
                                                          size.largestComplexity, size.batchSize),
                                       vocabulary),
                           on.device);
    auto config = benchConfig(size, vocabulary);
    ArTransformer model(config);
    model->to(on.device);
    FusedAdamW optimizer(model->parameters(), torch::optim::AdamWOptions(5e-4));
    ArForwardOptions options;
    options.logits = false;
    options.readOutMask = arReadOutMask(batch);
    options.sequenceLengths = batch.sequenceLengths;
    double perStep = timeIt(seconds, on.device, [&] {
        optimizer.zero_grad();
        torch::Tensor loss;
        {
            Bf16AutocastScope autocast(on.bf16);
            loss = arLoss(model->forward(batch.tokens, options).maskedLogits, batch);
        }
        loss.backward();
        optimizer.step();
    });
    double flops = 3.0 * arForwardFlops(config, batch, options.readOutMask);
    return {name, "examples", static_cast<double>(size.batchSize) / perStep, flops / perStep / 1e9,
            perStep};
}

BenchResult loopedEvaluation(double seconds, const torch::Device& device) {
    const Vocabulary vocabulary = Vocabulary::forLargestNumber(10);
    TestSet set;
    set.length = 4;
    for (auto& problem : arithmeticProblems(4, 4, 256)) {
        DatasetExample example;
        example.problem = problem;
        set.examples.push_back(example);
    }
    LoopedTransformer model(benchConfig(modelOfWidth(64), vocabulary));
    model->to(device);
    EvaluationOptions options;
    options.batchSize = 256;
    double perCall =
        timeIt(seconds, device, [&] { evaluateLooped(model, vocabulary, {set}, options); });
    return {"eval looped d=64 ARI k=4 (oracle+adaptive)", "problems", 256 / perCall, 0, perCall};
}

// Stage II: the looped model writes chains for longer problems (k = 6) and each is verified.
BenchResult chainGeneration(double seconds, const torch::Device& device) {
    const Vocabulary vocabulary = Vocabulary::forLargestNumber(10);
    std::vector<DatasetExample> problems;
    for (auto& problem : arithmeticProblems(6, 6, 256)) {
        DatasetExample example;
        example.problem = problem;
        example.options.modulus = 11;
        problems.push_back(example);
    }
    LoopedTransformer model(benchConfig(modelOfWidth(64), vocabulary));
    model->to(device);
    double perCall = timeIt(seconds, device, [&] {
        writeLoopedChains(model, vocabulary, problems, {}, false, 256, 0.8);
    });
    return {"Stage II chains looped d=64 ARI k=6 (write + verify)", "problems", 256 / perCall, 0,
            perCall};
}

BenchResult storeInserts(const std::string& folder, double seconds) {
    namespace fs = std::filesystem;
    auto path = fs::path(folder.empty() ? fs::temp_directory_path().string() : folder) /
                ("relay-bench-" + std::to_string(getpid()) + ".db");
    double perCall = 0;
    {
        RunStore store(path.string());
        RunRecord run;
        run.name = "bench";
        run.kind = RunKind::Looped;
        run.task = "ari";
        auto id = store.createRun(run);
        std::vector<MetricPoint> points(500);
        for (std::size_t index = 0; index < points.size(); ++index)
            points[index] = {static_cast<std::int64_t>(index), 0.0, "loss", 1.0};
        perCall = timeIt(seconds, torch::kCPU, [&] {
            for (auto& point : points) // a (name, step) is stored once: each batch moves on
                point.step += static_cast<std::int64_t>(points.size());
            store.addMetrics(id, points);
        });
    }
    for (const char* suffix : {"", "-wal", "-shm"})
        fs::remove(path.string() + suffix);
    return {"store metric inserts (batches of 500)", "rows", 500 / perCall, 0, perCall};
}

} // namespace

std::vector<BenchResult> runEngineBench(const BenchOptions& options,
                                        const std::function<void(const BenchResult&)>& onResult) {
    setCpuThreads(options.threads);
    // A device this machine lacks is a DeviceError that says so, before any case runs.
    BenchDevice on;
    on.device = selectDevice(options.device);
    on.bf16 = effectivePrecision(options.precision, on.device.is_cuda()) == Precision::Bf16Autocast;
    torch::manual_seed(0);
    std::vector<BenchResult> results;
    auto record = [&](BenchResult result) {
        results.push_back(result);
        if (onResult)
            onResult(result);
    };
    double seconds = options.secondsPerCase;
    record(gemm(seconds, on.device));
    if (options.custom) {
        const auto& size = *options.custom;
        record(size.model == "ar" ? arTraining(caseName(size), size, seconds, on)
                                  : loopedTraining(caseName(size), size, seconds, on));
        return results;
    }
    record(
        loopedTraining("train looped d=64 ARI 1-4 ops (cpu-quick)", modelOfWidth(64), seconds, on));
    record(arTraining("train AR d=64 ARI 1-4 ops (cpu-quick)", modelOfWidth(64), seconds, on));
    if (options.paperSize) {
        auto paper = modelOfWidth(256);
        paper.smallestComplexity = paper.largestComplexity = 15;
        record(loopedTraining("train looped d=256 ARI 15 ops (paper)", paper, seconds, on));
        record(arTraining("train AR d=256 ARI 15 ops (paper)", paper, seconds, on));
    }
    record(loopedEvaluation(seconds, on.device));
    record(chainGeneration(seconds, on.device));
    record(storeInserts(options.scratchFolder, seconds));
    return results;
}

nlohmann::json benchResultJson(const BenchResult& result) {
    return {{"name", result.name},
            {"unit", result.unit},
            {"per_second", result.rate},
            {"gflops", result.gigaflops},
            {"seconds_per_iteration", result.secondsPerIteration}};
}

} // namespace relay
