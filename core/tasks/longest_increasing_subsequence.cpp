#include "tasks/longest_increasing_subsequence.h"
#include "tasks/unique_chain_verifier.h"

#include "tasks/vocabulary.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace relay {
namespace {

constexpr int kGroupSize = LongestIncreasingSubsequenceTask::kValuesPerStep;
constexpr int kMaximumRuns = 3;
constexpr int kSmallestPlantedCount = 3; // CoT_benchmark plants 3..n values

// std::uniform_int_distribution differs between standard libraries; this does not, so a seed
// gives the same problems on every machine.
int uniformBelow(std::mt19937_64& random, int bound) {
    const auto range = static_cast<std::uint64_t>(bound);
    const std::uint64_t largest = std::numeric_limits<std::uint64_t>::max();
    const std::uint64_t limit = largest - largest % range;
    std::uint64_t value = random();
    while (value >= limit)
        value = random();
    return static_cast<int>(value % range);
}

// `count` distinct values from 0..range-1, in increasing order.
std::vector<int> sampleDistinctSorted(int range, int count, std::mt19937_64& random) {
    std::vector<int> pool(static_cast<std::size_t>(range));
    std::iota(pool.begin(), pool.end(), 0);
    for (int i = 0; i < count; ++i)
        std::swap(pool[i], pool[i + uniformBelow(random, range - i)]);
    pool.resize(static_cast<std::size_t>(count));
    std::sort(pool.begin(), pool.end());
    return pool;
}

// CoT_benchmark's split of the planted values into 1-3 increasing runs.
std::vector<int> drawRunLengths(int total, std::mt19937_64& random) {
    const int runCount = total < kSmallestPlantedCount ? 1 : 1 + uniformBelow(random, kMaximumRuns);
    if (runCount == 1)
        return {total};
    if (runCount == 2) {
        const int first = 1 + uniformBelow(random, total / 2 + 1);
        return {first, total - first};
    }
    const int first = 1 + uniformBelow(random, total / 3 + 1);
    const int second = 1 + uniformBelow(random, (total - first) / 2 + 1);
    return {first, second, total - first - second};
}

// A typed number: digits only, below the value range. Canonical tokens (from solve's input)
// must also be free of leading zeros, so they match the vocabulary's spelling.
int readValue(const std::string& word, int position, int valueRange, bool requireCanonical) {
    const bool negative = word.size() > 1 && word[0] == '-' &&
                          std::all_of(word.begin() + 1, word.end(), [](char character) {
                              return std::isdigit(static_cast<unsigned char>(character));
                          });
    if (negative)
        throw ParseError("negative numbers are not allowed ('" + word + "')", position, word);
    const bool digits = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
    });
    if (!digits)
        throw ParseError("'" + word + "' is not a number", position, word);
    if (requireCanonical && word.size() > 1 && word[0] == '0')
        throw ParseError("'" + word + "' has a leading zero", position, word);
    long long value = 0;
    for (char digit : word) {
        value = value * 10 + (digit - '0');
        if (value >= valueRange)
            throw ParseError("'" + word + "' is too large: values must be below " +
                                 std::to_string(valueRange),
                             position, word);
    }
    return static_cast<int>(value);
}

// Checks a canonical input and returns its values; throws ParseError naming the token.
std::vector<int> readInput(const Tokens& input, int valueRange) {
    const int size = static_cast<int>(input.size());
    if (size == 0)
        throw ParseError("the input is empty; expected numbers then <sep>", 0);
    if (size > kMaximumSolvedInputTokens)
        throw ParseError("the input has " + std::to_string(size) + " tokens; at most " +
                             std::to_string(kMaximumSolvedInputTokens) + " can be solved",
                         kMaximumSolvedInputTokens, input[kMaximumSolvedInputTokens]);
    if (input.back() != kSepToken)
        throw ParseError("the input must end with <sep>", size - 1, input.back());
    if (size == 1)
        throw ParseError("the sequence is empty", 0, input.back());
    std::vector<int> values;
    for (int position = 0; position + 1 < size; ++position) {
        if (input[position] == kSepToken)
            throw ParseError("<sep> must be the last token", position, input[position]);
        values.push_back(readValue(input[position], position, valueRange, true));
    }
    return values;
}

// dp[i] = length of the longest strictly increasing subsequence ending at i, computed as
// CoT_benchmark defines it.
std::vector<int> longestEndingAt(const std::vector<int>& values) {
    std::vector<int> lengths(values.size(), 1);
    for (std::size_t last = 0; last < values.size(); ++last) {
        for (std::size_t before = 0; before < last; ++before) {
            if (values[last] > values[before])
                lengths[last] = std::max(lengths[last], lengths[before] + 1);
        }
    }
    return lengths;
}

std::vector<Tokens> foldIntoSteps(const std::vector<int>& lengths) {
    const std::size_t count = lengths.size();
    std::vector<Tokens> steps;
    for (std::size_t start = 0; start < count; start += kGroupSize) {
        Tokens step;
        for (std::size_t offset = 0; offset < static_cast<std::size_t>(kGroupSize); ++offset)
            step.push_back(std::to_string(lengths[std::min(start + offset, count - 1)]));
        step.emplace_back(kSepToken);
        steps.push_back(std::move(step));
    }
    return steps;
}

// Why a step differs from the true step at this token, for people.
std::string describeStepError(int step, int token, const Tokens& expected, const Tokens& claimed,
                              int valueCount) {
    const std::string where = "step " + std::to_string(step) + ", token " + std::to_string(token);
    const int index = (step - 1) * kGroupSize + token; // 0-based position in the sequence
    if (token >= static_cast<int>(claimed.size())) {
        if (expected[token] == kSepToken)
            return where + ": the step must end with <sep>";
        return where + ": the step ends early; expected " + std::to_string(kGroupSize) + " values";
    }
    if (token >= static_cast<int>(expected.size()))
        return where + ": extra '" + claimed[token] + "' after the step's <sep>";
    if (expected[token] == kSepToken)
        return where + ": expected <sep> after " + std::to_string(kGroupSize) + " values, got '" +
               claimed[token] + "'";
    if (claimed[token] == kSepToken)
        return where + ": the step ends early; expected " + std::to_string(kGroupSize) + " values";
    if (index >= valueCount)
        return where + ": padding repeats the last value " + expected[token] + ", got '" +
               claimed[token] + "'";
    return where + ": dp[" + std::to_string(index + 1) + "] is " + expected[token] + ", got '" +
           claimed[token] + "'";
}

} // namespace

LongestIncreasingSubsequenceTask::LongestIncreasingSubsequenceTask(const TaskOptions& options)
    : m_valueRange(options.lisValueRange) {
    if (m_valueRange < 3)
        throw std::invalid_argument("lis: the value range must be at least 3, got " +
                                    std::to_string(m_valueRange));
}

// As CoT_benchmark: 3..n planted values (all n when n < 3) split into 1-3 runs, each run
// distinct values sorted increasingly, put at sorted random positions; every other position
// gets a random value. All values lie in (n, valueRange). Where CoT_benchmark would fail (a
// run longer than the values available), the run is shortened to fit.
Tokens LongestIncreasingSubsequenceTask::drawInput(int complexity, std::mt19937_64& random) const {
    if (complexity < 1 || complexity > m_valueRange - 2)
        throw std::invalid_argument("lis: complexity must be in 1.." +
                                    std::to_string(m_valueRange - 2) + " (values lie between n " +
                                    "and the value range " + std::to_string(m_valueRange) +
                                    "), got " + std::to_string(complexity));
    const int smallestValue = complexity + 1;
    const int available = m_valueRange - smallestValue;
    const int total =
        complexity < kSmallestPlantedCount
            ? complexity
            : kSmallestPlantedCount + uniformBelow(random, complexity - kSmallestPlantedCount + 1);
    std::vector<int> planted;
    for (int runLength : drawRunLengths(total, random)) {
        for (int value : sampleDistinctSorted(available, std::min(runLength, available), random))
            planted.push_back(value + smallestValue);
    }
    const std::vector<int> places =
        sampleDistinctSorted(complexity, static_cast<int>(planted.size()), random);
    std::vector<int> values(static_cast<std::size_t>(complexity));
    for (int& value : values)
        value = smallestValue + uniformBelow(random, available);
    for (std::size_t i = 0; i < places.size(); ++i)
        values[places[i]] = planted[i];

    Tokens input;
    for (int value : values)
        input.push_back(std::to_string(value));
    input.emplace_back(kSepToken);
    return input;
}

Problem LongestIncreasingSubsequenceTask::solve(const Tokens& input) const {
    const std::vector<int> lengths = longestEndingAt(readInput(input, m_valueRange));
    Problem problem;
    problem.task = TaskKind::LongestIncreasingSubsequence;
    problem.complexity = static_cast<int>(lengths.size());
    problem.input = input;
    problem.steps = foldIntoSteps(lengths);
    problem.answer = std::to_string(*std::max_element(lengths.begin(), lengths.end()));
    return problem;
}

// Loose spelling: numbers separated by spaces and/or commas, leading zeros allowed; a missing
// trailing <sep> is added.
Tokens LongestIncreasingSubsequenceTask::parseInput(const std::string& text) const {
    const auto isSeparator = [](char character) {
        return character == ',' || std::isspace(static_cast<unsigned char>(character));
    };
    Tokens tokens;
    bool sawEnd = false;
    std::size_t index = 0;
    while (index < text.size()) {
        if (isSeparator(text[index])) {
            ++index;
            continue;
        }
        std::size_t end = index;
        while (end < text.size() && !isSeparator(text[end]))
            ++end;
        const std::string word = text.substr(index, end - index);
        index = end;
        const int position = static_cast<int>(tokens.size());
        if (sawEnd)
            throw ParseError("nothing may follow <sep>", position, word);
        if (word == kSepToken) {
            sawEnd = true;
            tokens.push_back(word);
        } else {
            tokens.push_back(std::to_string(readValue(word, position, m_valueRange, false)));
        }
        if (static_cast<int>(tokens.size()) > kMaximumInputTokens)
            throw ParseError("the input is longer than " + std::to_string(kMaximumInputTokens) +
                                 " tokens",
                             position, word);
    }
    if (tokens.empty())
        throw ParseError("the input is empty; type numbers separated by spaces or commas", 0);
    if (!sawEnd)
        tokens.emplace_back(kSepToken);
    if (static_cast<int>(tokens.size()) > kMaximumInputTokens)
        throw ParseError("the input is longer than " + std::to_string(kMaximumInputTokens) +
                             " tokens with its <sep>",
                         kMaximumInputTokens, tokens.back());
    readInput(tokens, m_valueRange);
    return tokens;
}

// The DP array is unique, so a chain is valid exactly when it is the canonical one.
Verdict LongestIncreasingSubsequenceTask::verify(const Tokens& input,
                                                 const std::vector<Tokens>& steps,
                                                 const std::string& answer) const {
    const Problem truth = solve(input);
    return compareWithUniqueChain(
        truth, steps, answer,
        [&](int step, int token, const Tokens& expected, const Tokens& claimed) {
            return describeStepError(step, token, expected, claimed, truth.complexity);
        },
        "ten values per step");
}

int LongestIncreasingSubsequenceTask::iterationCount(int complexity) const {
    return (complexity + kGroupSize - 1) / kGroupSize;
}

int LongestIncreasingSubsequenceTask::largestNumber(int maximumComplexity) const {
    return std::max(m_valueRange - 1, maximumComplexity);
}

std::optional<std::string>
LongestIncreasingSubsequenceTask::chainAnswer(const std::vector<Tokens>& steps) const {
    // The steps list the LIS length ending at each position; the answer is the largest.
    std::optional<int> largest;
    for (const auto& step : steps) {
        if (step.empty() || step.back() != kSepToken)
            return std::nullopt;
        for (std::size_t index = 0; index + 1 < step.size(); ++index) {
            const auto& token = step[index];
            if (!isNumberToken(token) || token.size() > 6)
                return std::nullopt;
            largest = std::max(largest.value_or(0), std::stoi(token));
        }
    }
    if (!largest)
        return std::nullopt;
    return std::to_string(*largest);
}

} // namespace relay
