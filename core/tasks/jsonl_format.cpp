#include "tasks/jsonl_format.h"

#include "tasks/format_error.h"
#include "tasks/task_lookup.h"

#include <nlohmann/json.hpp>

#include <istream>

namespace relay {
namespace {

using Json = nlohmann::json;

const Json& requireKey(const Json& object, const char* key, int lineNumber) {
    auto found = object.find(key);
    if (found == object.end())
        throw FormatError(std::string("missing key \"") + key + "\"", lineNumber);
    return *found;
}

std::string requireString(const Json& value, const std::string& key, int lineNumber) {
    if (!value.is_string())
        throw FormatError("key \"" + key + "\" must be a string", lineNumber);
    return value.get<std::string>();
}

int requireInteger(const Json& value, const std::string& key, int minimum, int lineNumber) {
    if (!value.is_number_integer() || value.get<long long>() < minimum ||
        value.get<long long>() > 1'000'000'000)
        throw FormatError("key \"" + key + "\" must be an integer >= " + std::to_string(minimum),
                          lineNumber);
    return value.get<int>();
}

Tokens requireTokens(const Json& value, const std::string& key, int lineNumber) {
    Tokens tokens = splitTokens(requireString(value, key, lineNumber));
    if (tokens.empty())
        throw FormatError("key \"" + key + "\" must not be empty", lineNumber);
    return tokens;
}

} // namespace

DatasetExample parseJsonlLine(const std::string& line, int lineNumber) {
    Json object;
    try {
        object = Json::parse(line);
    } catch (const Json::exception& error) { // a syntax error, or a number out of range
        throw FormatError(std::string("not valid JSON: ") + error.what(), lineNumber);
    }
    if (!object.is_object())
        throw FormatError("expected a JSON object", lineNumber);

    DatasetExample example;
    example.line = lineNumber;
    Problem& problem = example.problem;
    const std::string name =
        requireString(requireKey(object, "task", lineNumber), "task", lineNumber);
    try {
        problem.task = taskKindFromName(name);
    } catch (const std::invalid_argument&) {
        throw FormatError("key \"task\": unknown task '" + name + "'", lineNumber);
    }
    problem.input = requireTokens(requireKey(object, "input", lineNumber), "input", lineNumber);

    const Json& steps = requireKey(object, "steps", lineNumber);
    if (!steps.is_array())
        throw FormatError("key \"steps\" must be an array of strings", lineNumber);
    for (std::size_t index = 0; index < steps.size(); ++index)
        problem.steps.push_back(
            requireTokens(steps[index], "steps[" + std::to_string(index) + "]", lineNumber));

    Tokens answer = requireTokens(requireKey(object, "answer", lineNumber), "answer", lineNumber);
    if (answer.size() != 1)
        throw FormatError("key \"answer\" must be one token", lineNumber);
    problem.answer = answer.front();

    // Complexity is derivable from the input; a stored value must agree with it.
    const int derived = complexityOfInput(problem.task, problem.input);
    problem.complexity = derived;
    if (object.contains("complexity")) {
        int stored = requireInteger(object["complexity"], "complexity", 0, lineNumber);
        if (stored != derived)
            throw FormatError("key \"complexity\" is " + std::to_string(stored) +
                                  " but the input has complexity " + std::to_string(derived),
                              lineNumber);
    }
    if (object.contains("modulus"))
        example.options.modulus = requireInteger(object["modulus"], "modulus", 2, lineNumber);
    if (object.contains("lis_value_range"))
        example.options.lisValueRange =
            requireInteger(object["lis_value_range"], "lis_value_range", 1, lineNumber);
    if (object.contains("weight")) {
        const Json& weight = object["weight"];
        if (!weight.is_number() || weight.get<double>() < 0)
            throw FormatError("key \"weight\" must be a number >= 0", lineNumber);
        example.weight = weight.get<float>();
    }
    return example;
}

std::string formatJsonlLine(const DatasetExample& example) {
    const Problem& problem = example.problem;
    // ordered_json keeps the documented key order, so files diff and read well.
    nlohmann::ordered_json object;
    object["task"] = taskName(problem.task);
    object["complexity"] = problem.complexity;
    object["input"] = joinTokens(problem.input);
    object["steps"] = nlohmann::ordered_json::array();
    for (const auto& step : problem.steps)
        object["steps"].push_back(joinTokens(step));
    object["answer"] = problem.answer;
    if (problem.task == TaskKind::Arithmetic)
        object["modulus"] = example.options.modulus;
    if (problem.task == TaskKind::LongestIncreasingSubsequence)
        object["lis_value_range"] = example.options.lisValueRange;
    if (example.weight != 1.0f)
        object["weight"] = example.weight;
    return object.dump();
}

std::vector<DatasetExample> readJsonl(std::istream& input) {
    std::vector<DatasetExample> examples;
    std::string line;
    int lineNumber = 0;
    while (std::getline(input, line)) {
        ++lineNumber;
        if (splitTokens(line).empty())
            continue;
        examples.push_back(parseJsonlLine(line, lineNumber));
    }
    if (input.bad())
        throw std::runtime_error("read error after line " + std::to_string(lineNumber));
    return examples;
}

std::string formatJsonl(const std::vector<DatasetExample>& examples) {
    std::string text;
    for (const auto& example : examples)
        text += formatJsonlLine(example) + "\n";
    return text;
}

} // namespace relay
