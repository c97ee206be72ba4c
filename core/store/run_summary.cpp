#include "store/run_summary.h"

#include "config/stored_config.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace relay {

int trainingLengthOf(const RunRecord& run) {
    const auto config = tryStoredExperimentConfig(run.configJson, "run " + std::to_string(run.id));
    return config ? config->trainLengths.max : 0;
}

RunSummary summarizeRun(const RunRecord& run, const std::vector<EvalRecord>& evals, double now) {
    RunSummary summary;
    summary.durationSeconds = (run.finishedAt > 0 ? run.finishedAt : now) - run.createdAt;
    int trainingLength = trainingLengthOf(run);
    // (step, stopping, out-of-distribution) -> (sum, count)
    std::map<std::tuple<std::int64_t, std::string, bool>, std::pair<double, int>> means;
    for (const auto& eval : evals) {
        auto& cell = means[{eval.step, eval.stopping, eval.length > trainingLength}];
        cell.first += eval.answerAccuracy;
        cell.second += 1;
        summary.lastEvaluatedStep = std::max(summary.lastEvaluatedStep, eval.step);
    }
    for (const auto& [key, cell] : means) {
        double mean = cell.first / cell.second;
        auto& best = std::get<2>(key) ? summary.bestOutOfDistribution : summary.bestInDistribution;
        best = best ? std::max(*best, mean) : mean;
    }
    return summary;
}

} // namespace relay
