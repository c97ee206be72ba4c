#include "bench_training.h"

#include "commands.h"
#include "store/run_store.h"
#include "train/trainer.h"
#include "worker_launcher.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>
#include <unistd.h>
#include <vector>

namespace relay::cli {
namespace {

namespace fs = std::filesystem;

// Keeps the trainer's own rate (examples/s from its first step, data building left out), and
// requests a stop once `seconds` of steps have passed, when given.
class RateEvents : public TrainingEvents {
public:
    RateEvents(std::atomic<bool>& cancel, std::optional<double> seconds)
        : m_cancel(cancel), m_seconds(seconds) {}
    void emit(const nlohmann::json& event) override {
        if (event.value("event", "") != "step")
            return;
        rate = event.value("examples_per_second", 0.0);
        const auto now = std::chrono::steady_clock::now();
        if (!m_first)
            m_first = now;
        if (m_seconds && std::chrono::duration<double>(now - *m_first).count() >= *m_seconds)
            m_cancel.store(true);
    }
    double rate = 0;

private:
    std::atomic<bool>& m_cancel;
    std::optional<double> m_seconds;
    std::optional<std::chrono::steady_clock::time_point> m_first;
};

// The preset's keys that make it the training case `size` describes.
std::vector<std::string> caseOverrides(const BenchCase& size) {
    const std::string smallest = std::to_string(size.smallestComplexity);
    const std::string largest = std::to_string(size.largestComplexity);
    return {"model.hidden_size=" + std::to_string(size.hiddenSize),
            "model.layers=" + std::to_string(size.layers),
            "model.heads=" + std::to_string(size.heads),
            "training.batch_size=" + std::to_string(size.batchSize),
            "train_lengths.min=" + smallest,
            "train_lengths.max=" + largest,
            "test_lengths.min=" + smallest,
            "test_lengths.max=" + largest};
}

std::string caseName(const std::optional<BenchCase>& custom) {
    if (!custom)
        return "trainer looped cpu-quick-ari 1-4 ops";
    std::string operators = std::to_string(custom->smallestComplexity);
    if (custom->largestComplexity != custom->smallestComplexity)
        operators += "-" + std::to_string(custom->largestComplexity);
    return "trainer " + custom->model + " d=" + std::to_string(custom->hiddenSize) +
           " L=" + std::to_string(custom->layers) + " H=" + std::to_string(custom->heads) +
           " ARI " + operators + " ops B=" + std::to_string(custom->batchSize);
}

} // namespace

void benchTrainerProcesses(int processes, int threads, double seconds, bool json,
                           const std::optional<BenchCase>& custom) {
    // The standard case trains about `seconds` at this machine's cpu-quick speed (~15 steps/s
    // per core), so its figures stay comparable; a chosen case trains until `seconds` pass.
    const int steps = custom ? 1000000 : std::max(40, static_cast<int>(std::lround(seconds * 40)));
    std::vector<std::string> overrides{"training.steps=" + std::to_string(steps),
                                       // Every training length from the first step (as many
                                       // problems of each as its number of operators), not
                                       // the curriculum's short start.
                                       "training.curriculum=false",
                                       // Training only: little data to build, a token final
                                       // evaluation.
                                       "data.train_samples=4000", "data.test_samples_per_length=1",
                                       "eval.every=1000000", "checkpoint.every=1000000",
                                       "threads=" + std::to_string(threads)};
    if (custom)
        for (auto& entry : caseOverrides(*custom))
            overrides.push_back(std::move(entry));
    auto folder = fs::temp_directory_path() / ("relay-bench-" + std::to_string(getpid()));
    fs::create_directories(folder);
    std::atomic<bool> cancel{false};
    RateEvents events(cancel, custom ? std::optional<double>(seconds) : std::nullopt);
    WorkerFlags flags;
    flags.processes = processes;
    try {
        runWithWorkers(
            flags, [] { return 0; },
            [&] {
                RunStore store((folder / "bench.db").string());
                TrainingRequest request;
                request.config = resolveConfig("", "cpu-quick-ari", overrides);
                if (custom && custom->model == "ar")
                    request.kind = RunKind::Ar;
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
    std::string name = caseName(custom) + ", " + std::to_string(processes) + " proc x " +
                       std::to_string(perProcess) + " thr";
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
