// The Task interface: everything the engine needs from one of the paper's reasoning tasks
// (generation, exact solving, verification of claimed chains, parsing typed problems).
#pragma once

#include "tasks/problem.h"

#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>

namespace relay {

// Malformed input: names the offending token and its 0-based token position.
class ParseError : public std::runtime_error {
public:
    ParseError(const std::string& message, int tokenPosition = -1, std::string token = {})
        : std::runtime_error(message), m_position(tokenPosition), m_token(std::move(token)) {}
    int position() const { return m_position; }
    const std::string& token() const { return m_token; }

private:
    int m_position;
    std::string m_token;
};

// Options that change a task's problem distribution or number range.
struct TaskOptions {
    int modulus = 11;        // ARI: arithmetic modulo this prime
    int lisValueRange = 250; // LIS: values lie in (n, lisValueRange)
};

// Longest input a user may type, in tokens (guards the models and the GUI).
constexpr int kMaximumInputTokens = 200;
// Longest canonical input the exact solvers take (file lines, chains to verify): above every
// problem a config can ask for (lengths up to 1000: an ED input of about 2,000 tokens), below
// inputs whose quadratic ED table and chain would exhaust memory.
constexpr int kMaximumSolvedInputTokens = 4096;

class Task {
public:
    virtual ~Task() = default;

    virtual TaskKind kind() const = 0;
    virtual std::string name() const = 0;      // "ari", "ed", "lis"
    virtual std::string taskToken() const = 0; // "[ARI]", "[ED]", "[LIS]"

    // The input of a random problem of the given complexity, drawn as CoT_benchmark's
    // generator draws it. Apart from solve: a dataset rejects most draws of a short length as
    // repeats (one-operator ARI mod 11 has 473 problems), and a rejected draw needs no chain.
    virtual Tokens drawInput(int complexity, std::mt19937_64& random) const = 0;

    // A random problem of the given complexity: a drawn input with its canonical chain.
    Problem generate(int complexity, std::mt19937_64& random) const {
        return solve(drawInput(complexity, random));
    }

    // The canonical chain and answer for an input; throws ParseError on a malformed input.
    virtual Problem solve(const Tokens& input) const = 0;

    // Text typed by a person -> canonical input tokens (spacing may be loose); throws
    // ParseError naming the offending token and position.
    virtual Tokens parseInput(const std::string& text) const = 0;

    // Checks a claimed chain and answer for an input (throws ParseError on a bad input).
    virtual Verdict verify(const Tokens& input, const std::vector<Tokens>& steps,
                           const std::string& answer) const = 0;

    // True when the last CoT step is the bare answer (ARI), so an AR sequence does not repeat it.
    virtual bool answerIsLastStep() const = 0;

    // The answer a chain's own steps imply, read without solving the input: ARI the last step's
    // single number, ED the last entry of the last row, LIS the largest length in any step.
    // Empty when the steps do not have the form to read it from. The label-free Stage II
    // filter compares it with the answer head's answer.
    virtual std::optional<std::string> chainAnswer(const std::vector<Tokens>& steps) const = 0;

    // T for a problem of this complexity.
    virtual int iterationCount(int complexity) const = 0;

    // Largest number token any problem up to this complexity can contain (vocabulary sizing).
    virtual int largestNumber(int maximumComplexity) const = 0;
};

// "ari" | "ed" | "lis" (also the long names); throws std::invalid_argument naming the task.
std::unique_ptr<Task> makeTask(const std::string& name, const TaskOptions& options = {});

std::string taskName(TaskKind kind);

} // namespace relay
