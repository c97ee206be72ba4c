#include "store/length_frontier.h"

namespace relay {

std::optional<int> frontierLength(const std::map<int, double>& accuracyByLength,
                                  int trainingLength) {
    for (auto it = accuracyByLength.upper_bound(trainingLength); it != accuracyByLength.end(); ++it)
        if (it->second < kFrontierAccuracy)
            return it->first;
    return std::nullopt;
}

} // namespace relay
