#include "train/learning_rate_schedule.h"

#include <algorithm>
#include <cmath>

namespace relay {

double LearningRateSchedule::at(std::int64_t step) const {
    if (step < warmupSteps)
        return peak * static_cast<double>(step + 1) / static_cast<double>(warmupSteps);
    std::int64_t decaySteps = std::max<std::int64_t>(1, totalSteps - warmupSteps);
    double remaining = static_cast<double>(totalSteps - step) / static_cast<double>(decaySteps);
    return peak * std::clamp(remaining, 0.0, 1.0);
}

LearningRateSchedule LearningRateSchedule::fromRatio(double peak, double warmupRatio,
                                                     std::int64_t total) {
    LearningRateSchedule schedule;
    schedule.peak = peak;
    schedule.totalSteps = std::max<std::int64_t>(1, total);
    schedule.warmupSteps = static_cast<std::int64_t>(std::ceil(warmupRatio * total));
    return schedule;
}

LearningRateSchedule LearningRateSchedule::fromConfig(double peak, double warmupRatio,
                                                      std::int64_t warmupSteps,
                                                      std::int64_t total) {
    auto schedule = fromRatio(peak, warmupRatio, total);
    if (warmupSteps > 0)
        schedule.warmupSteps = std::min(warmupSteps, schedule.totalSteps);
    return schedule;
}

} // namespace relay
