#include "tasks/unique_chain_verifier.h"

#include <algorithm>

namespace relay {

int firstDifference(const Tokens& expected, const Tokens& claimed) {
    const std::size_t common = std::min(expected.size(), claimed.size());
    for (std::size_t i = 0; i < common; ++i) {
        if (expected[i] != claimed[i])
            return static_cast<int>(i);
    }
    return expected.size() == claimed.size() ? -1 : static_cast<int>(common);
}

Verdict compareWithUniqueChain(const Problem& truth, const std::vector<Tokens>& steps,
                               const std::string& answer, const StepErrorDescriber& describe,
                               const std::string& stepCountHint) {
    Verdict verdict;
    const int expectedSteps = truth.iterations();
    const int claimedSteps = static_cast<int>(steps.size());
    for (int step = 0; step < std::min(expectedSteps, claimedSteps); ++step) {
        const int token = firstDifference(truth.steps[step], steps[step]);
        if (token < 0)
            continue;
        verdict.firstWrongStep = step + 1;
        verdict.firstWrongToken = token;
        verdict.reason = describe(step + 1, token, truth.steps[step], steps[step]);
        break;
    }
    if (verdict.firstWrongStep == 0 && claimedSteps != expectedSteps) {
        verdict.firstWrongStep = std::min(expectedSteps, claimedSteps) + 1;
        verdict.firstWrongToken = 0;
        verdict.reason = "the chain has " + std::to_string(claimedSteps) + " steps, expected " +
                         std::to_string(expectedSteps) + " (" + stepCountHint + ")";
    }
    verdict.chainCorrect = verdict.firstWrongStep == 0;
    verdict.canonical = verdict.chainCorrect;
    verdict.answerCorrect = answer == truth.answer;
    const std::string answerReason = "answer: expected " + truth.answer + ", got '" + answer + "'";
    if (verdict.chainCorrect)
        verdict.reason = verdict.answerCorrect ? "ok" : answerReason;
    else if (!verdict.answerCorrect)
        verdict.reason += "; " + answerReason;
    return verdict;
}

} // namespace relay
