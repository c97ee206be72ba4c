// How a global batch is dealt out to data-parallel ranks. Every rank waits for the slowest at
// the gradient allreduce, so the slices should cost alike, not merely hold as many examples:
// a looped example costs its iterations times its width, and a random contiguous half of a
// batch of 1-4 operators often holds most of the long ones.
#pragma once

#include <cstdint>
#include <vector>

namespace relay {

// Rank `rank`'s share of `globalBatch` (costs[i] is the work of globalBatch[i]): the examples
// sorted by cost, most first, dealt out in a snake (0, 1, .., N-1, N-1, .., 0, 0, 1, ..), so
// every round of N hands each rank one example and the rounds' order alternates which rank
// gets the dearer one. Slice sizes differ by at most one; every example goes to exactly one
// rank; a slice keeps the global batch's order. Ties keep batch order, so every rank computes
// the same split. Throws std::invalid_argument when the sizes differ or rank is out of range.
std::vector<std::size_t> balancedSlice(const std::vector<std::size_t>& globalBatch,
                                       const std::vector<std::int64_t>& costs, int rank,
                                       int worldSize);

} // namespace relay
