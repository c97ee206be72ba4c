// The arithmetic verifier: which rewrites are legal, how wrong chains are reported, and every
// chain of the CoT_benchmark sample file (tests/data/cotbench/).
#include "tasks/arithmetic.h"

#include "arithmetic_reference.h"
#include "cotbench_samples.h"

#include <gtest/gtest.h>

namespace relay {
namespace {

std::vector<Tokens> splitSteps(const std::vector<std::string>& steps) {
    std::vector<Tokens> result;
    for (const auto& step : steps)
        result.push_back(splitTokens(step));
    return result;
}

Verdict check(const ArithmeticTask& task, const std::string& input,
              const std::vector<std::string>& steps, const std::string& answer) {
    return task.verify(splitTokens(input), splitSteps(steps), answer);
}

TEST(ArithmeticVerifierTest, AcceptsRewritesThatUseAssociativity) {
    const ArithmeticTask task;
    // A CoT_benchmark line: 6 / 9 is evaluated before 3 * 6.
    const Verdict verdict = check(
        task, "( 4 - 1 ) * 6 / 9 * 4 =", {"3 * 6 / 9 * 4 =", "3 * 8 * 4 =", "2 * 4 =", "8"}, "8");
    EXPECT_TRUE(verdict.correct()) << verdict.reason;
    EXPECT_FALSE(verdict.canonical);

    EXPECT_TRUE(check(task, "1 + 2 + 3 =", {"1 + 5 =", "6"}, "6").correct());
    // x - a + (b - c): the operator left of b is "+", so b - c may go first.
    EXPECT_TRUE(check(task, "10 - 1 + 2 - 3 =", {"10 - 1 + 10 =", "9 + 10 =", "8"}, "8").correct());
    // x * (b / c) = x * b / c in a field.
    EXPECT_TRUE(check(task, "2 * 9 / 3 =", {"2 * 3 =", "6"}, "6").correct());
}

TEST(ArithmeticVerifierTest, RejectsRewritesThatChangeTheMeaning) {
    const ArithmeticTask task;
    struct Case {
        std::string input;
        std::string step; // an illegal first step
        int wrongToken;   // where it leaves the legal rewrite it shares the longest prefix with
    };
    // Each input has one legal first step (mod 11), worked by hand in the comment.
    const std::vector<Case> cases = {
        {"8 / 2 / 2 =", "8 / 1 =", 0},                 // x / a / b != x / (a / b); "4 / 2 ="
        {"8 / 2 * 3 =", "8 / 6 =", 0},                 // x / a * b != x / (a * b); "4 * 3 ="
        {"8 - 3 + 2 =", "8 - 5 =", 0},                 // x - a + b != x - (a + b); "5 + 2 ="
        {"8 - 3 - 2 =", "8 - 1 =", 0},                 // x - a - b != x - (a - b); "5 - 2 ="
        {"2 * 3 + 4 =", "2 * 7 =", 0},                 // * binds tighter than +; "6 + 4 ="
        {"2 + 3 * 4 =", "5 * 4 =", 0},                 // likewise on the right; "2 + 1 ="
        {"( 3 + 4 ) * 2 =", "( 7 ) * 2 =", 0},         // parentheses must go; "7 * 2 ="
        {"1 + 8 / 2 / 2 =", "1 + 8 / 1 =", 2},         // "1 + 4 / 2 =" agrees up to token 2
        {"3 * ( 8 - 3 - 2 ) =", "3 * ( 8 - 1 ) =", 3}, // "3 * ( 5 - 2 ) =": up to token 3
    };
    for (const auto& testCase : cases) {
        SCOPED_TRACE(testCase.input + " -> " + testCase.step);
        const Problem problem = task.solve(splitTokens(testCase.input));
        std::vector<Tokens> steps = problem.steps;
        steps.front() = splitTokens(testCase.step);
        const Verdict verdict = task.verify(problem.input, steps, problem.answer);
        EXPECT_FALSE(verdict.chainCorrect);
        EXPECT_TRUE(verdict.answerCorrect);
        EXPECT_EQ(verdict.firstWrongStep, 1);
        EXPECT_EQ(verdict.firstWrongToken, testCase.wrongToken);
        EXPECT_NE(verdict.reason.find("step 1"), std::string::npos) << verdict.reason;
    }
}

TEST(ArithmeticVerifierTest, ReportsWhereAChainGoesWrong) {
    const ArithmeticTask task;
    const std::string input = "1 + 2 + 3 =";

    Verdict verdict = check(task, input, {"3 + 3 =", "7"}, "6");
    EXPECT_FALSE(verdict.chainCorrect);
    EXPECT_TRUE(verdict.answerCorrect);
    EXPECT_EQ(verdict.firstWrongStep, 2);
    EXPECT_EQ(verdict.firstWrongToken, 0);
    EXPECT_NE(verdict.reason.find("'7'"), std::string::npos) << verdict.reason;

    verdict = check(task, input, {"3 + 4 =", "7"}, "7");
    EXPECT_EQ(verdict.firstWrongStep, 1);
    EXPECT_EQ(verdict.firstWrongToken, 2);
    EXPECT_FALSE(verdict.answerCorrect);

    // The last step must be the bare number.
    verdict = check(task, input, {"3 + 3 =", "6 ="}, "6");
    EXPECT_EQ(verdict.firstWrongStep, 2);
    EXPECT_EQ(verdict.firstWrongToken, 1);

    // A missing step, an extra step, no steps at all.
    verdict = check(task, input, {"3 + 3 ="}, "6");
    EXPECT_FALSE(verdict.chainCorrect);
    EXPECT_EQ(verdict.firstWrongStep, 2);
    EXPECT_NE(verdict.reason.find("missing"), std::string::npos) << verdict.reason;
    verdict = check(task, input, {"3 + 3 =", "6", "6"}, "6");
    EXPECT_FALSE(verdict.chainCorrect);
    EXPECT_EQ(verdict.firstWrongStep, 3);
    EXPECT_NE(verdict.reason.find("extra"), std::string::npos) << verdict.reason;
    verdict = check(task, input, {}, "6");
    EXPECT_FALSE(verdict.chainCorrect);
    EXPECT_EQ(verdict.firstWrongStep, 1);

    // Skipping a step (two operators at once) is wrong even when the value is right.
    verdict = check(task, input, {"6", "6"}, "6");
    EXPECT_EQ(verdict.firstWrongStep, 1);

    // A correct chain with a wrong answer.
    verdict = check(task, input, {"3 + 3 =", "6"}, "5");
    EXPECT_TRUE(verdict.chainCorrect);
    EXPECT_FALSE(verdict.answerCorrect);
    EXPECT_FALSE(verdict.correct());
    EXPECT_EQ(verdict.firstWrongStep, 0);
    EXPECT_NE(verdict.reason.find("answer"), std::string::npos) << verdict.reason;

    // Garbage in a step is a wrong step, not an exception.
    verdict = check(task, input, {"3 + ( ( x =", "6"}, "6");
    EXPECT_EQ(verdict.firstWrongStep, 1);
    EXPECT_EQ(verdict.firstWrongToken, 2);
}

TEST(ArithmeticVerifierTest, ThrowsParseErrorForABadInput) {
    const ArithmeticTask task;
    EXPECT_THROW(task.verify(splitTokens("1 + ="), {}, "1"), ParseError);
    EXPECT_THROW(task.verify(splitTokens("1 / 0 ="), {}, "1"), ParseError);
    EXPECT_THROW(task.verify({}, {}, "1"), ParseError);
}

// One line of CoT_benchmark's chain format: "input = step = ... = answer".
struct CotBenchmarkLine {
    Tokens input;
    std::vector<Tokens> steps; // the last one is the bare answer
    std::string answer;
};

CotBenchmarkLine parseLine(const std::string& line) {
    std::vector<Tokens> segments(1);
    for (const auto& token : splitTokens(line)) {
        if (token == "=")
            segments.emplace_back();
        else
            segments.back().push_back(token);
    }
    CotBenchmarkLine parsed;
    for (std::size_t index = 0; index < segments.size(); ++index) {
        Tokens tokens = segments[index];
        if (index + 1 < segments.size())
            tokens.emplace_back("=");
        if (index == 0)
            parsed.input = tokens;
        else
            parsed.steps.push_back(tokens);
    }
    parsed.answer = segments.back().empty() ? std::string() : segments.back().front();
    return parsed;
}

std::vector<CotBenchmarkLine> readCotBenchmarkFile(const std::string& name) {
    std::vector<CotBenchmarkLine> lines;
    for (const auto& line : testing::cotbenchLines(name))
        lines.push_back(parseLine(line));
    return lines;
}

TEST(ArithmeticCotBenchmarkTest, EveryChainOfTheSampleFileVerifies) {
    const auto lines = readCotBenchmarkFile("ari_ops5_p11.txt");
    ASSERT_EQ(lines.size(), 100u);
    const ArithmeticTask task(TaskOptions{11});
    int canonical = 0;
    for (const auto& line : lines) {
        SCOPED_TRACE(joinTokens(line.input));
        const Verdict verdict = task.verify(line.input, line.steps, line.answer);
        EXPECT_TRUE(verdict.correct()) << verdict.reason;
        EXPECT_EQ(line.steps.size(), reference::countOperators(line.input));
        EXPECT_EQ(reference::evaluate(line.input, 11), std::stoll(line.answer));
        canonical += verdict.canonical ? 1 : 0;
    }
    // The file reduces in its own order, so only some chains are canonical.
    EXPECT_GT(canonical, 0);
    EXPECT_LT(canonical, 100);
}

TEST(ArithmeticCotBenchmarkTest, AChangedDigitIsFoundAtItsStep) {
    const auto lines = readCotBenchmarkFile("ari_ops5_p11.txt");
    ASSERT_EQ(lines.size(), 100u);
    const ArithmeticTask task(TaskOptions{11});
    int checked = 0;
    for (const auto& line : lines) {
        const long long value = *reference::evaluate(line.input, 11);
        for (std::size_t stepIndex = 0; stepIndex < line.steps.size(); ++stepIndex) {
            // Change the first number whose change alters the step's value (so the step
            // cannot be some other legal rewrite).
            for (std::size_t tokenIndex = 0; tokenIndex < line.steps[stepIndex].size();
                 ++tokenIndex) {
                std::vector<Tokens> steps = line.steps;
                std::string& token = steps[stepIndex][tokenIndex];
                if (reference::isOperatorToken(token) || token == "(" || token == ")" ||
                    token == "=")
                    continue;
                token = std::to_string((std::stoi(token) + 1) % 11);
                if (reference::evaluate(steps[stepIndex], 11) == value)
                    continue;
                SCOPED_TRACE(joinTokens(line.input) + " step " + std::to_string(stepIndex + 1));
                const std::string answer = stepIndex + 1 == steps.size() ? token : line.answer;
                const Verdict verdict = task.verify(line.input, steps, answer);
                EXPECT_FALSE(verdict.chainCorrect);
                EXPECT_EQ(verdict.firstWrongStep, static_cast<int>(stepIndex) + 1);
                EXPECT_EQ(verdict.answerCorrect, stepIndex + 1 < steps.size());
                ++checked;
                break;
            }
        }
    }
    EXPECT_GT(checked, 300);
}

} // namespace
} // namespace relay
