// LIS against independent computations: patience sorting (O(n log n)), the worked example of
// docs/method.md §1.3, and CoT_benchmark's own chains.
#include "tasks/longest_increasing_subsequence.h"

#include "cotbench_samples.h"
#include "garbage_input.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace {

using relay::LongestIncreasingSubsequenceTask;
using relay::ParseError;
using relay::Problem;
using relay::TaskOptions;
using relay::Tokens;
using relay::Verdict;

// Patience sorting: tails[m] is the smallest last value of a strictly increasing subsequence
// of length m + 1; the pile a value lands on is the length of the longest one ending there.
struct PatienceResult {
    std::vector<int> endingAt;
    int longest = 0;
};

PatienceResult patienceSort(const std::vector<int>& values) {
    PatienceResult result;
    std::vector<int> tails;
    for (int value : values) {
        const auto pile = std::lower_bound(tails.begin(), tails.end(), value);
        result.endingAt.push_back(static_cast<int>(pile - tails.begin()) + 1);
        if (pile == tails.end())
            tails.push_back(value);
        else
            *pile = value;
    }
    result.longest = static_cast<int>(tails.size());
    return result;
}

std::vector<int> valuesOf(const Tokens& input) {
    std::vector<int> values;
    for (const auto& token : input) {
        if (token != "<sep>")
            values.push_back(std::stoi(token));
    }
    return values;
}

// Ten values per step, the last group padded with its last value, each step closed by <sep>.
std::vector<Tokens> foldByHand(const Tokens& values) {
    std::vector<Tokens> steps;
    for (std::size_t start = 0; start < values.size(); start += 10) {
        Tokens step;
        for (std::size_t i = start; i < start + 10; ++i)
            step.push_back(i < values.size() ? values[i] : values.back());
        step.push_back("<sep>");
        steps.push_back(step);
    }
    return steps;
}

// The input with its chain and answer from patience sorting, folded by hand.
Problem referenceChain(const Tokens& input) {
    const PatienceResult reference = patienceSort(valuesOf(input));
    Tokens lengths;
    for (int length : reference.endingAt)
        lengths.push_back(std::to_string(length));
    Problem problem;
    problem.input = input;
    problem.steps = foldByHand(lengths);
    problem.answer = std::to_string(reference.longest);
    return problem;
}

struct ChainLine {
    Tokens input;
    Tokens lengths; // dp_1 .. dp_n, unfolded
    std::string answer;
};

// `seq <sep> dp_1 ... dp_n <sep> answer`.
ChainLine parseCotbenchLine(const std::string& line) {
    const Tokens tokens = relay::splitTokens(line);
    const auto inputEnd = std::find(tokens.begin(), tokens.end(), "<sep>");
    const auto chainEnd = std::find(inputEnd + 1, tokens.end(), "<sep>");
    ChainLine parsed;
    parsed.input.assign(tokens.begin(), inputEnd + 1);
    parsed.lengths.assign(inputEnd + 1, chainEnd);
    parsed.answer = chainEnd + 1 < tokens.end() ? *(chainEnd + 1) : "";
    return parsed;
}

std::string corrupted(const std::string& token) {
    return token == "<sep>" ? "0" : std::to_string(std::stoi(token) + 1);
}

const int kLengths[] = {1, 2, 3, 5, 9, 10, 11, 25, 50, 99, 100, 120};

TEST(LongestIncreasingSubsequence, WorkedExampleTokenForToken) {
    const LongestIncreasingSubsequenceTask task;
    const std::string text = "103 110 145 217 233 18 30 82 141 150 159 161 167 239 <sep>";
    const Tokens input = task.parseInput(text);
    EXPECT_EQ(input, relay::splitTokens(text));
    const Problem problem = task.solve(input);
    const std::vector<Tokens> expected = {relay::splitTokens("1 2 3 4 5 1 2 3 4 5 <sep>"),
                                          relay::splitTokens("6 7 8 9 9 9 9 9 9 9 <sep>")};
    EXPECT_EQ(problem.steps, expected);
    EXPECT_EQ(problem.answer, "9");
    EXPECT_EQ(problem.complexity, 14);
    EXPECT_EQ(problem.task, relay::TaskKind::LongestIncreasingSubsequence);
    EXPECT_EQ(problem.iterations(), task.iterationCount(14));
    const Verdict verdict = task.verify(input, expected, "9");
    EXPECT_TRUE(verdict.correct() && verdict.canonical);
    EXPECT_EQ(verdict.reason, "ok");
}

TEST(LongestIncreasingSubsequence, DescribesItself) {
    const LongestIncreasingSubsequenceTask task;
    EXPECT_EQ(task.name(), "lis");
    EXPECT_EQ(task.taskToken(), "[LIS]");
    EXPECT_EQ(task.kind(), relay::TaskKind::LongestIncreasingSubsequence);
    EXPECT_FALSE(task.answerIsLastStep());
    EXPECT_EQ(task.valueRange(), 250);
    for (int n = 1; n <= 130; ++n)
        EXPECT_EQ(task.iterationCount(n), (n + 9) / 10) << n;
    EXPECT_EQ(task.iterationCount(105), 11);
}

TEST(LongestIncreasingSubsequence, RandomProblemsMatchPatienceSorting) {
    const LongestIncreasingSubsequenceTask task;
    std::mt19937_64 random(20250101);
    for (int n : kLengths) {
        for (int sample = 0; sample < 300; ++sample) {
            const Problem problem = task.generate(n, random);
            const std::vector<int> values = valuesOf(problem.input);
            ASSERT_EQ(problem.complexity, n);
            ASSERT_EQ(static_cast<int>(values.size()), n);
            ASSERT_EQ(problem.input.back(), "<sep>");
            for (int value : values) {
                ASSERT_GT(value, n);
                ASSERT_LT(value, task.valueRange());
            }
            ASSERT_EQ(problem.iterations(), (n + 9) / 10);

            const PatienceResult reference = patienceSort(values);
            Tokens lengths;
            for (int length : reference.endingAt)
                lengths.push_back(std::to_string(length));
            ASSERT_EQ(problem.steps, foldByHand(lengths)) << relay::joinTokens(problem.input);
            ASSERT_EQ(problem.answer, std::to_string(reference.longest));
        }
    }
}

TEST(LongestIncreasingSubsequence, VerifierAcceptsTrueChainAndLocatesOneCorruptedToken) {
    const LongestIncreasingSubsequenceTask task;
    std::mt19937_64 random(7);
    for (int n : kLengths) {
        for (int sample = 0; sample < 100; ++sample) {
            // The true chain from patience sorting, not from solve/generate.
            const Problem problem = referenceChain(task.generate(n, random).input);
            const Verdict good = task.verify(problem.input, problem.steps, problem.answer);
            ASSERT_TRUE(good.correct() && good.canonical) << good.reason;

            std::vector<Tokens> steps = problem.steps;
            const int step = static_cast<int>(random() % steps.size());
            const int token = static_cast<int>(random() % steps[step].size());
            steps[step][token] = corrupted(steps[step][token]);
            const Verdict bad = task.verify(problem.input, steps, problem.answer);
            ASSERT_FALSE(bad.chainCorrect);
            ASSERT_FALSE(bad.canonical);
            ASSERT_TRUE(bad.answerCorrect);
            ASSERT_EQ(bad.firstWrongStep, step + 1) << bad.reason;
            ASSERT_EQ(bad.firstWrongToken, token) << bad.reason;

            const Verdict wrongAnswer =
                task.verify(problem.input, problem.steps, corrupted(problem.answer));
            ASSERT_TRUE(wrongAnswer.chainCorrect);
            ASSERT_FALSE(wrongAnswer.correct());
            ASSERT_NE(wrongAnswer.reason.find("answer"), std::string::npos);
        }
    }
}

TEST(LongestIncreasingSubsequence, VerifierReportsPaddingSeparatorAndStepCounts) {
    const LongestIncreasingSubsequenceTask task;
    const Tokens input = task.parseInput("103 110 145 217 233 18 30 82 141 150 159 161 167 239");
    const Problem problem = task.solve(input);

    std::vector<Tokens> unpadded = problem.steps;
    unpadded[1] = relay::splitTokens("6 7 8 9 <sep>");
    const Verdict shortStep = task.verify(input, unpadded, "9");
    EXPECT_EQ(shortStep.firstWrongStep, 2);
    EXPECT_EQ(shortStep.firstWrongToken, 4);

    std::vector<Tokens> wrongPadding = problem.steps;
    wrongPadding[1][7] = "0";
    const Verdict padding = task.verify(input, wrongPadding, "9");
    EXPECT_EQ(padding.firstWrongStep, 2);
    EXPECT_EQ(padding.firstWrongToken, 7);
    EXPECT_NE(padding.reason.find("padding"), std::string::npos) << padding.reason;

    std::vector<Tokens> noSeparator = problem.steps;
    noSeparator[0].pop_back();
    const Verdict separator = task.verify(input, noSeparator, "9");
    EXPECT_EQ(separator.firstWrongStep, 1);
    EXPECT_EQ(separator.firstWrongToken, 10);
    EXPECT_NE(separator.reason.find("<sep>"), std::string::npos) << separator.reason;

    const Verdict missingStep = task.verify(input, {problem.steps[0]}, "9");
    EXPECT_EQ(missingStep.firstWrongStep, 2);
    EXPECT_FALSE(missingStep.chainCorrect);
    std::vector<Tokens> extra = problem.steps;
    extra.push_back(problem.steps.back());
    EXPECT_EQ(task.verify(input, extra, "9").firstWrongStep, 3);
}

TEST(LongestIncreasingSubsequence, TextRoundTripsThroughParseInput) {
    const LongestIncreasingSubsequenceTask task;
    std::mt19937_64 random(99);
    for (int n : kLengths) {
        for (int sample = 0; sample < 30; ++sample) {
            const Problem problem = task.generate(n, random);
            ASSERT_EQ(task.parseInput(relay::joinTokens(problem.input)), problem.input);
            std::string commas;
            for (int value : valuesOf(problem.input))
                commas += std::to_string(value) + ",";
            ASSERT_EQ(task.parseInput(commas), problem.input);
        }
    }
    EXPECT_EQ(task.parseInput(" 3,1 , 2\t007 0"), relay::splitTokens("3 1 2 7 0 <sep>"));
}

TEST(LongestIncreasingSubsequence, GenerationIsDeterministicForASeed) {
    const LongestIncreasingSubsequenceTask task;
    std::mt19937_64 first(123), second(123), other(124);
    bool anyDifferent = false;
    for (int sample = 0; sample < 50; ++sample) {
        const Problem a = task.generate(25, first);
        ASSERT_EQ(a.input, task.generate(25, second).input);
        anyDifferent = anyDifferent || task.generate(25, other).input != a.input;
    }
    EXPECT_TRUE(anyDifferent);
}

TEST(LongestIncreasingSubsequence, ValueRangeOptionAndLargestNumber) {
    const LongestIncreasingSubsequenceTask standard;
    EXPECT_EQ(standard.largestNumber(120), 249);
    EXPECT_EQ(standard.largestNumber(300), 300);

    TaskOptions options;
    options.lisValueRange = 60;
    const LongestIncreasingSubsequenceTask task(options);
    EXPECT_EQ(task.largestNumber(20), 59);
    std::mt19937_64 random(3);
    for (int n : {1, 2, 20, 40, 58}) {
        for (int sample = 0; sample < 50; ++sample) {
            const Problem problem = task.generate(n, random);
            for (int value : valuesOf(problem.input)) {
                ASSERT_GT(value, n);
                ASSERT_LT(value, 60);
            }
            for (const auto& token : relay::flattenSteps(problem.steps)) {
                if (token != "<sep>") {
                    ASSERT_LE(std::stoi(token), task.largestNumber(n));
                }
            }
            ASSERT_EQ(problem.answer,
                      std::to_string(patienceSort(valuesOf(problem.input)).longest));
        }
    }
    EXPECT_THROW(task.generate(59, random), std::invalid_argument);
    EXPECT_THROW(task.generate(0, random), std::invalid_argument);
    EXPECT_THROW(task.parseInput("1 60"), ParseError);
    options.lisValueRange = 2;
    EXPECT_THROW(LongestIncreasingSubsequenceTask{options}, std::invalid_argument);
}

TEST(LongestIncreasingSubsequence, EveryCotBenchmarkLineVerifies) {
    const auto lines = relay::testing::cotbenchLines("lis_len25.txt");
    ASSERT_EQ(lines.size(), 100u);
    const LongestIncreasingSubsequenceTask task;
    for (const auto& line : lines) {
        const ChainLine chain = parseCotbenchLine(line);
        const Verdict verdict = task.verify(chain.input, foldByHand(chain.lengths), chain.answer);
        EXPECT_TRUE(verdict.correct() && verdict.canonical) << line << "\n" << verdict.reason;
        EXPECT_EQ(task.solve(chain.input).complexity, 25);
        EXPECT_EQ(task.parseInput(relay::joinTokens(chain.input)), chain.input);
    }
}

TEST(LongestIncreasingSubsequence, CotBenchmarkLineWithOneDigitChangedIsWrongAtThatStep) {
    const auto lines = relay::testing::cotbenchLines("lis_len25.txt");
    ASSERT_EQ(lines.size(), 100u);
    const LongestIncreasingSubsequenceTask task;
    std::mt19937_64 random(11);
    for (const auto& line : lines) {
        ChainLine chain = parseCotbenchLine(line);
        const std::size_t index = random() % chain.lengths.size();
        std::string& changed = chain.lengths[index];
        const std::size_t digit = random() % changed.size();
        changed[digit] = static_cast<char>('0' + (changed[digit] - '0' + 1) % 10);
        const Verdict verdict = task.verify(chain.input, foldByHand(chain.lengths), chain.answer);
        EXPECT_FALSE(verdict.chainCorrect) << line;
        EXPECT_TRUE(verdict.answerCorrect);
        EXPECT_EQ(verdict.firstWrongStep, static_cast<int>(index / 10) + 1) << line;
        EXPECT_EQ(verdict.firstWrongToken, static_cast<int>(index % 10)) << line;
    }
}

struct MalformedCase {
    const char* text;
    int position;
    const char* messagePart;
};

TEST(LongestIncreasingSubsequence, MalformedInputsRaiseParseErrorWithPosition) {
    const LongestIncreasingSubsequenceTask task;
    const MalformedCase cases[] = {
        {"", 0, "empty"},
        {" , ,", 0, "empty"},
        {"<sep>", 0, "sequence is empty"},
        {"1 2 x 4", 2, "'x' is not a number"},
        {"1 -3", 1, "negative"},
        {"1 2.5", 1, "not a number"},
        {"5 250", 1, "below 250"},
        {"5 99999999999999999999", 1, "below 250"},
        {"1 2 <sep> 3", 3, "follow <sep>"},
        {"1 2 <pad>", 2, "not a number"},
        {"1;2", 0, "not a number"},
    };
    for (const auto& each : cases) {
        try {
            task.parseInput(each.text);
            ADD_FAILURE() << "accepted '" << each.text << "'";
        } catch (const ParseError& error) {
            EXPECT_EQ(error.position(), each.position) << each.text << ": " << error.what();
            EXPECT_NE(std::string(error.what()).find(each.messagePart), std::string::npos)
                << each.text << ": " << error.what();
        }
    }
    std::string numbers;
    for (int i = 0; i < relay::kMaximumInputTokens; ++i)
        numbers += "7 ";
    EXPECT_THROW(task.parseInput(numbers), ParseError);
    numbers.resize(numbers.size() - 2);
    EXPECT_EQ(task.parseInput(numbers).size(),
              static_cast<std::size_t>(relay::kMaximumInputTokens));
}

TEST(LongestIncreasingSubsequence, SolveAndVerifyRejectNonCanonicalInputs) {
    const LongestIncreasingSubsequenceTask task;
    const std::vector<Tokens> inputs = {
        {},
        relay::splitTokens("1 2 3"),
        relay::splitTokens("007 <sep>"),
        relay::splitTokens("<sep>"),
        relay::splitTokens("1 <sep> 2 <sep>"),
        relay::splitTokens("1 250 <sep>"),
        relay::splitTokens("1 , 2 <sep>"),
    };
    for (const auto& input : inputs) {
        EXPECT_THROW(task.solve(input), ParseError) << relay::joinTokens(input);
        EXPECT_THROW(task.verify(input, {}, "1"), ParseError) << relay::joinTokens(input);
    }
    // Values at or below n are fine in typed and imported problems.
    EXPECT_EQ(task.solve(relay::splitTokens("0 0 1 <sep>")).answer, "2");
}

TEST(LongestIncreasingSubsequence, RandomGarbageNeverCrashes) {
    expectRandomGarbageNeverCrashes(LongestIncreasingSubsequenceTask(),
                                    "0123456789      ,,-<>sep.x\t\xc3\xa9");
}

} // namespace
