// `relay bench`: the engine's speed on this machine — fp32 GEMM peak, training examples/s of
// the looped and AR models at CPU-quick and paper size (with achieved matmul GFLOP/s),
// evaluation problems/s and run-store inserts/s. Figures for closing notes and regressions.
// Or one training case of any size, read against the same process's GEMM rate.
#pragma once

#include "model/autocast.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace relay {

// One training case: model, size, ARI problem lengths and batch.
struct BenchCase {
    std::string model = "looped"; // looped | ar
    std::int64_t hiddenSize = 64;
    std::int64_t layers = 3;
    std::int64_t heads = 4;
    int smallestComplexity = 1; // ARI operators per problem, drawn uniformly
    int largestComplexity = 4;
    std::int64_t batchSize = 64;
};

struct BenchOptions {
    bool paperSize = true;      // also the paper-size models (slow on a CPU)
    double secondsPerCase = 3;  // measure each case for at least this long
    int threads = 0;            // 0: all cores
    std::string device = "cpu"; // where the GEMM, training and evaluation cases run
    Precision precision = Precision::Bf16Autocast; // training forward passes on CUDA (as a run's)
    std::string scratchFolder; // for the store benchmark; empty: the system temp folder
    // When set, the GEMM rate and this training case only, instead of the standard cases.
    std::optional<BenchCase> custom;
};

struct BenchResult {
    std::string name;
    std::string unit; // what `rate` counts per second
    double rate = 0;
    double gigaflops = 0; // achieved matmul GFLOP/s (0 where not meaningful)
    double secondsPerIteration = 0;
};

std::vector<BenchResult> runEngineBench(const BenchOptions& options,
                                        const std::function<void(const BenchResult&)>& onResult);

nlohmann::json benchResultJson(const BenchResult& result);

} // namespace relay
