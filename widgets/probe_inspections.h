// The run's probe snapshots (store table `probes`: per training step, probe problem and
// iteration the read-out and target rows with confidences) turned into the same plain
// ProblemInspection the live viewer draws, so the training-time slider reuses the grid.
#pragma once

#include "inspection/problem_inspection.h"
#include "store/run_records.h"

#include <vector>

namespace relay {

// Marks each read-out position against the right-aligned target row: positions from the
// target's boundary <pad> on are scored (Eq. 6), the left padding is not.
std::vector<TokenMark> markTokens(const Tokens& readOut, const Tokens& target);

// The step a read-out claims: what follows its last <pad>.
Tokens claimedStep(const Tokens& row);

// One inspection per probe problem (ordered by problem index) from one training step's rows.
std::vector<ProblemInspection> probeInspections(const std::vector<ProbeRecord>& probes);

} // namespace relay
