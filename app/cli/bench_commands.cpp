// `relay bench`: the engine's speed on this machine (see core/train/engine_bench.h).
#include "bench_training.h"
#include "commands.h"

#include "model/autocast.h"
#include "model/device.h"
#include "train/engine_bench.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

namespace relay::cli {

void addBenchCommands(CLI::App& app) {
    auto options = std::make_shared<BenchOptions>();
    auto json = std::make_shared<bool>(false);
    auto quick = std::make_shared<bool>(false);
    auto processes = std::make_shared<int>(0);
    auto* bench = app.add_subcommand(
        "bench", "GEMM peak, training examples/s (looped, AR), evaluation and store speed");
    bench->add_flag("--quick", *quick, "Skip the paper-size models (slow on a CPU)");
    bench->add_option("--seconds", options->secondsPerCase, "Seconds to measure each case");
    bench->add_option("--threads", options->threads, "CPU threads (0: all cores)");
    bench->add_option("--device", options->device,
                      "cpu (default), cuda or cuda:N: where GEMM, training and evaluation run");
    bench
        ->add_option("--precision", options->precision,
                     "Training forward passes on CUDA: bf16-autocast (default) or fp32")
        ->check(CLI::IsMember({kPrecisionFp32, kPrecisionBf16Autocast}));
    bench->add_flag("--json", *json, "One JSON object per result");
    bench->add_option("--nproc", *processes,
                      "Only the trainer on the cpu-quick-ari preset with this many data-parallel "
                      "processes of --threads threads each");
    bench->callback([options, json, quick, processes] {
        if (*processes > 0) {
            benchTrainerProcesses(*processes, options->threads, options->secondsPerCase, *json);
            return;
        }
        options->paperSize = !*quick;
        // Refused before anything runs when this machine lacks the device (says why).
        const std::string device = resolveDevice(options->device).name();
        if (!*json) {
            std::printf("device %s\n", device.c_str());
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
    });
}

} // namespace relay::cli
