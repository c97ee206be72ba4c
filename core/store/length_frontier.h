// The length-generalization frontier of a run: the first length beyond training at which its
// answer accuracy falls below one half. The pipeline's self-improvement report and the run
// comparison's frontier chart both mark it. No SQLite or LibTorch types here.
#pragma once

#include <map>
#include <optional>

namespace relay {

// Below this answer accuracy a length counts as lost.
constexpr double kFrontierAccuracy = 0.5;

// The first length above `trainingLength` whose accuracy is below kFrontierAccuracy, in
// ascending order of the lengths given; none when every longer length given holds.
std::optional<int> frontierLength(const std::map<int, double>& accuracyByLength,
                                  int trainingLength);

} // namespace relay
