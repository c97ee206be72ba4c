// The lines of the frontier chart: the chosen runs in round order, each with its answer accuracy
// by length and its frontier (store/length_frontier.h). A run's round is how many of its
// ancestors (parent, the parent's parent, ...) are among the chosen runs, so a self-improvement
// pipeline's Stage I run is round 0 and its round-r fine-tune round r, whatever else is chosen.
#pragma once

#include "run_series.h"

#include <optional>
#include <vector>

namespace relay {

struct FrontierLine {
    std::int64_t run = 0;
    QString name;
    int round = 0;
    XYSeries accuracy;           // at the run's last evaluation (accuracyByLengthAtEnd)
    QString stopping;            // the rule `accuracy` was measured with
    int trainingFirst = 0;       // train_lengths.min of its config
    int trainingLength = 0;      // train_lengths.max
    std::optional<int> frontier; // the first length beyond trainingLength below one half
};

// By round, then by run id.
std::vector<FrontierLine> frontierLines(const std::vector<const RunData*>& runs,
                                        const QStringList& preferredStopping);

} // namespace relay
