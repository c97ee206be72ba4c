// Probe snapshots: a fixed handful of problems decoded at every iteration at each evaluation,
// so the viewer can show how alignment emerges over training.
#include "train/evaluation.h"

#include "model/stopping.h"
#include "tasks/task_lookup.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace relay {
namespace {

// `count` problems from these sets (sorted by task, then length): evenly spread over the sets
// when there are enough of them, otherwise round-robin over the sets' first, second, ...
// examples.
void pickSpread(std::vector<const TestSet*> sets, int count, std::vector<Problem>& picked) {
    sets.erase(std::remove_if(sets.begin(), sets.end(),
                              [](const TestSet* set) { return set->examples.empty(); }),
               sets.end());
    if (sets.empty() || count <= 0)
        return;
    std::stable_sort(sets.begin(), sets.end(), [](const TestSet* left, const TestSet* right) {
        return std::make_pair(left->task, left->length) <
               std::make_pair(right->task, right->length);
    });
    const auto setCount = static_cast<int>(sets.size());
    if (count <= setCount) {
        for (int index = 0; index < count; ++index) {
            const int set = count == 1 ? setCount - 1 : index * (setCount - 1) / (count - 1);
            picked.push_back(sets[static_cast<std::size_t>(set)]->examples.front().problem);
        }
        return;
    }
    std::size_t example = 0;
    for (int taken = 0; taken < count;) {
        bool any = false;
        for (const auto* set : sets) {
            if (example >= set->examples.size() || taken >= count)
                continue;
            picked.push_back(set->examples[example].problem);
            ++taken;
            any = true;
        }
        if (!any)
            return;
        ++example;
    }
}

double rounded(float value) {
    return std::round(static_cast<double>(value) * 1e4) / 1e4;
}

} // namespace

std::vector<Problem> pickProbeProblems(const std::vector<TestSet>& testSets, int maximumTrainLength,
                                       int inDistribution, int longer) {
    std::vector<const TestSet*> inside, outside;
    for (const auto& set : testSets)
        (set.length <= maximumTrainLength ? inside : outside).push_back(&set);
    std::vector<Problem> picked;
    pickSpread(inside, inDistribution, picked);
    pickSpread(outside, longer, picked);
    return picked;
}

std::vector<ProbeRecord> probeLooped(LoopedTransformer& model, const Vocabulary& vocabulary,
                                     const std::vector<Problem>& probes, std::int64_t trainingStep,
                                     bool prependTaskToken, std::int64_t batchSize) {
    StoppingOptions oracle;
    oracle.rule = StoppingRule::Oracle;
    const auto decodings =
        decodeLooped(model, vocabulary, probes, oracle, prependTaskToken, batchSize);
    std::vector<ProbeRecord> records;
    for (std::size_t index = 0; index < probes.size(); ++index) {
        const auto& problem = probes[index];
        const auto& decoding = decodings[index];
        for (std::size_t iteration = 0; iteration < decoding.readOuts.size(); ++iteration) {
            const auto& readOut = decoding.readOuts[iteration];
            const auto width = readOut.tokens.size();
            // Right-aligned target row; a missing step (input-only probe) stays all <pad>.
            Tokens target(width, kPadToken);
            if (iteration < problem.steps.size()) {
                const auto& step = problem.steps[iteration];
                const auto shown = std::min(step.size(), width);
                std::copy(step.end() - static_cast<long>(shown), step.end(),
                          target.end() - static_cast<long>(shown));
            }
            auto confidence = nlohmann::json::array();
            for (float value : readOut.confidence)
                confidence.push_back(rounded(value));

            ProbeRecord record;
            record.trainingStep = trainingStep;
            record.problemIndex = static_cast<int>(index);
            record.problem = joinTokens(problem.input);
            record.length = problem.complexity > 0 ? problem.complexity
                                                   : complexityOfInput(problem.task, problem.input);
            record.iteration = static_cast<int>(iteration) + 1;
            record.predicted = joinTokens(readOut.tokens);
            record.target = joinTokens(target);
            record.confidenceJson = confidence.dump();
            records.push_back(std::move(record));
        }
    }
    return records;
}

} // namespace relay
