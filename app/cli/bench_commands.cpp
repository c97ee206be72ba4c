// `relay bench`: the engine's speed on this machine (see core/train/engine_bench.h).
#include "bench_training.h"
#include "blas_kernels.h"
#include "closed_set_option.h"
#include "commands.h"
#include "freed_memory.h"

#include "model/autocast.h"
#include "model/device.h"
#include "train/engine_bench.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <regex>
#include <string>
#include <vector>

namespace relay::cli {
namespace {

// "K" or "MIN-MAX" (ARI operators, 1 <= MIN <= MAX).
void parseComplexity(const std::string& text, BenchCase& size) {
    std::smatch match;
    static const std::regex pattern("([0-9]{1,4})(?:-([0-9]{1,4}))?");
    if (std::regex_match(text, match, pattern)) {
        const int smallest = std::stoi(match[1]);
        const int largest = match[2].matched ? std::stoi(match[2]) : smallest;
        if (smallest >= 1 && largest >= smallest) {
            size.smallestComplexity = smallest;
            size.largestComplexity = largest;
            return;
        }
    }
    throw CLI::ValidationError("--complexity",
                               "expected K or MIN-MAX with 1 <= MIN <= MAX, got '" + text + "'");
}

} // namespace

void addBenchCommands(CLI::App& app) {
    auto options = std::make_shared<BenchOptions>();
    auto json = std::make_shared<bool>(false);
    auto quick = std::make_shared<bool>(false);
    auto processes = std::make_shared<int>(0);
    auto size = std::make_shared<BenchCase>();
    auto complexity = std::make_shared<std::string>();
    auto* bench = app.add_subcommand(
        "bench", "GEMM peak, training examples/s (looped, AR), evaluation and store speed");
    bench->add_flag("--quick", *quick, "Skip the paper-size models (slow on a CPU)");
    bench->add_option("--seconds", options->secondsPerCase, "Seconds to measure each case");
    bench->add_option("--threads", options->threads, "CPU threads (0: all cores)");
    bench->add_option("--device", options->device,
                      "cpu (default), cuda or cuda:N: where GEMM, training and evaluation run");
    addClosedSetOption(bench, "--precision", options->precision,
                       "Training forward passes on CUDA (default bf16-autocast)");
    bench->add_flag("--json", *json, "One JSON object per result");
    bench->add_option("--nproc", *processes,
                      "Only the trainer, with this many data-parallel processes of --threads "
                      "threads each: on the cpu-quick-ari preset, or on the case the options "
                      "below describe (its problems' lengths drawn as the trainer draws them)");
    // Any of these measures one training case of the user's choosing instead of the standard
    // list; the ones not given keep the cpu-quick case's values.
    std::vector<CLI::Option*> custom{
        bench->add_option("--case", size->model, "Training case: looped or ar")
            ->check(CLI::IsMember({"looped", "ar"})),
        bench->add_option("--hidden", size->hiddenSize, "Hidden size d (default 64)")
            ->check(CLI::PositiveNumber),
        bench->add_option("--layers", size->layers, "Layers per block (default 3)")
            ->check(CLI::PositiveNumber),
        bench->add_option("--heads", size->heads, "Attention heads (default 4)")
            ->check(CLI::PositiveNumber),
        bench->add_option("--complexity", *complexity,
                          "ARI operators per problem: K or MIN-MAX, drawn uniformly (default 1-4)"),
        bench->add_option("--batch", size->batchSize, "Examples per step (default 64)")
            ->check(CLI::PositiveNumber)};
    bench->callback([options, json, quick, processes, size, complexity, custom] {
        if (std::any_of(custom.begin(), custom.end(),
                        [](const CLI::Option* option) { return option->count() > 0; })) {
            if (!complexity->empty())
                parseComplexity(*complexity, *size);
            options->custom = *size;
        }
        if (*processes > 0) {
            benchTrainerProcesses(*processes, options->threads, options->secondsPerCase, *json,
                                  options->custom);
            return;
        }
        options->paperSize = !*quick;
        // Refused before anything runs when this machine lacks the device (says why).
        const std::string device = resolveDevice(options->device).name();
        if (!*json) {
            std::printf("device %s\n", device.c_str());
            std::printf("%s\n", blasKernelsLine().c_str());
            std::printf("allocator %s\n", allocatorInUse().c_str());
            std::printf("%-54s %12s %-9s %8s %10s\n", "case", "per second", "", "GFLOP/s",
                        "s/iter");
        }
        runEngineBench(*options, [&](const BenchResult& result) {
            if (*json) {
                std::cout << benchResultJson(result).dump() << std::endl;
                return;
            }
            std::printf("%-54s %12.1f %-9s %8.1f %10.4f\n", result.name.c_str(), result.rate,
                        result.unit.c_str(), result.gigaflops, result.secondsPerIteration);
            std::fflush(stdout);
        });
        // The standard list ends with the trainer as `relay train` runs it by default here
        // (processes, the cores shared out among them whatever --threads says), the figure a
        // user's cpu-quick training gets.
        if (!options->custom && resolveDevice(options->device).kind == DeviceKind::Cpu)
            benchTrainerProcesses(workerProcesses(resolveConfig("", "cpu-quick-ari", {})), 0,
                                  options->secondsPerCase, *json);
    });
}

} // namespace relay::cli
