#include "train/distributed/batch_split.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

namespace relay {

std::vector<std::size_t> balancedSlice(const std::vector<std::size_t>& globalBatch,
                                       const std::vector<std::int64_t>& costs, int rank,
                                       int worldSize) {
    if (costs.size() != globalBatch.size())
        throw std::invalid_argument("balancedSlice: " + std::to_string(costs.size()) +
                                    " costs for a batch of " + std::to_string(globalBatch.size()));
    if (worldSize < 1 || rank < 0 || rank >= worldSize)
        throw std::invalid_argument("balancedSlice: rank " + std::to_string(rank) + " of " +
                                    std::to_string(worldSize));
    std::vector<std::size_t> order(globalBatch.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return costs[a] > costs[b]; });
    const auto ranks = static_cast<std::size_t>(worldSize);
    std::vector<std::size_t> positions;
    for (std::size_t place = 0; place < order.size(); ++place) {
        const std::size_t round = place / ranks;
        const std::size_t seat = place % ranks;
        const std::size_t owner = round % 2 == 0 ? seat : ranks - 1 - seat;
        if (owner == static_cast<std::size_t>(rank))
            positions.push_back(order[place]);
    }
    std::sort(positions.begin(), positions.end());
    std::vector<std::size_t> slice;
    slice.reserve(positions.size());
    for (auto position : positions)
        slice.push_back(globalBatch[position]);
    return slice;
}

} // namespace relay
