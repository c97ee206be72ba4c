// The frontier of hand-written accuracy tables: the first length beyond training whose answer
// accuracy is below one half.
#include "store/length_frontier.h"

#include <gtest/gtest.h>

namespace relay {
namespace {

TEST(LengthFrontier, FirstLengthBelowOneHalf) {
    // 0.55 at 6 still holds; 7 is the first below; 8 recovering does not move it.
    EXPECT_EQ(frontierLength({{5, 0.9}, {6, 0.55}, {7, 0.49}, {8, 0.6}}, 4), 7);
    EXPECT_EQ(frontierLength({{5, 0.2}, {6, 0.9}}, 4), 5);
}

TEST(LengthFrontier, NoneWhenEveryLongerLengthHolds) {
    EXPECT_EQ(frontierLength({{5, 0.9}, {6, 0.55}, {7, 0.5}}, 4), std::nullopt)
        << "exactly one half still holds";
    EXPECT_EQ(frontierLength({}, 4), std::nullopt);
}

TEST(LengthFrontier, LengthsWithinTrainingDoNotCount) {
    EXPECT_EQ(frontierLength({{2, 0.1}, {4, 0.3}, {5, 0.8}, {6, 0.1}}, 4), 6);
    EXPECT_EQ(frontierLength({{2, 0.1}, {4, 0.3}}, 4), std::nullopt);
}

} // namespace
} // namespace relay
