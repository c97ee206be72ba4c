// One reasoning problem with its Chain-of-Thought (docs/method.md §1): input tokens x, T steps,
// and a single answer token y; and the verdict of checking a claimed chain against it.
#pragma once

#include "tasks/tokens.h"

#include <string>
#include <vector>

namespace relay {

enum class TaskKind { Arithmetic, EditDistance, LongestIncreasingSubsequence };

struct Problem {
    TaskKind task = TaskKind::Arithmetic;
    int complexity = 0;        // the "length" axis: ARI operators, ED |s1|, LIS n
    Tokens input;              // ends with "=" (ARI) or "<sep>" (ED, LIS)
    std::vector<Tokens> steps; // T steps; step t is what loop iteration t must read out
    std::string answer;        // one token

    int iterations() const { return static_cast<int>(steps.size()); }
};

// The result of checking a claimed chain and answer for a given input.
struct Verdict {
    bool chainCorrect = false;  // every step is a valid step from the one before
    bool answerCorrect = false; // the claimed answer equals the true answer
    bool canonical = false;     // the steps equal the canonical chain token for token
    int firstWrongStep = 0;     // 1-based step t of the first wrong step; 0 when none
    int firstWrongToken = -1;   // 0-based token position in that step, -1 when not known
    std::string reason;         // one line for people: what is wrong, or "ok"

    bool correct() const { return chainCorrect && answerCorrect; }
};

} // namespace relay
