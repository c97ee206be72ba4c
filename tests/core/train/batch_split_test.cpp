// The data-parallel batch split: the ranks' slices partition the batch and cost alike.

#include "train/distributed/batch_split.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <stdexcept>

namespace relay {
namespace {

std::int64_t sliceCost(const std::vector<std::size_t>& slice, const std::vector<std::size_t>& batch,
                       const std::vector<std::int64_t>& costs) {
    std::int64_t total = 0;
    for (auto example : slice) {
        auto position = std::find(batch.begin(), batch.end(), example) - batch.begin();
        total += costs[static_cast<std::size_t>(position)];
    }
    return total;
}

TEST(BatchSplit, HandDealtExampleGivesEqualCostsWhereContiguousHalvesDoNot) {
    // Sorted by cost: 8 (#10), 8 (#13), 4 (#14), 4 (#15), 1 (#11), 1 (#12). Dealt 0 1 1 0 0 1:
    // rank 0 takes #10, #15, #11 (8 + 4 + 1), rank 1 #13, #14, #12 (8 + 4 + 1); the
    // contiguous halves would cost 10 and 16.
    const std::vector<std::size_t> batch{10, 11, 12, 13, 14, 15};
    const std::vector<std::int64_t> costs{8, 1, 1, 8, 4, 4};
    EXPECT_EQ(balancedSlice(batch, costs, 0, 2), (std::vector<std::size_t>{10, 11, 15}));
    EXPECT_EQ(balancedSlice(batch, costs, 1, 2), (std::vector<std::size_t>{12, 13, 14}));
}

TEST(BatchSplit, SlicesPartitionTheBatchWithSizesApartByAtMostOne) {
    std::mt19937 random(7);
    for (int worldSize : {1, 2, 3, 5}) {
        for (std::size_t size : {1u, 2u, 7u, 64u, 65u}) {
            std::vector<std::size_t> batch(size);
            std::vector<std::int64_t> costs(size);
            for (std::size_t i = 0; i < size; ++i) {
                batch[i] = 1000 + (random() % 50); // drawn with replacement: repeats allowed
                costs[i] = static_cast<std::int64_t>(random() % 4 + 1);
            }
            std::vector<std::size_t> all;
            std::size_t smallest = size, largest = 0;
            for (int rank = 0; rank < worldSize; ++rank) {
                auto slice = balancedSlice(batch, costs, rank, worldSize);
                smallest = std::min(smallest, slice.size());
                largest = std::max(largest, slice.size());
                all.insert(all.end(), slice.begin(), slice.end());
            }
            EXPECT_LE(largest - smallest, 1u) << worldSize << " ranks, batch " << size;
            auto expected = batch;
            std::sort(expected.begin(), expected.end());
            std::sort(all.begin(), all.end());
            EXPECT_EQ(all, expected) << worldSize << " ranks, batch " << size;
        }
    }
}

TEST(BatchSplit, RandomBatchesOfOneToFourIterationsSplitWithinOneExampleOfEven) {
    // Snake dealing bounds the gap between any two ranks by the dearest example; contiguous
    // halves of the same batches are often far apart.
    std::mt19937 random(11);
    std::int64_t worstContiguousGap = 0;
    for (int trial = 0; trial < 200; ++trial) {
        std::vector<std::size_t> batch(64);
        std::iota(batch.begin(), batch.end(), std::size_t{0});
        std::vector<std::int64_t> costs(64);
        for (auto& cost : costs) {
            const std::int64_t operators = static_cast<std::int64_t>(random() % 4) + 1;
            cost = operators * (4 * operators + 2); // T iterations x input width
        }
        const auto first = sliceCost(balancedSlice(batch, costs, 0, 2), batch, costs);
        const auto second = sliceCost(balancedSlice(batch, costs, 1, 2), batch, costs);
        EXPECT_LE(std::abs(first - second), *std::max_element(costs.begin(), costs.end()));
        const auto contiguous = std::accumulate(costs.begin(), costs.begin() + 32, std::int64_t{0});
        const auto rest = std::accumulate(costs.begin() + 32, costs.end(), std::int64_t{0});
        worstContiguousGap = std::max(worstContiguousGap, std::abs(contiguous - rest));
    }
    EXPECT_GT(worstContiguousGap, 4 * 72); // what the old contiguous split left between ranks
}

TEST(BatchSplit, MismatchedCostsOrRankAreRejected) {
    EXPECT_THROW(balancedSlice({1, 2}, {1}, 0, 2), std::invalid_argument);
    EXPECT_THROW(balancedSlice({1, 2}, {1, 1}, 2, 2), std::invalid_argument);
    EXPECT_THROW(balancedSlice({1, 2}, {1, 1}, 0, 0), std::invalid_argument);
}

} // namespace
} // namespace relay
