#include "frontier_rounds.h"

#include "config/stored_config.h"
#include "store/length_frontier.h"

#include <algorithm>
#include <map>
#include <set>

namespace relay {

std::vector<FrontierLine> frontierLines(const std::vector<const RunData*>& runs,
                                        const QStringList& preferredStopping) {
    std::map<std::int64_t, std::optional<std::int64_t>> parentOf;
    for (const RunData* data : runs)
        parentOf[data->run.id] = data->run.parentRun;
    std::vector<FrontierLine> lines;
    for (const RunData* data : runs) {
        FrontierLine line;
        line.run = data->run.id;
        line.name = QString::fromStdString(data->run.name);
        // Ancestors among the chosen runs; a cycle (a damaged store) stops at a repeat.
        std::set<std::int64_t> seen = {data->run.id};
        for (auto parent = data->run.parentRun;
             parent && parentOf.count(*parent) && seen.insert(*parent).second;
             parent = parentOf[*parent])
            ++line.round;
        line.accuracy = accuracyByLengthAtEnd(*data, preferredStopping, &line.stopping);
        if (const auto config = tryStoredExperimentConfig(data->run.configJson,
                                                          "run " + std::to_string(data->run.id))) {
            line.trainingFirst = config->trainLengths.min;
            line.trainingLength = config->trainLengths.max;
        }
        std::map<int, double> byLength;
        for (int index = 0; index < line.accuracy.x.size(); ++index)
            byLength[static_cast<int>(line.accuracy.x[index])] = line.accuracy.y[index];
        line.frontier = frontierLength(byLength, line.trainingLength);
        lines.push_back(std::move(line));
    }
    std::stable_sort(lines.begin(), lines.end(), [](const FrontierLine& a, const FrontierLine& b) {
        return a.round != b.round ? a.round < b.round : a.run < b.run;
    });
    return lines;
}

} // namespace relay
