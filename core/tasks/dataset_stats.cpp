#include "tasks/dataset_stats.h"

#include <map>

namespace relay {
namespace {

struct Totals {
    int count = 0;
    double inputTokens = 0;
    double chainTokens = 0;
    double steps = 0;

    void add(const Problem& problem) {
        ++count;
        inputTokens += static_cast<double>(problem.input.size());
        for (const auto& step : problem.steps)
            chainTokens += static_cast<double>(step.size());
        steps += static_cast<double>(problem.steps.size());
    }
    double mean(double total) const { return count == 0 ? 0.0 : total / count; }
};

} // namespace

DatasetStats computeDatasetStats(const std::vector<DatasetExample>& examples) {
    std::map<TaskKind, std::pair<Totals, std::map<int, Totals>>> byTask;
    for (const auto& example : examples) {
        auto& [taskTotals, lengthTotals] = byTask[example.problem.task];
        taskTotals.add(example.problem);
        lengthTotals[example.problem.complexity].add(example.problem);
    }
    DatasetStats stats;
    stats.count = static_cast<int>(examples.size());
    for (const auto& [task, totals] : byTask) {
        const auto& [taskTotals, lengthTotals] = totals;
        TaskStats taskStats;
        taskStats.task = task;
        taskStats.count = taskTotals.count;
        taskStats.meanInputTokens = taskTotals.mean(taskTotals.inputTokens);
        taskStats.meanChainTokens = taskTotals.mean(taskTotals.chainTokens);
        for (const auto& [length, lengthTotal] : lengthTotals)
            taskStats.lengths.push_back(
                {length, lengthTotal.count, lengthTotal.mean(lengthTotal.inputTokens),
                 lengthTotal.mean(lengthTotal.chainTokens), lengthTotal.mean(lengthTotal.steps)});
        stats.tasks.push_back(std::move(taskStats));
    }
    return stats;
}

} // namespace relay
