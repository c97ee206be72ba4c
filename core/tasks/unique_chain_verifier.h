// Verification for tasks whose chain is unique (ED's DP rows, LIS's DP values): a claimed chain
// is valid exactly when it equals the true chain token for token, so the first difference is
// the first wrong step and token.
#pragma once

#include "tasks/problem.h"

#include <functional>
#include <string>

namespace relay {

// First position where the two token lists differ (a missing or extra token counts); -1 when
// they are equal.
int firstDifference(const Tokens& expected, const Tokens& claimed);

// Says what is wrong at (1-based step, 0-based token) for people.
using StepErrorDescriber =
    std::function<std::string(int step, int token, const Tokens& expected, const Tokens& claimed)>;

// `stepCountHint` explains the expected number of steps, e.g. "one row per letter of s1".
Verdict compareWithUniqueChain(const Problem& truth, const std::vector<Tokens>& steps,
                               const std::string& answer, const StepErrorDescriber& describe,
                               const std::string& stepCountHint);

} // namespace relay
