// The arithmetic task (docs/method.md §1.1): the paper's worked example, hand-checked canonical
// chains, and thousands of generated problems checked against an independent evaluator.
#include "tasks/arithmetic.h"

#include "arithmetic_reference.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace relay {
namespace {

std::vector<Tokens> splitSteps(const std::vector<std::string>& steps) {
    std::vector<Tokens> result;
    for (const auto& step : steps)
        result.push_back(splitTokens(step));
    return result;
}

TEST(ArithmeticTaskTest, ReproducesTheWorkedExampleTokenForToken) {
    const ArithmeticTask task(TaskOptions{23});
    const Tokens input = splitTokens("( 6 + 9 ) / ( 7 + 2 * 5 - 4 * 3 ) =");
    const Problem problem = task.solve(input);
    const std::vector<Tokens> expected = splitSteps({
        "15 / ( 7 + 2 * 5 - 4 * 3 ) =",
        "15 / ( 7 + 10 - 4 * 3 ) =",
        "15 / ( 17 - 4 * 3 ) =",
        "15 / ( 17 - 12 ) =",
        "15 / 5 =",
        "3",
    });
    EXPECT_EQ(problem.input, input);
    EXPECT_EQ(problem.steps, expected);
    EXPECT_EQ(problem.answer, "3");
    EXPECT_EQ(problem.iterations(), 6);
    EXPECT_EQ(problem.complexity, 6);
    EXPECT_EQ(problem.task, TaskKind::Arithmetic);

    const Verdict verdict = task.verify(input, expected, "3");
    EXPECT_TRUE(verdict.correct());
    EXPECT_TRUE(verdict.canonical);
    EXPECT_EQ(verdict.firstWrongStep, 0);
    EXPECT_EQ(verdict.firstWrongToken, -1);
    EXPECT_EQ(verdict.reason, "ok");
}

// Chains worked out by hand (mod 11), one per rule of the reduction.
TEST(ArithmeticTaskTest, FollowsTheCanonicalReductionRule) {
    const ArithmeticTask task;
    struct Case {
        std::string input;
        std::vector<std::string> steps;
    };
    const std::vector<Case> cases = {
        // Left associativity among equal precedence.
        {"8 - 3 - 2 =", {"5 - 2 =", "3"}},
        {"9 / 3 / 3 =", {"3 / 3 =", "1"}},
        // * before +, and the leftmost ready operator first.
        {"2 + 3 * 4 =", {"2 + 1 =", "3"}},
        {"2 * 3 + 4 * 5 =", {"6 + 4 * 5 =", "6 + 9 =", "4"}},
        {"1 + 2 + 3 * 4 =", {"3 + 3 * 4 =", "3 + 1 =", "4"}},
        // Innermost parentheses first; parentheses around a single result are dropped, doubled
        // ones included.
        {"1 - ( 2 - ( 3 - 4 ) ) =", {"1 - ( 2 - 10 ) =", "1 - 3 =", "9"}},
        {"( ( 3 + 4 ) ) * 2 =", {"7 * 2 =", "3"}},
        {"( 2 * 3 + 1 ) * 2 =", {"( 6 + 1 ) * 2 =", "7 * 2 =", "3"}},
        // Division is multiplication by the inverse: 1 / 2 = 6 because 2 * 6 = 12 = 1.
        {"1 / 2 =", {"6"}},
        {"5 * 0 / 7 =", {"0 / 7 =", "0"}},
    };
    for (const auto& testCase : cases) {
        SCOPED_TRACE(testCase.input);
        const Problem problem = task.solve(splitTokens(testCase.input));
        EXPECT_EQ(problem.steps, splitSteps(testCase.steps));
        EXPECT_EQ(problem.answer, testCase.steps.back());
    }
}

TEST(ArithmeticTaskTest, DescribesItself) {
    const ArithmeticTask task(TaskOptions{23});
    EXPECT_EQ(task.name(), "ari");
    EXPECT_EQ(task.taskToken(), "[ARI]");
    EXPECT_EQ(task.kind(), TaskKind::Arithmetic);
    EXPECT_TRUE(task.answerIsLastStep());
    EXPECT_EQ(task.iterationCount(7), 7);
    EXPECT_EQ(task.largestNumber(25), 22);
    EXPECT_EQ(task.modulus(), 23);
    EXPECT_EQ(ArithmeticTask().modulus(), 11);
}

TEST(ArithmeticTaskTest, RejectsAModulusThatIsNotPrime) {
    for (int modulus : {-7, 0, 1, 4, 9, 12, 25, 221}) {
        try {
            ArithmeticTask task(TaskOptions{modulus});
            ADD_FAILURE() << "modulus " << modulus << " accepted";
        } catch (const std::invalid_argument& error) {
            EXPECT_NE(std::string(error.what()).find(std::to_string(modulus)), std::string::npos)
                << error.what();
        }
    }
    for (int modulus : {2, 3, 5, 11, 23, 97, 65521})
        EXPECT_NO_THROW(ArithmeticTask(TaskOptions{modulus})) << modulus;
}

TEST(ArithmeticTaskTest, RejectsAComplexityBelowOne) {
    const ArithmeticTask task;
    std::mt19937_64 random(1);
    EXPECT_THROW(task.generate(0, random), std::invalid_argument);
    EXPECT_THROW(task.generate(-3, random), std::invalid_argument);
}

// Every step of a chain, by the reference: one evaluation from the step before, the input's
// value kept, one operator fewer, "=" closing all but the bare last step, no "( n )" left.
void expectChainChecksOut(const Tokens& input, const std::vector<Tokens>& steps, long long value,
                          int modulus) {
    const int complexity = reference::countOperators(input);
    ASSERT_EQ(static_cast<int>(steps.size()), complexity);
    Tokens previous = input;
    for (int index = 0; index < complexity; ++index) {
        const Tokens& step = steps[static_cast<std::size_t>(index)];
        const bool last = index + 1 == complexity;
        ASSERT_FALSE(step.empty());
        EXPECT_EQ(step.back() == "=", !last) << joinTokens(step);
        EXPECT_EQ(reference::evaluate(step, modulus), value) << joinTokens(step);
        EXPECT_EQ(reference::countOperators(step), complexity - index - 1);
        EXPECT_TRUE(reference::isOneEvaluation(previous, step, modulus))
            << joinTokens(previous) << " -> " << joinTokens(step);
        for (std::size_t position = 0; position + 2 < step.size(); ++position)
            EXPECT_FALSE(step[position] == "(" && step[position + 2] == ")") << joinTokens(step);
        previous = step;
    }
}

// Checks one generated problem against independent computations (arithmetic_reference.h).
// `corruptionsChecked` counts the problems whose corrupted chain was checked.
void checkGeneratedProblem(const ArithmeticTask& task, const Problem& problem, int complexity,
                           std::mt19937_64& random, int& corruptionsChecked) {
    const int modulus = task.modulus();
    ASSERT_EQ(problem.complexity, complexity);
    ASSERT_EQ(problem.iterations(), complexity);
    ASSERT_EQ(problem.iterations(), task.iterationCount(complexity));
    ASSERT_FALSE(problem.input.empty());
    ASSERT_EQ(problem.input.back(), "=");
    EXPECT_EQ(reference::countOperators(problem.input), complexity);

    // The answer is the value of the input and the bare last step.
    const auto value = reference::evaluate(problem.input, modulus);
    ASSERT_TRUE(value.has_value()) << joinTokens(problem.input);
    EXPECT_EQ(problem.answer, std::to_string(*value));
    EXPECT_EQ(problem.steps.back(), Tokens{problem.answer});

    expectChainChecksOut(problem.input, problem.steps, *value, modulus);

    // The exact solver's chain of the same input checks out against the reference too (not
    // against generate, which shares its reduction), and the text round-trips.
    const Problem solved = task.solve(problem.input);
    EXPECT_EQ(solved.answer, std::to_string(*value));
    expectChainChecksOut(problem.input, solved.steps, *value, modulus);
    EXPECT_EQ(task.parseInput(joinTokens(problem.input)), problem.input);
    std::string compact;
    for (const auto& token : problem.input)
        compact += token == "*" ? "\xC3\x97" : token == "/" ? "\xC3\xB7" : token;
    EXPECT_EQ(task.parseInput(compact), problem.input) << compact;

    // The true chain is accepted as canonical; a wrong answer is reported.
    const Verdict verdict = task.verify(problem.input, problem.steps, problem.answer);
    EXPECT_TRUE(verdict.correct()) << verdict.reason;
    EXPECT_TRUE(verdict.canonical);
    EXPECT_EQ(verdict.firstWrongStep, 0);
    const std::string wrongAnswer = std::to_string((*value + 1) % modulus);
    const Verdict wrong = task.verify(problem.input, problem.steps, wrongAnswer);
    EXPECT_TRUE(wrong.chainCorrect);
    EXPECT_FALSE(wrong.answerCorrect);
    EXPECT_NE(wrong.reason.find(wrongAnswer), std::string::npos) << wrong.reason;

    // One corrupted token. A step whose value differs from the answer (or that does not parse)
    // cannot be any legal rewrite, so the verifier must stop exactly there.
    std::uniform_int_distribution<int> pickStep(0, complexity - 1);
    const int stepIndex = pickStep(random);
    Tokens corrupted = problem.steps[stepIndex];
    std::uniform_int_distribution<int> pickToken(0, static_cast<int>(corrupted.size()) - 1);
    const int tokenIndex = pickToken(random);
    const Tokens alphabet = {"+", "-", "*", "/", "(",
                             ")", "=", "0", "1", std::to_string(modulus - 1)};
    const std::string replacement =
        std::to_string((std::stoi("0" + corrupted[tokenIndex]) + 1) % modulus);
    const bool isNumber =
        corrupted[tokenIndex].find_first_not_of("0123456789") == std::string::npos;
    corrupted[tokenIndex] =
        isNumber ? replacement : alphabet[(tokenIndex + stepIndex) % alphabet.size()];
    if (corrupted == problem.steps[stepIndex])
        corrupted[tokenIndex] = "(";
    const auto corruptedValue = reference::evaluate(corrupted, modulus);
    if (corruptedValue == value)
        return; // possibly another legal rewrite; the handwritten tests cover those
    std::vector<Tokens> steps = problem.steps;
    steps[stepIndex] = corrupted;
    const Verdict broken = task.verify(problem.input, steps, problem.answer);
    EXPECT_FALSE(broken.chainCorrect);
    EXPECT_FALSE(broken.canonical);
    EXPECT_TRUE(broken.answerCorrect);
    EXPECT_EQ(broken.firstWrongStep, stepIndex + 1) << joinTokens(corrupted);
    EXPECT_GE(broken.firstWrongToken, tokenIndex) << joinTokens(corrupted);
    EXPECT_LE(broken.firstWrongToken, static_cast<int>(corrupted.size()));
    ++corruptionsChecked;
}

class ArithmeticGeneratedTest : public ::testing::TestWithParam<int> {};

TEST_P(ArithmeticGeneratedTest, EveryGeneratedChainChecksOut) {
    const ArithmeticTask task(TaskOptions{GetParam()});
    std::mt19937_64 random(2023 + GetParam());
    std::mt19937_64 testRandom(7);
    int corruptionsChecked = 0;
    for (int complexity = 1; complexity <= 20; ++complexity) {
        SCOPED_TRACE("complexity " + std::to_string(complexity));
        for (int sample = 0; sample < 60; ++sample) {
            const Problem problem = task.generate(complexity, random);
            SCOPED_TRACE(joinTokens(problem.input));
            checkGeneratedProblem(task, problem, complexity, testRandom, corruptionsChecked);
            if (::testing::Test::HasFatalFailure())
                return;
        }
    }
    // Most corruptions change the value; the rest are skipped, not silently passed.
    EXPECT_GT(corruptionsChecked, 20 * 60 / 2);
}

// 2 and 3 stress the zero and inverse corner cases of the construction; 11 and 23 are used
// by the paper and the worked example.
INSTANTIATE_TEST_SUITE_P(Arithmetic, ArithmeticGeneratedTest, ::testing::Values(2, 3, 11, 23));

TEST(ArithmeticTaskTest, GenerationIsDeterministicForASeed) {
    const ArithmeticTask task;
    auto draw = [&task](std::uint64_t seed) {
        std::mt19937_64 random(seed);
        std::vector<Tokens> inputs;
        for (int complexity = 1; complexity <= 12; ++complexity) {
            for (int sample = 0; sample < 5; ++sample)
                inputs.push_back(task.generate(complexity, random).input);
        }
        return inputs;
    };
    EXPECT_EQ(draw(42), draw(42));
    EXPECT_NE(draw(42), draw(43));
    // Pinned so that a change of the generator (which would change every dataset, on every
    // platform alike: it draws from the engine's raw output) is noticed.
    std::mt19937_64 random(5);
    EXPECT_EQ(joinTokens(task.generate(3, random).input), "9 / ( 5 + 9 ) * 0 =");
    EXPECT_EQ(joinTokens(task.generate(6, random).input), "10 * 1 / 2 * ( 10 - ( 6 * 8 + 2 ) ) =");
}

TEST(ArithmeticTaskTest, GeneratesVariedProblems) {
    const ArithmeticTask task;
    std::mt19937_64 random(11);
    std::set<Tokens> inputs;
    std::set<std::string> operators;
    int parenthesized = 0;
    for (int sample = 0; sample < 500; ++sample) {
        const Problem problem = task.generate(5, random);
        inputs.insert(problem.input);
        for (const auto& token : problem.input) {
            if (reference::isOperatorToken(token))
                operators.insert(token);
        }
        const auto& input = problem.input;
        parenthesized += std::find(input.begin(), input.end(), "(") != input.end() ? 1 : 0;
    }
    EXPECT_GT(inputs.size(), 490u);
    EXPECT_EQ(operators.size(), 4u);
    // CoT_benchmark's data at 5 operators has parentheses in most lines.
    EXPECT_GT(parenthesized, 150);
}

} // namespace
} // namespace relay
