// The exact solvers of ED and LIS refuse inputs longer than kMaximumSolvedInputTokens (issue 17):
// a dataset line of a million letters once built a quadratic table until memory ran out.
#include "tasks/task.h"

#include <gtest/gtest.h>

namespace relay {
namespace {

Tokens editDistanceInput(int firstLength, int secondLength) {
    Tokens tokens(static_cast<std::size_t>(firstLength), "a");
    tokens.emplace_back("|");
    tokens.insert(tokens.end(), static_cast<std::size_t>(secondLength), "a");
    tokens.emplace_back("<sep>");
    return tokens;
}

TEST(SolverInputCap, EditDistanceRefusesAnOverlongInputNamingTheCap) {
    const auto task = makeTask("ed");
    try {
        task->verify(editDistanceInput(3000, 3000), {}, "0");
        FAIL() << "verified a 6002-token input";
    } catch (const ParseError& error) {
        EXPECT_NE(std::string(error.what()).find(std::to_string(kMaximumSolvedInputTokens)),
                  std::string::npos)
            << error.what();
    }
}

TEST(SolverInputCap, TheLongestConfigLengthStillSolves) {
    // test_lengths.max may be 1000: |s1| = 1000, |s2| = 1003 must solve. Equal prefixes and three
    // extra letters: the distance is 3 insertions.
    const auto problem = makeTask("ed")->solve(editDistanceInput(1000, 1003));
    EXPECT_EQ(problem.answer, "3");
    EXPECT_EQ(problem.iterations(), 1000);
}

TEST(SolverInputCap, LongestIncreasingSubsequenceRefusesAnOverlongInput) {
    Tokens tokens(5000, "1");
    tokens.emplace_back("<sep>");
    EXPECT_THROW(makeTask("lis")->solve(tokens), ParseError);
}

} // namespace
} // namespace relay
