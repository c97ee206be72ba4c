// One line about a run for lists (CLI `relay runs list`, the GUI's run history): its best
// in-distribution and out-of-distribution answer accuracy over its evaluations.
#pragma once

#include "store/run_records.h"

#include <optional>
#include <vector>

namespace relay {

struct RunSummary {
    std::optional<double> bestInDistribution;    // lengths <= the longest training length
    std::optional<double> bestOutOfDistribution; // longer lengths
    std::int64_t lastEvaluatedStep = -1;
    double durationSeconds = 0; // finished - created, or until now while running
};

// For each evaluated step and stopping rule: the mean answer accuracy over the in-distribution
// lengths and over the longer ones; the best of each over the run. The training range comes
// from the run's config (train_lengths.max).
RunSummary summarizeRun(const RunRecord& run, const std::vector<EvalRecord>& evals, double now);

// train_lengths.max of the run's stored config, or 0 when that cannot be read.
int trainingLengthOf(const RunRecord& run);

} // namespace relay
