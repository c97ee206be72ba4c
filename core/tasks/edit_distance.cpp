#include "tasks/edit_distance.h"
#include "tasks/unique_chain_verifier.h"

#include "tasks/vocabulary.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace relay {
namespace {

constexpr const char* kStringSeparator = "|";
constexpr const char* kRowEnd = ",";
constexpr int kSmallestAlphabet = 3;
constexpr int kLargestAlphabet = 10;
constexpr int kLengthSlack = 3;        // CoT_benchmark keeps |s2| within 3 of the base length
constexpr int kRandomPairPercent = 40; // the rest of the pairs are s1 plus random edits

struct StringPair {
    std::string first; // the shorter string, s1
    std::string second;
};

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

bool isLetterToken(const std::string& token) {
    return token.size() == 1 && token[0] >= 'a' && token[0] <= 'z';
}

// Checks a canonical input and returns its two strings; throws ParseError naming the token.
StringPair readInput(const Tokens& input) {
    const int size = static_cast<int>(input.size());
    if (size == 0)
        throw ParseError("the input is empty; expected 's1 | s2 <sep>'", 0);
    if (size > kMaximumSolvedInputTokens)
        throw ParseError("the input has " + std::to_string(size) + " tokens; at most " +
                             std::to_string(kMaximumSolvedInputTokens) + " can be solved",
                         kMaximumSolvedInputTokens, input[kMaximumSolvedInputTokens]);
    if (input.back() != kSepToken)
        throw ParseError("the input must end with <sep>", size - 1, input.back());
    StringPair pair;
    int separatorPosition = -1;
    for (int position = 0; position + 1 < size; ++position) {
        const std::string& token = input[position];
        if (token == kStringSeparator) {
            if (separatorPosition >= 0)
                throw ParseError("only one '|' may separate the two strings", position, token);
            separatorPosition = position;
        } else if (isLetterToken(token)) {
            (separatorPosition < 0 ? pair.first : pair.second) += token[0];
        } else if (token == kSepToken) {
            throw ParseError("<sep> must be the last token", position, token);
        } else {
            throw ParseError("'" + token + "' is not a letter a..z", position, token);
        }
    }
    if (separatorPosition < 0)
        throw ParseError("expected '|' between the two strings", size - 1, input.back());
    if (pair.first.empty())
        throw ParseError("the first string is empty", separatorPosition, kStringSeparator);
    if (pair.second.empty())
        throw ParseError("the second string is empty", size - 1, input.back());
    if (pair.first.size() > pair.second.size())
        throw ParseError("the shorter string comes first: the first has " +
                             std::to_string(pair.first.size()) + " letters, the second " +
                             std::to_string(pair.second.size()) + "; swap them",
                         separatorPosition, kStringSeparator);
    return pair;
}

Tokens inputTokens(const StringPair& pair) {
    Tokens tokens;
    for (char letter : pair.first)
        tokens.emplace_back(1, letter);
    tokens.emplace_back(kStringSeparator);
    for (char letter : pair.second)
        tokens.emplace_back(1, letter);
    tokens.emplace_back(kSepToken);
    return tokens;
}

// D[i][j] for i in 0..|first|, j in 0..|second|.
std::vector<std::vector<int>> distanceTable(const std::string& first, const std::string& second) {
    const std::size_t rows = first.size() + 1;
    const std::size_t columns = second.size() + 1;
    std::vector<std::vector<int>> table(rows, std::vector<int>(columns));
    for (std::size_t i = 0; i < rows; ++i)
        table[i][0] = static_cast<int>(i);
    for (std::size_t j = 0; j < columns; ++j)
        table[0][j] = static_cast<int>(j);
    for (std::size_t i = 1; i < rows; ++i) {
        for (std::size_t j = 1; j < columns; ++j) {
            const int diagonal =
                first[i - 1] == second[j - 1] ? 0 : EditDistanceTask::kSubstituteCost;
            table[i][j] = std::min({table[i - 1][j] + EditDistanceTask::kDeleteCost,
                                    table[i][j - 1] + EditDistanceTask::kInsertCost,
                                    table[i - 1][j - 1] + diagonal});
        }
    }
    return table;
}

std::string drawAlphabet(std::mt19937_64& random) {
    std::string letters = "abcdefghijklmnopqrstuvwxyz";
    const int size = kSmallestAlphabet + uniformBelow(random, kLargestAlphabet - 2);
    for (int i = 0; i < size; ++i) {
        const int pick = i + uniformBelow(random, static_cast<int>(letters.size()) - i);
        std::swap(letters[i], letters[pick]);
    }
    return letters.substr(0, size);
}

char drawLetter(const std::string& alphabet, std::mt19937_64& random) {
    return alphabet[uniformBelow(random, static_cast<int>(alphabet.size()))];
}

std::string drawString(const std::string& alphabet, int length, std::mt19937_64& random) {
    std::string text;
    for (int i = 0; i < length; ++i)
        text += drawLetter(alphabet, random);
    return text;
}

// CoT_benchmark's edits: delete (only while longer than 2; otherwise it inserts), substitute
// or insert, each a third of the time.
std::string applyRandomEdits(std::string text, const std::string& alphabet, int editCount,
                             std::mt19937_64& random) {
    for (int edit = 0; edit < editCount; ++edit) {
        const int kind = uniformBelow(random, 3);
        const int size = static_cast<int>(text.size());
        if (kind == 0 && size > 2)
            text.erase(static_cast<std::size_t>(uniformBelow(random, size)), 1);
        else if (kind == 1)
            text[uniformBelow(random, size)] = drawLetter(alphabet, random);
        else
            text.insert(static_cast<std::size_t>(uniformBelow(random, size + 1)), 1,
                        drawLetter(alphabet, random));
    }
    return text;
}

// CoT_benchmark draws a pair around a base length L (its --length) and puts the shorter
// string first, so the shorter one may be up to 3 letters below L. To hit a complexity k
// exactly we draw L uniformly from k..k+3 and redraw until the shorter string has k letters:
// CoT_benchmark's pairs conditioned on the complexity. Lengths below 1 are clamped to 1.
StringPair drawPair(int complexity, std::mt19937_64& random) {
    while (true) {
        const std::string alphabet = drawAlphabet(random);
        const int baseLength = complexity + uniformBelow(random, kLengthSlack + 1);
        const std::string base = drawString(alphabet, baseLength, random);
        std::string other;
        if (uniformBelow(random, 100) < kRandomPairPercent) {
            const int shortest = std::max(1, baseLength - kLengthSlack);
            const int length =
                shortest + uniformBelow(random, baseLength + kLengthSlack - shortest);
            other = drawString(alphabet, length, random);
        } else {
            const int editCount = 1 + uniformBelow(random, baseLength);
            other = applyRandomEdits(base, alphabet, editCount, random);
        }
        const int otherLength = static_cast<int>(other.size());
        if (other == base || otherLength >= baseLength + kLengthSlack ||
            otherLength < baseLength - kLengthSlack)
            continue;
        if (std::min(baseLength, otherLength) != complexity)
            continue;
        if (otherLength < baseLength)
            return {other, base};
        return {base, other};
    }
}

bool isAsciiLetter(char character) {
    return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z');
}

// End of a typed word that is neither a letter nor '|' (a number, "<sep>", punctuation):
// it runs to the next space, '|' or letter, and a bracketed word ends at its '>'. Naming the
// whole word makes errors readable ("'12' is not a letter" rather than "'1'").
std::size_t endOfOtherWord(const std::string& text, std::size_t start) {
    const bool bracketed = text[start] == '<';
    std::size_t end = start + 1;
    while (end < text.size()) {
        const char character = text[end];
        if (std::isspace(static_cast<unsigned char>(character)) || character == '|')
            break;
        if (!bracketed && isAsciiLetter(character))
            break;
        ++end;
        if (bracketed && character == '>')
            break;
    }
    return end;
}

// Why a row differs from the true row at this token, for people.
std::string describeRowError(int step, int token, const Tokens& expected, const Tokens& claimed) {
    const std::string where = "step " + std::to_string(step) + ", token " + std::to_string(token);
    const int columns = static_cast<int>(expected.size()) - 1;
    if (token >= static_cast<int>(claimed.size())) {
        if (expected[token] == kRowEnd)
            return where + ": the row must end with ','";
        return where + ": the row ends early; expected " + std::to_string(columns) + " numbers";
    }
    if (token >= static_cast<int>(expected.size()))
        return where + ": extra '" + claimed[token] + "' after the row's ','";
    if (expected[token] == kRowEnd)
        return where + ": expected ',' after " + std::to_string(columns) + " numbers, got '" +
               claimed[token] + "'";
    if (claimed[token] == kRowEnd)
        return where + ": the row ends early; expected " + std::to_string(columns) + " numbers";
    return where + ": D[" + std::to_string(step) + "][" + std::to_string(token + 1) + "] is " +
           expected[token] + ", got '" + claimed[token] + "'";
}

} // namespace

EditDistanceTask::EditDistanceTask(const TaskOptions& /*options*/) {}

Tokens EditDistanceTask::drawInput(int complexity, std::mt19937_64& random) const {
    if (complexity < 1)
        throw std::invalid_argument("ed: complexity must be at least 1, got " +
                                    std::to_string(complexity));
    return inputTokens(drawPair(complexity, random));
}

Problem EditDistanceTask::solve(const Tokens& input) const {
    const StringPair pair = readInput(input);
    const auto table = distanceTable(pair.first, pair.second);
    Problem problem;
    problem.task = TaskKind::EditDistance;
    problem.complexity = static_cast<int>(pair.first.size());
    problem.input = input;
    for (std::size_t i = 1; i < table.size(); ++i) {
        Tokens row;
        for (std::size_t j = 1; j < table[i].size(); ++j)
            row.push_back(std::to_string(table[i][j]));
        row.emplace_back(kRowEnd);
        problem.steps.push_back(std::move(row));
    }
    problem.answer = std::to_string(table.back().back());
    return problem;
}

// Loose spelling: letters may be run together ("otml | ottml") and upper case is lowered;
// '|' needs no spaces around it; a missing trailing <sep> is added.
Tokens EditDistanceTask::parseInput(const std::string& text) const {
    Tokens tokens;
    bool sawEnd = false;
    std::size_t index = 0;
    while (index < text.size()) {
        const char character = text[index];
        if (std::isspace(static_cast<unsigned char>(character))) {
            ++index;
            continue;
        }
        const int position = static_cast<int>(tokens.size());
        std::string word;
        if (character == '|' || isAsciiLetter(character)) {
            const bool upper = character >= 'A' && character <= 'Z';
            word = std::string(1, upper ? static_cast<char>(character - 'A' + 'a') : character);
            ++index;
        } else {
            const std::size_t end = endOfOtherWord(text, index);
            word = text.substr(index, end - index);
            index = end;
            if (word != kSepToken)
                throw ParseError("'" + word + "' is not a letter a..z", position, word);
        }
        if (sawEnd)
            throw ParseError("nothing may follow <sep>", position, word);
        sawEnd = word == kSepToken;
        tokens.push_back(word);
        if (static_cast<int>(tokens.size()) > kMaximumInputTokens)
            throw ParseError("the input is longer than " + std::to_string(kMaximumInputTokens) +
                                 " tokens",
                             position, word);
    }
    if (tokens.empty())
        throw ParseError("the input is empty; expected 's1 | s2', e.g. 'otml | ottml'", 0);
    if (!sawEnd)
        tokens.emplace_back(kSepToken);
    if (static_cast<int>(tokens.size()) > kMaximumInputTokens)
        throw ParseError("the input is longer than " + std::to_string(kMaximumInputTokens) +
                             " tokens with its <sep>",
                         kMaximumInputTokens, tokens.back());
    readInput(tokens);
    return tokens;
}

// The DP table is unique, so a chain is valid exactly when it is the canonical one.
Verdict EditDistanceTask::verify(const Tokens& input, const std::vector<Tokens>& steps,
                                 const std::string& answer) const {
    const Problem truth = solve(input);
    return compareWithUniqueChain(
        truth, steps, answer,
        [&](int step, int token, const Tokens& expected, const Tokens& claimed) {
            return describeRowError(step, token, expected, claimed);
        },
        "one row per letter of s1");
}

int EditDistanceTask::largestNumber(int maximumComplexity) const {
    // min(i + 2j, 2i + j) at i = k, j = k + 3 (see the header).
    const int longestSecond = maximumComplexity + kLengthSlack;
    return 2 * maximumComplexity + longestSecond;
}

std::optional<std::string> EditDistanceTask::chainAnswer(const std::vector<Tokens>& steps) const {
    // Row i holds D[i][1..m] then the row end; the answer is D[n][m], the last row's last entry.
    if (steps.empty() || steps.back().size() < 2 || steps.back().back() != kRowEnd)
        return std::nullopt;
    const auto& last = steps.back()[steps.back().size() - 2];
    if (!isNumberToken(last))
        return std::nullopt;
    return last;
}

} // namespace relay
