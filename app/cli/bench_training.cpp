#include "bench_training.h"

#include "commands.h"
#include "store/run_store.h"
#include "train/trainer.h"
#include "worker_launcher.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>
#include <unistd.h>

namespace relay::cli {
namespace {

namespace fs = std::filesystem;

// Keeps the trainer's own rate: examples/s from its first step, data building left out.
class RateEvents : public TrainingEvents {
public:
    void emit(const nlohmann::json& event) override {
        if (event.value("event", "") == "step")
            rate = event.value("examples_per_second", 0.0);
    }
    double rate = 0;
};

} // namespace

void benchTrainerProcesses(int processes, int threads, double seconds, bool json) {
    // About `seconds` of training at this machine's cpu-quick speed (~15 steps/s per core).
    const int steps = std::max(40, static_cast<int>(std::lround(seconds * 40)));
    auto folder = fs::temp_directory_path() / ("relay-bench-" + std::to_string(getpid()));
    fs::create_directories(folder);
    std::atomic<bool> cancel{false};
    RateEvents events;
    WorkerFlags flags;
    flags.processes = processes;
    try {
        runWithWorkers(
            flags, [] { return 0; },
            [&] {
                RunStore store((folder / "bench.db").string());
                TrainingRequest request;
                request.config =
                    resolveConfig("", "cpu-quick-ari",
                                  {"training.steps=" + std::to_string(steps),
                                   // Every training length from the first step (1-4
                                   // operators, as many problems of each as its number
                                   // of operators), not the curriculum's short start.
                                   "training.curriculum=false",
                                   // Training only: little data to build,
                                   // a token final evaluation.
                                   "data.train_samples=4000", "data.test_samples_per_length=1",
                                   "eval.every=1000000", "checkpoint.every=1000000",
                                   "threads=" + std::to_string(threads)});
                request.checkpointFolder = (folder / "checkpoints").string();
                trainNewRun(store, request, events, cancel);
            });
    } catch (...) {
        fs::remove_all(folder);
        throw;
    }
    fs::remove_all(folder);
    // Threads 0 shares the cores out among the processes (WorkerGroup::threadsPerWorker).
    const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    const int perProcess = threads > 0 ? threads : std::max(1, cores / processes);
    std::string name = "trainer looped cpu-quick-ari 1-4 ops, " + std::to_string(processes) +
                       " proc x " + std::to_string(perProcess) + " thr";
    if (json)
        std::cout << nlohmann::json{{"name", name},
                                    {"unit", "examples"},
                                    {"per_second", events.rate}}
                         .dump()
                  << std::endl;
    else
        std::printf("%-54s %12.1f %-9s\n", name.c_str(), events.rate, "examples");
}

} // namespace relay::cli
