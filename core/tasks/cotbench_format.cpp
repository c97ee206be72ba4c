#include "tasks/cotbench_format.h"

#include "tasks/format_error.h"
#include "tasks/task_lookup.h"
#include "tasks/vocabulary.h"

#include <algorithm>
#include <istream>
#include <stdexcept>

namespace relay {
namespace {

constexpr int kLisValuesPerStep = 10; // docs/method.md §1.3

using TokenIterator = Tokens::const_iterator;

Tokens slice(TokenIterator begin, TokenIterator end) {
    return Tokens(begin, end);
}

std::string bareAnswer(TokenIterator begin, TokenIterator end, int lineNumber) {
    if (end - begin != 1)
        throw FormatError("expected one answer token at the end, found " +
                              std::to_string(end - begin),
                          lineNumber);
    return *begin;
}

// `expr = expr = ... = answer`: the first expression plus "=" is the input, every later
// expression plus "=" is a step, and the bare answer is both the last step and the answer.
void parseArithmetic(const Tokens& tokens, Problem& problem, int lineNumber) {
    std::vector<Tokens> parts(1);
    for (const auto& token : tokens) {
        if (token == "=") {
            if (parts.back().empty())
                throw FormatError("empty expression before '=' (part " +
                                      std::to_string(parts.size()) + ")",
                                  lineNumber);
            parts.emplace_back();
        } else {
            parts.back().push_back(token);
        }
    }
    if (parts.size() < 2)
        throw FormatError("no '=' found; an ARI line is 'expr = expr = ... = answer'", lineNumber);
    problem.answer = bareAnswer(parts.back().begin(), parts.back().end(), lineNumber);
    problem.input = parts.front();
    problem.input.push_back("=");
    for (std::size_t index = 1; index + 1 < parts.size(); ++index) {
        problem.steps.push_back(parts[index]);
        problem.steps.back().push_back("=");
    }
    problem.steps.push_back({problem.answer});
}

TokenIterator findSeparator(TokenIterator begin, TokenIterator end, const std::string& what,
                            int lineNumber) {
    auto found = std::find(begin, end, kSepToken);
    if (found == end)
        throw FormatError(std::string("missing '<sep>' ") + what, lineNumber);
    return found;
}

// `s1 | s2 <sep> row , row , ... , <sep> answer`
void parseEditDistance(const Tokens& tokens, Problem& problem, int lineNumber) {
    auto inputEnd = findSeparator(tokens.begin(), tokens.end(), "after the input", lineNumber);
    problem.input = slice(tokens.begin(), inputEnd + 1);
    if (std::find(problem.input.begin(), problem.input.end(), "|") == problem.input.end())
        throw FormatError("the input has no '|' between the two strings", lineNumber);
    auto rowsEnd = findSeparator(inputEnd + 1, tokens.end(), "before the answer", lineNumber);
    Tokens row;
    for (auto token = inputEnd + 1; token != rowsEnd; ++token) {
        row.push_back(*token);
        if (*token == ",") {
            if (row.size() == 1)
                throw FormatError("empty DP row before ','", lineNumber);
            problem.steps.push_back(row);
            row.clear();
        }
    }
    if (!row.empty())
        throw FormatError("the last DP row does not end with ','", lineNumber);
    problem.answer = bareAnswer(rowsEnd + 1, tokens.end(), lineNumber);
}

// `seq <sep> dp_1 ... dp_n <sep> answer`
void parseLongestIncreasingSubsequence(const Tokens& tokens, Problem& problem, int lineNumber) {
    auto inputEnd = findSeparator(tokens.begin(), tokens.end(), "after the sequence", lineNumber);
    problem.input = slice(tokens.begin(), inputEnd + 1);
    const auto valueCount = static_cast<std::size_t>(inputEnd - tokens.begin());
    if (valueCount == 0)
        throw FormatError("the sequence before '<sep>' is empty", lineNumber);
    auto valuesEnd = findSeparator(inputEnd + 1, tokens.end(), "after the DP values", lineNumber);
    Tokens values = slice(inputEnd + 1, valuesEnd);
    if (values.size() != valueCount)
        throw FormatError("expected " + std::to_string(valueCount) +
                              " DP values (one per sequence number), found " +
                              std::to_string(values.size()),
                          lineNumber);
    problem.steps = foldLisValues(values);
    problem.answer = bareAnswer(valuesEnd + 1, tokens.end(), lineNumber);
}

void requireEnding(const Tokens& tokens, const std::string& last, const std::string& what) {
    if (tokens.empty() || tokens.back() != last)
        throw std::invalid_argument("cannot write as CoT_benchmark text: " + what +
                                    " does not end with '" + last + "'");
}

} // namespace

std::vector<Tokens> foldLisValues(const Tokens& values) {
    std::vector<Tokens> steps;
    for (std::size_t start = 0; start < values.size(); start += kLisValuesPerStep) {
        Tokens step(values.begin() + static_cast<std::ptrdiff_t>(start),
                    values.begin() + static_cast<std::ptrdiff_t>(
                                         std::min(values.size(), start + kLisValuesPerStep)));
        step.resize(kLisValuesPerStep, step.back());
        step.push_back(kSepToken);
        steps.push_back(std::move(step));
    }
    return steps;
}

Tokens unfoldLisSteps(const std::vector<Tokens>& steps, int valueCount) {
    Tokens values;
    for (const auto& step : steps)
        for (const auto& token : step)
            if (token != kSepToken)
                values.push_back(token);
    // The padding of the last group is the only thing past n; a chain with too few values
    // (a model's output) is written as it is.
    if (values.size() > static_cast<std::size_t>(valueCount))
        values.resize(static_cast<std::size_t>(valueCount));
    return values;
}

DatasetExample parseCotbenchLine(const std::string& line, std::optional<TaskKind> task,
                                 int lineNumber, const TaskOptions& options) {
    Tokens tokens = splitTokens(line);
    if (tokens.empty())
        throw FormatError("empty line", lineNumber);
    if (auto tokenTask = taskKindFromToken(tokens.front())) {
        if (task && *task != *tokenTask)
            throw FormatError("task token " + tokens.front() + " does not match the task '" +
                                  taskName(*task) + "'",
                              lineNumber);
        task = tokenTask;
        tokens.erase(tokens.begin());
    }
    if (!task)
        throw FormatError("no task token at the start of the line and no task given", lineNumber);
    DatasetExample example;
    example.options = options;
    example.line = lineNumber;
    Problem& problem = example.problem;
    problem.task = *task;
    switch (*task) {
    case TaskKind::Arithmetic:
        parseArithmetic(tokens, problem, lineNumber);
        break;
    case TaskKind::EditDistance:
        parseEditDistance(tokens, problem, lineNumber);
        break;
    case TaskKind::LongestIncreasingSubsequence:
        parseLongestIncreasingSubsequence(tokens, problem, lineNumber);
        break;
    }
    problem.complexity = complexityOfInput(problem.task, problem.input);
    return example;
}

std::string formatCotbenchLine(const Problem& problem, bool withTaskToken) {
    Tokens tokens;
    if (withTaskToken)
        tokens.push_back(defaultTask(problem.task).taskToken());
    tokens.insert(tokens.end(), problem.input.begin(), problem.input.end());
    switch (problem.task) {
    case TaskKind::Arithmetic:
        requireEnding(problem.input, "=", "the ARI input");
        if (problem.steps.empty() || problem.steps.back() != Tokens{problem.answer})
            throw std::invalid_argument("cannot write as CoT_benchmark text: the ARI answer '" +
                                        problem.answer +
                                        "' is not the last step (use JSONL for such chains)");
        for (std::size_t index = 0; index + 1 < problem.steps.size(); ++index) {
            requireEnding(problem.steps[index], "=", "ARI step " + std::to_string(index + 1));
            tokens.insert(tokens.end(), problem.steps[index].begin(), problem.steps[index].end());
        }
        tokens.push_back(problem.answer);
        break;
    case TaskKind::EditDistance:
        requireEnding(problem.input, kSepToken, "the ED input");
        for (std::size_t index = 0; index < problem.steps.size(); ++index) {
            requireEnding(problem.steps[index], ",", "ED step " + std::to_string(index + 1));
            tokens.insert(tokens.end(), problem.steps[index].begin(), problem.steps[index].end());
        }
        tokens.push_back(kSepToken);
        tokens.push_back(problem.answer);
        break;
    case TaskKind::LongestIncreasingSubsequence: {
        requireEnding(problem.input, kSepToken, "the LIS input");
        Tokens values =
            unfoldLisSteps(problem.steps, complexityOfInput(TaskKind::LongestIncreasingSubsequence,
                                                            problem.input));
        tokens.insert(tokens.end(), values.begin(), values.end());
        tokens.push_back(kSepToken);
        tokens.push_back(problem.answer);
        break;
    }
    }
    return joinTokens(tokens) + " ";
}

std::vector<DatasetExample> readCotbench(std::istream& input, std::optional<TaskKind> task,
                                         const TaskOptions& options) {
    std::vector<DatasetExample> examples;
    std::string line;
    int lineNumber = 0;
    while (std::getline(input, line)) {
        ++lineNumber;
        if (splitTokens(line).empty())
            continue;
        examples.push_back(parseCotbenchLine(line, task, lineNumber, options));
    }
    if (input.bad())
        throw std::runtime_error("read error after line " + std::to_string(lineNumber));
    return examples;
}

std::string formatCotbench(const std::vector<DatasetExample>& examples, bool withTaskTokens) {
    std::string text;
    for (const auto& example : examples)
        text += formatCotbenchLine(example.problem, withTaskTokens) + "\n";
    return text;
}

} // namespace relay
