#include "tasks/arithmetic_verifier.h"

#include "tasks/arithmetic_reduction.h"

#include <algorithm>

namespace relay {

namespace {

int commonPrefixLength(const Tokens& first, const Tokens& second) {
    const auto limit = std::min(first.size(), second.size());
    std::size_t length = 0;
    while (length < limit && first[length] == second[length])
        ++length;
    return static_cast<int>(length);
}

std::string quoted(const Tokens& tokens) {
    return "'" + joinTokens(tokens) + "'";
}

struct Rewrite {
    Expression expression;
    Tokens tokens;
};

// Every legal next step, the canonical one first so that ties in "nearest" prefer it.
std::vector<Rewrite> legalRewrites(const Expression& expression, const ModularField& field) {
    std::vector<int> positions = legalOperators(expression);
    const int canonical = canonicalOperator(expression);
    std::stable_partition(positions.begin(), positions.end(),
                          [canonical](int position) { return position == canonical; });
    std::vector<Rewrite> rewrites;
    for (int position : positions) {
        if (auto reduced = reduceAt(expression, position, field))
            rewrites.push_back({*reduced, stepTokens(*reduced)});
    }
    return rewrites;
}

// Says how a wrong step differs from the legal rewrite sharing its longest prefix.
void describeWrongStep(Verdict& verdict, int step, const Tokens& claimed,
                       const std::vector<Rewrite>& rewrites) {
    verdict.firstWrongStep = step;
    const Rewrite* nearest = nullptr;
    int nearestLength = -1;
    for (const auto& rewrite : rewrites) {
        const int length = commonPrefixLength(claimed, rewrite.tokens);
        if (length > nearestLength) {
            nearest = &rewrite;
            nearestLength = length;
        }
    }
    const std::string prefix = "step " + std::to_string(step) + " ";
    if (nearest == nullptr) {
        verdict.firstWrongToken = 0;
        verdict.reason = prefix + "has no legal rewrite to match";
        return;
    }
    verdict.firstWrongToken = nearestLength;
    const Tokens& expected = nearest->tokens;
    std::string difference;
    if (nearestLength < static_cast<int>(claimed.size()) &&
        nearestLength < static_cast<int>(expected.size()))
        difference =
            "has '" + claimed[nearestLength] + "' where '" + expected[nearestLength] + "' belongs";
    else if (nearestLength < static_cast<int>(expected.size()))
        difference = "ends early, before '" + expected[nearestLength] + "'";
    else
        difference = "has an extra '" + claimed[nearestLength] + "'";
    verdict.reason = prefix + quoted(claimed) + " " + difference + " at token " +
                     std::to_string(nearestLength) + " (nearest legal step " + quoted(expected) +
                     ")";
}

} // namespace

Verdict verifyArithmeticChain(const Expression& input, const std::vector<Tokens>& steps,
                              const std::string& answer, const ModularField& field) {
    Verdict verdict;
    const std::vector<Expression> canonical = canonicalReduction(input, field);
    const std::string trueAnswer = std::to_string(evaluateExpression(input, field));
    verdict.answerCorrect = answer == trueAnswer;

    verdict.canonical = steps.size() == canonical.size();
    for (std::size_t index = 0; verdict.canonical && index < steps.size(); ++index)
        verdict.canonical = steps[index] == stepTokens(canonical[index]);

    const int expectedSteps = static_cast<int>(canonical.size());
    Expression current = input;
    bool chainOk = true;
    for (std::size_t index = 0; index < steps.size(); ++index) {
        const int step = static_cast<int>(index) + 1;
        if (operatorCount(current) == 0) {
            chainOk = false;
            verdict.firstWrongStep = step;
            verdict.firstWrongToken = 0;
            verdict.reason = "step " + std::to_string(step) + " is extra: the chain ends after " +
                             std::to_string(expectedSteps) + " steps with the answer";
            break;
        }
        const std::vector<Rewrite> rewrites = legalRewrites(current, field);
        const auto match = std::find_if(rewrites.begin(), rewrites.end(),
                                        [&](const Rewrite& r) { return r.tokens == steps[index]; });
        if (match == rewrites.end()) {
            chainOk = false;
            describeWrongStep(verdict, step, steps[index], rewrites);
            break;
        }
        current = match->expression;
    }
    if (chainOk && operatorCount(current) > 0) {
        chainOk = false;
        verdict.firstWrongStep = static_cast<int>(steps.size()) + 1;
        verdict.firstWrongToken = 0;
        verdict.reason = "step " + std::to_string(verdict.firstWrongStep) +
                         " is missing: " + std::to_string(expectedSteps) + " steps expected, " +
                         std::to_string(steps.size()) + " given";
    }
    verdict.chainCorrect = chainOk;
    if (chainOk && !verdict.answerCorrect)
        verdict.reason = "answer '" + answer + "' is wrong; expected " + trueAnswer;
    else if (!chainOk && !verdict.answerCorrect)
        verdict.reason += "; answer '" + answer + "' is wrong, expected " + trueAnswer;
    else if (chainOk)
        verdict.reason = "ok";
    return verdict;
}

} // namespace relay
