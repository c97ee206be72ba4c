// The longest increasing subsequence task (LIS, docs/method.md §1.3): a sequence of integers; the
// CoT is the DP array (length of the longest strictly increasing subsequence ending at each
// position), folded into steps of ten values.
#pragma once

#include "tasks/task.h"

namespace relay {

// Input: n integers then <sep>. Generated values lie in (n, valueRange) with 1-3 planted
// increasing runs, as CoT_benchmark's LIS generator makes them; typed or imported problems may
// use any value in 0..valueRange-1 (CoT_benchmark's own files have values <= n).
// Step t holds dp[10(t-1)+1 .. 10t] then "<sep>"; a short last group repeats its last value
// until it has ten. Complexity = n, T = ceil(n / 10), answer = max dp.
class LongestIncreasingSubsequenceTask : public Task {
public:
    static constexpr int kValuesPerStep = 10;

    // Throws std::invalid_argument when options.lisValueRange < 3 (no room for n = 1).
    explicit LongestIncreasingSubsequenceTask(const TaskOptions& options = {});

    TaskKind kind() const override { return TaskKind::LongestIncreasingSubsequence; }
    std::string name() const override { return "lis"; }
    std::string taskToken() const override { return "[LIS]"; }

    // Throws std::invalid_argument when complexity < 1 or complexity > valueRange - 2 (the
    // generated values must lie strictly between n and valueRange).
    Tokens drawInput(int complexity, std::mt19937_64& random) const override;
    Problem solve(const Tokens& input) const override;
    Tokens parseInput(const std::string& text) const override;
    Verdict verify(const Tokens& input, const std::vector<Tokens>& steps,
                   const std::string& answer) const override;

    bool answerIsLastStep() const override { return false; }
    std::optional<std::string> chainAnswer(const std::vector<Tokens>& steps) const override;
    int iterationCount(int complexity) const override;

    // max(valueRange - 1, k): input values stay below valueRange, dp values are at most n.
    int largestNumber(int maximumComplexity) const override;

    int valueRange() const { return m_valueRange; }

private:
    int m_valueRange;
};

} // namespace relay
