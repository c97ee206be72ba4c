#include "probe_inspections.h"

#include "tasks/task_lookup.h"
#include "tasks/vocabulary.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

namespace relay {

Tokens claimedStep(const Tokens& row) {
    auto last = std::find_if(row.rbegin(), row.rend(), isPadToken);
    return Tokens(last.base(), row.end());
}

std::vector<TokenMark> markTokens(const Tokens& readOut, const Tokens& target) {
    std::vector<TokenMark> marks(readOut.size(), TokenMark::Unscored);
    if (target.empty())
        return marks;
    // The boundary pad is the last pad of the right-aligned target; it is scored too, so a
    // read-out that writes a value there (or drops one) is wrong.
    auto last = std::find_if(target.rbegin(), target.rend(), isPadToken);
    std::size_t first = last == target.rend() ? 0 : target.size() - 1 - (last - target.rbegin());
    for (std::size_t i = first; i < readOut.size() && i < target.size(); ++i)
        marks[i] = readOut[i] == target[i] ? TokenMark::Right : TokenMark::Wrong;
    return marks;
}

std::vector<ProblemInspection> probeInspections(const std::vector<ProbeRecord>& probes) {
    std::map<int, std::vector<const ProbeRecord*>> byProblem;
    for (const ProbeRecord& probe : probes)
        byProblem[probe.problemIndex].push_back(&probe);
    std::vector<ProblemInspection> inspections;
    for (auto& [index, rows] : byProblem) {
        std::sort(rows.begin(), rows.end(), [](const ProbeRecord* a, const ProbeRecord* b) {
            return a->iteration < b->iteration;
        });
        ProblemInspection inspection;
        inspection.truth.input = splitTokens(rows.front()->problem);
        inspection.truth.complexity = rows.front()->length;
        for (const ProbeRecord* probe : rows) {
            InspectedIteration row;
            row.iteration = probe->iteration;
            row.readOut = splitTokens(probe->predicted);
            row.target = splitTokens(probe->target);
            row.step = claimedStep(row.readOut);
            try {
                row.confidence =
                    nlohmann::json::parse(probe->confidenceJson).get<std::vector<float>>();
            } catch (const std::exception&) {
                row.confidence.clear();
            }
            row.confidence.resize(row.readOut.size(), 1.0f);
            row.marks = markTokens(row.readOut, row.target);
            row.stepCorrect = !row.target.empty() && row.step == claimedStep(row.target);
            inspection.width = std::max<std::int64_t>(inspection.width, row.readOut.size());
            if (!row.target.empty())
                inspection.truth.steps.push_back(claimedStep(row.target));
            inspection.iterations.push_back(std::move(row));
        }
        inspection.chosenIterations = static_cast<int>(inspection.iterations.size());
        // Probe snapshots keep the CoT rows only: the answer head is not recorded.
        inspections.push_back(std::move(inspection));
    }
    return inspections;
}

} // namespace relay
