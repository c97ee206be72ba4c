// The paper's schedule (App. D): linear warmup over the first warmup steps, then linear decay to
// zero at the last step. A pure function of the step, so a resumed run recomputes it exactly.
#pragma once

#include <cstdint>

namespace relay {

struct LearningRateSchedule {
    double peak = 5e-4;
    std::int64_t warmupSteps = 0;
    std::int64_t totalSteps = 1;

    // The rate for the optimizer step with 0-based index `step`.
    double at(std::int64_t step) const;

    static LearningRateSchedule fromRatio(double peak, double warmupRatio, std::int64_t total);
    // An absolute warmup (capped at the run's length) when warmupSteps > 0, else the ratio.
    // Short runs at a high peak rate need the absolute form: 1.7% of 3,000 steps (51) let an
    // AR model at 3e-3 settle far worse than 200 steps did.
    static LearningRateSchedule fromConfig(double peak, double warmupRatio,
                                           std::int64_t warmupSteps, std::int64_t total);
};

} // namespace relay
