// ED against independent computations: a top-down memoised recursion with CoT_benchmark's
// boundary, the worked example of docs/method.md §1.2, and CoT_benchmark's own chains.
#include "tasks/edit_distance.h"

#include "cotbench_samples.h"
#include "garbage_input.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace {

using relay::EditDistanceTask;
using relay::ParseError;
using relay::Problem;
using relay::Tokens;
using relay::Verdict;

// D(i, j) by recursion on the definition, memoised; base cases D(i, 0) = i, D(0, j) = j.
class ReferenceDistance {
public:
    ReferenceDistance(std::string first, std::string second)
        : m_first(std::move(first)), m_second(std::move(second)) {}

    int at(int i, int j) {
        if (i == 0)
            return j;
        if (j == 0)
            return i;
        const auto key = std::make_pair(i, j);
        const auto known = m_memo.find(key);
        if (known != m_memo.end())
            return known->second;
        const int substitution = m_first[i - 1] == m_second[j - 1] ? 0 : 3;
        const int value =
            std::min({at(i - 1, j) + 2, at(i, j - 1) + 2, at(i - 1, j - 1) + substitution});
        m_memo[key] = value;
        return value;
    }

private:
    std::string m_first;
    std::string m_second;
    std::map<std::pair<int, int>, int> m_memo;
};

struct StringPair {
    std::string first;
    std::string second;
};

// Reads `s1 | s2 <sep>` the simple way, for the checks below.
StringPair stringsOf(const Tokens& input) {
    StringPair pair;
    bool afterBar = false;
    for (const auto& token : input) {
        if (token == "|")
            afterBar = true;
        else if (token != "<sep>")
            (afterBar ? pair.second : pair.first) += token;
    }
    return pair;
}

// The input with its chain and answer from ReferenceDistance: row i is D(i, 1..|s2|) then ",".
Problem referenceChain(const Tokens& input) {
    const StringPair pair = stringsOf(input);
    ReferenceDistance reference(pair.first, pair.second);
    const int rows = static_cast<int>(pair.first.size());
    const int columns = static_cast<int>(pair.second.size());
    Problem problem;
    problem.input = input;
    for (int i = 1; i <= rows; ++i) {
        Tokens row;
        for (int j = 1; j <= columns; ++j)
            row.push_back(std::to_string(reference.at(i, j)));
        row.push_back(",");
        problem.steps.push_back(row);
    }
    problem.answer = std::to_string(reference.at(rows, columns));
    return problem;
}

struct ChainLine {
    Tokens input;
    std::vector<Tokens> steps;
    std::string answer;
};

// `s1 | s2 <sep> row , row , ... , <sep> answer`; each `row ,` is one step.
ChainLine parseCotbenchLine(const std::string& line) {
    const Tokens tokens = relay::splitTokens(line);
    const auto inputEnd = std::find(tokens.begin(), tokens.end(), "<sep>");
    const auto chainEnd = std::find(inputEnd + 1, tokens.end(), "<sep>");
    ChainLine parsed;
    parsed.input.assign(tokens.begin(), inputEnd + 1);
    Tokens step;
    for (auto token = inputEnd + 1; token != chainEnd; ++token) {
        step.push_back(*token);
        if (*token == ",") {
            parsed.steps.push_back(step);
            step.clear();
        }
    }
    parsed.answer = chainEnd + 1 < tokens.end() ? *(chainEnd + 1) : "";
    return parsed;
}

// A different token of the same kind: a number changes by one, "," becomes a number.
std::string corrupted(const std::string& token) {
    return token == "," ? "0" : std::to_string(std::stoi(token) + 1);
}

const int kLengths[] = {1, 2, 3, 4, 6, 8, 12, 20, 30, 40};

TEST(EditDistance, WorkedExampleTokenForToken) {
    const EditDistanceTask task;
    const Tokens input = task.parseInput("o t m l | o t t m l <sep>");
    EXPECT_EQ(input, relay::splitTokens("o t m l | o t t m l <sep>"));
    const Problem problem = task.solve(input);
    const std::vector<Tokens> expected = {
        relay::splitTokens("0 2 4 6 7 ,"), relay::splitTokens("2 0 2 4 6 ,"),
        relay::splitTokens("4 2 3 2 4 ,"), relay::splitTokens("6 4 5 4 2 ,")};
    EXPECT_EQ(problem.steps, expected);
    EXPECT_EQ(problem.answer, "2");
    EXPECT_EQ(problem.complexity, 4);
    EXPECT_EQ(problem.task, relay::TaskKind::EditDistance);
    EXPECT_EQ(problem.iterations(), task.iterationCount(4));
    const Verdict verdict = task.verify(input, expected, "2");
    EXPECT_TRUE(verdict.correct());
    EXPECT_TRUE(verdict.canonical);
    EXPECT_EQ(verdict.reason, "ok");
}

TEST(EditDistance, DescribesItself) {
    const EditDistanceTask task;
    EXPECT_EQ(task.name(), "ed");
    EXPECT_EQ(task.taskToken(), "[ED]");
    EXPECT_EQ(task.kind(), relay::TaskKind::EditDistance);
    EXPECT_FALSE(task.answerIsLastStep());
    for (int complexity : kLengths)
        EXPECT_EQ(task.iterationCount(complexity), complexity);
}

TEST(EditDistance, RandomProblemsMatchReferenceRecursion) {
    const EditDistanceTask task;
    std::mt19937_64 random(20250101);
    std::set<int> lengthGaps;
    for (int complexity : kLengths) {
        for (int sample = 0; sample < 400; ++sample) {
            const Problem problem = task.generate(complexity, random);
            const StringPair pair = stringsOf(problem.input);
            const int firstLength = static_cast<int>(pair.first.size());
            const int secondLength = static_cast<int>(pair.second.size());
            ASSERT_EQ(problem.complexity, complexity);
            ASSERT_EQ(firstLength, complexity);
            ASSERT_GE(secondLength, firstLength);
            ASSERT_LE(secondLength, firstLength + 3);
            ASSERT_NE(pair.first, pair.second);
            const std::string letters = pair.first + pair.second;
            ASSERT_LE(std::set<char>(letters.begin(), letters.end()).size(), 10u);
            for (char letter : letters)
                ASSERT_TRUE(letter >= 'a' && letter <= 'z');
            lengthGaps.insert(secondLength - firstLength);

            ASSERT_EQ(problem.iterations(), task.iterationCount(complexity));
            ReferenceDistance reference(pair.first, pair.second);
            for (int i = 1; i <= firstLength; ++i) {
                const Tokens& row = problem.steps[i - 1];
                ASSERT_EQ(static_cast<int>(row.size()), secondLength + 1);
                ASSERT_EQ(row.back(), ",");
                for (int j = 1; j <= secondLength; ++j)
                    ASSERT_EQ(row[j - 1], std::to_string(reference.at(i, j)))
                        << relay::joinTokens(problem.input) << " D[" << i << "][" << j << "]";
            }
            ASSERT_EQ(problem.answer, std::to_string(reference.at(firstLength, secondLength)));
            ASSERT_EQ(problem.steps.back()[secondLength - 1], problem.answer);
        }
    }
    EXPECT_EQ(lengthGaps, (std::set<int>{0, 1, 2, 3}));
}

TEST(EditDistance, VerifierAcceptsTrueChainAndLocatesOneCorruptedToken) {
    const EditDistanceTask task;
    std::mt19937_64 random(7);
    for (int complexity : kLengths) {
        for (int sample = 0; sample < 100; ++sample) {
            // The true chain written from the reference recursion, not from solve/generate.
            const Problem problem = referenceChain(task.generate(complexity, random).input);
            const Verdict good = task.verify(problem.input, problem.steps, problem.answer);
            ASSERT_TRUE(good.correct() && good.canonical) << good.reason;
            ASSERT_EQ(good.firstWrongStep, 0);

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
            ASSERT_FALSE(wrongAnswer.answerCorrect);
            ASSERT_FALSE(wrongAnswer.correct());
            ASSERT_NE(wrongAnswer.reason.find("answer"), std::string::npos);
        }
    }
}

TEST(EditDistance, VerifierReportsMissingCommaAndWrongStepCounts) {
    const EditDistanceTask task;
    const Problem problem = task.solve(task.parseInput("otml | ottml"));

    std::vector<Tokens> noComma = problem.steps;
    noComma[2].pop_back();
    const Verdict missingComma = task.verify(problem.input, noComma, problem.answer);
    EXPECT_FALSE(missingComma.chainCorrect);
    EXPECT_EQ(missingComma.firstWrongStep, 3);
    EXPECT_EQ(missingComma.firstWrongToken, 5);
    EXPECT_NE(missingComma.reason.find("','"), std::string::npos) << missingComma.reason;

    std::vector<Tokens> shortChain(problem.steps.begin(), problem.steps.end() - 1);
    const Verdict missingStep = task.verify(problem.input, shortChain, problem.answer);
    EXPECT_FALSE(missingStep.chainCorrect);
    EXPECT_EQ(missingStep.firstWrongStep, 4);

    std::vector<Tokens> longChain = problem.steps;
    longChain.push_back(problem.steps.back());
    const Verdict extraStep = task.verify(problem.input, longChain, problem.answer);
    EXPECT_FALSE(extraStep.chainCorrect);
    EXPECT_EQ(extraStep.firstWrongStep, 5);

    const Verdict empty = task.verify(problem.input, {}, "");
    EXPECT_EQ(empty.firstWrongStep, 1);
    EXPECT_FALSE(empty.answerCorrect);
}

TEST(EditDistance, TextRoundTripsThroughParseInput) {
    const EditDistanceTask task;
    std::mt19937_64 random(99);
    for (int complexity : kLengths) {
        for (int sample = 0; sample < 50; ++sample) {
            const Problem problem = task.generate(complexity, random);
            ASSERT_EQ(task.parseInput(relay::joinTokens(problem.input)), problem.input);
            const StringPair pair = stringsOf(problem.input);
            ASSERT_EQ(task.parseInput(pair.first + "|" + pair.second), problem.input);
        }
    }
    EXPECT_EQ(task.parseInput("OTML | ottml"), task.parseInput("o t m l | o t t m l <sep>"));
    EXPECT_EQ(task.parseInput("abc | abd"), relay::splitTokens("a b c | a b d <sep>"));
}

TEST(EditDistance, GenerationIsDeterministicForASeed) {
    const EditDistanceTask task;
    std::mt19937_64 first(123), second(123), other(124);
    bool anyDifferent = false;
    for (int sample = 0; sample < 50; ++sample) {
        const Problem a = task.generate(8, first);
        const Problem b = task.generate(8, second);
        ASSERT_EQ(a.input, b.input);
        ASSERT_EQ(a.steps, b.steps);
        anyDifferent = anyDifferent || task.generate(8, other).input != a.input;
    }
    EXPECT_TRUE(anyDifferent);
}

TEST(EditDistance, LargestNumberBoundsEveryValueAndIsReached) {
    const EditDistanceTask task;
    std::mt19937_64 random(5);
    for (int complexity : kLengths) {
        EXPECT_EQ(task.largestNumber(complexity), 3 * complexity + 3);
        for (int sample = 0; sample < 200; ++sample) {
            const int length = 1 + static_cast<int>(random() % complexity);
            const Problem problem = task.generate(length, random);
            // Each problem is within the bound of its own complexity, the tightest claim.
            for (const auto& token : relay::flattenSteps(problem.steps)) {
                if (token != ",") {
                    ASSERT_LE(std::stoi(token), task.largestNumber(length));
                }
            }
        }
        // No shared letter and |s2| = k + 3: the bound is met exactly.
        const std::string first(static_cast<std::size_t>(complexity), 'a');
        const std::string second(static_cast<std::size_t>(complexity) + 3, 'b');
        const Problem extreme = task.solve(task.parseInput(first + " | " + second));
        EXPECT_EQ(extreme.answer, std::to_string(task.largestNumber(complexity)));
        EXPECT_EQ(ReferenceDistance(first, second).at(complexity, complexity + 3),
                  3 * complexity + 3);
    }
}

TEST(EditDistance, EveryCotBenchmarkLineVerifies) {
    const auto lines = relay::testing::cotbenchLines("ed_len8.txt");
    ASSERT_EQ(lines.size(), 100u);
    const EditDistanceTask task;
    for (const auto& line : lines) {
        const ChainLine chain = parseCotbenchLine(line);
        const Verdict verdict = task.verify(chain.input, chain.steps, chain.answer);
        EXPECT_TRUE(verdict.correct() && verdict.canonical) << line << "\n" << verdict.reason;
        const StringPair pair = stringsOf(chain.input);
        EXPECT_EQ(task.solve(chain.input).complexity, static_cast<int>(pair.first.size()));
        EXPECT_EQ(task.parseInput(relay::joinTokens(chain.input)), chain.input);
    }
}

TEST(EditDistance, CotBenchmarkLineWithOneDigitChangedIsWrongAtThatStep) {
    const auto lines = relay::testing::cotbenchLines("ed_len8.txt");
    ASSERT_EQ(lines.size(), 100u);
    const EditDistanceTask task;
    std::mt19937_64 random(11);
    for (const auto& line : lines) {
        ChainLine chain = parseCotbenchLine(line);
        const int step = static_cast<int>(random() % chain.steps.size());
        const int token = static_cast<int>(random() % (chain.steps[step].size() - 1));
        std::string& changed = chain.steps[step][token];
        const std::size_t digit = random() % changed.size();
        changed[digit] = static_cast<char>('0' + (changed[digit] - '0' + 1) % 10);
        const Verdict verdict = task.verify(chain.input, chain.steps, chain.answer);
        EXPECT_FALSE(verdict.chainCorrect) << line;
        EXPECT_TRUE(verdict.answerCorrect);
        EXPECT_EQ(verdict.firstWrongStep, step + 1) << line;
        EXPECT_EQ(verdict.firstWrongToken, token) << line;
    }
}

struct MalformedCase {
    const char* text;
    int position;
    const char* messagePart;
};

TEST(EditDistance, MalformedInputsRaiseParseErrorWithPosition) {
    const EditDistanceTask task;
    const MalformedCase cases[] = {
        {"", 0, "empty"},
        {"   ", 0, "empty"},
        {"abc", 3, "'|'"},
        {"abc abd <sep>", 6, "'|'"},
        {"ab | ab | ab", 5, "one '|'"},
        {"| abc", 0, "first string is empty"},
        {"abc |", 4, "second string is empty"},
        {"abc | <sep>", 4, "second string is empty"},
        {"a b 7 | a b c", 2, "'7'"},
        {"ab12 | abc", 2, "'12'"},
        {"ab | a,c", 4, "','"},
        {"ab | ac <pad>", 5, "'<pad>'"},
        {"abcd | abc", 4, "shorter string comes first"},
        {"ab | ac <sep> b", 6, "follow <sep>"},
        {"ab <sep> | ac", 3, "follow <sep>"},
        {"ab | a\xc3\xa9", 4, "not a letter"},
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
    const std::string longInput = std::string(100, 'a') + " | " + std::string(100, 'b');
    EXPECT_THROW(task.parseInput(longInput), ParseError);
    const std::string longest = std::string(99, 'a') + " | " + std::string(99, 'b');
    EXPECT_EQ(task.parseInput(longest).size(),
              static_cast<std::size_t>(relay::kMaximumInputTokens));
}

TEST(EditDistance, SolveAndVerifyRejectNonCanonicalInputs) {
    const EditDistanceTask task;
    const std::vector<Tokens> inputs = {
        {},
        relay::splitTokens("a b | a c"),
        relay::splitTokens("ab | ac <sep>"),
        relay::splitTokens("A | a <sep>"),
        relay::splitTokens("a | <sep> b <sep>"),
        relay::splitTokens("a b | c <sep>"),
    };
    for (const auto& input : inputs) {
        EXPECT_THROW(task.solve(input), ParseError) << relay::joinTokens(input);
        EXPECT_THROW(task.verify(input, {}, "0"), ParseError) << relay::joinTokens(input);
    }
    std::mt19937_64 random(1);
    EXPECT_THROW(task.generate(0, random), std::invalid_argument);
}

TEST(EditDistance, RandomGarbageNeverCrashes) {
    expectRandomGarbageNeverCrashes(EditDistanceTask(), "abcxyzAB|||    <>sep,0129-\t\n\xc3\xa9");
}

} // namespace
