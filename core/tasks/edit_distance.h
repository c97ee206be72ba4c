// The edit distance task (ED, docs/method.md §1.2): two strings with the shorter first; the CoT is
// the dynamic-programming table, one row per step, under CoT_benchmark's costs and boundary.
#pragma once

#include "tasks/task.h"

namespace relay {

// Input `s1 | s2 <sep>`, one token per letter a..z, |s1| <= |s2|. Costs: insert 2, delete 2,
// substitute 3, match 0. The boundary D[i][0] = i, D[0][j] = j is CoT_benchmark's (not the
// cost-consistent 2i, 2j); it is kept so CoT_benchmark's data verifies unchanged.
// Step i is D[i][1..|s2|] followed by ","; the answer is D[|s1|][|s2|]; T = complexity = |s1|.
//
// A typed problem with the longer string first is rejected ("the shorter string comes
// first") rather than silently swapped, so the problem a person sees is the one the model
// gets; strings of equal length are fine in either order.
class EditDistanceTask : public Task {
public:
    static constexpr int kInsertCost = 2;
    static constexpr int kDeleteCost = 2;
    static constexpr int kSubstituteCost = 3;

    // ED has no options; the parameter keeps every task constructible the same way.
    explicit EditDistanceTask(const TaskOptions& options = {});

    TaskKind kind() const override { return TaskKind::EditDistance; }
    std::string name() const override { return "ed"; }
    std::string taskToken() const override { return "[ED]"; }

    // Throws std::invalid_argument when complexity < 1.
    Tokens drawInput(int complexity, std::mt19937_64& random) const override;
    Problem solve(const Tokens& input) const override;
    Tokens parseInput(const std::string& text) const override;
    Verdict verify(const Tokens& input, const std::vector<Tokens>& steps,
                   const std::string& answer) const override;

    bool answerIsLastStep() const override { return false; }
    std::optional<std::string> chainAnswer(const std::vector<Tokens>& steps) const override;
    int iterationCount(int complexity) const override { return complexity; }

    // 3k + 3, and it is reached. D[i][j] <= min(i + 2j, 2i + j) (walk along row i from the
    // boundary D[i][0] = i, or down column j from D[0][j] = j), which grows with i and j; a
    // generated problem has i <= k and j <= |s2| <= k + 3, so every value is <= 3k + 3.
    // Two strings with no common letter and |s2| = k + 3 reach it.
    int largestNumber(int maximumComplexity) const override;
};

} // namespace relay
