#include "tasks/arithmetic.h"

#include "tasks/arithmetic_expression.h"
#include "tasks/arithmetic_generator.h"
#include "tasks/arithmetic_reduction.h"
#include "tasks/arithmetic_text.h"
#include "tasks/arithmetic_verifier.h"

namespace relay {

namespace {

std::string at(int position) {
    return " at token " + std::to_string(position);
}

// Checks everything but the trailing "=" and returns the expression with "( n )" still in it,
// so that parseInput can drop those and solve can reject them.
Expression readTokens(const Tokens& tokens, int modulus) {
    if (tokens.empty())
        throw ParseError("empty input", 0);
    if (static_cast<int>(tokens.size()) > kMaximumInputTokens)
        throw ParseError("input has more than " + std::to_string(kMaximumInputTokens) + " tokens" +
                             at(kMaximumInputTokens),
                         kMaximumInputTokens, tokens[kMaximumInputTokens]);
    const int size = static_cast<int>(tokens.size());
    if (tokens.back() != "=")
        throw ParseError("input must end with '='" + at(size), size);
    if (size == 1)
        throw ParseError("empty expression before '='" + at(0), 0, "=");
    ExpressionError error;
    auto expression = readExpression(Tokens(tokens.begin(), tokens.end() - 1), modulus, error);
    if (!expression)
        throw ParseError(error.message, error.position, error.token);
    return *expression;
}

// The checks that need a well-formed expression: at least one operator, no zero divisor.
void checkSolvable(const Expression& expression, const ModularField& field) {
    if (operatorCount(expression) == 0)
        throw ParseError("the expression has no operator, so there is nothing to reduce" + at(0), 0,
                         writeExpression(expression).front());
    try {
        evaluateExpression(expression, field);
    } catch (const DivisionByZero& error) {
        throw ParseError(error.what(), error.position(), "/");
    }
}

// The reader for solve and verify: token lists as the models and the data files write them.
Expression readInput(const Tokens& tokens, const ModularField& field) {
    Expression expression = readTokens(tokens, field.modulus());
    const int parenthesized = parenthesizedNumberPosition(expression);
    if (parenthesized >= 0) {
        const std::string number = std::to_string(expression[parenthesized + 1].value);
        throw ParseError("parentheses around the single number " + number + at(parenthesized) +
                             "; write " + number + " alone",
                         parenthesized, "(");
    }
    checkSolvable(expression, field);
    return expression;
}

Tokens inputTokens(const Expression& expression) {
    Tokens tokens = writeExpression(expression);
    tokens.emplace_back("=");
    return tokens;
}

} // namespace

ArithmeticTask::ArithmeticTask(const TaskOptions& options) : m_modulus(options.modulus) {
    if (!isPrime(m_modulus))
        throw std::invalid_argument("arithmetic modulus " + std::to_string(m_modulus) +
                                    " is not a prime >= 2");
}

Tokens ArithmeticTask::drawInput(int complexity, std::mt19937_64& random) const {
    if (complexity < 1)
        throw std::invalid_argument("arithmetic complexity " + std::to_string(complexity) +
                                    " is below 1 operator");
    // CoT_benchmark's construction keeps every divisor nonzero, so each draw is solvable
    // (solve throws if a change to the construction ever breaks that).
    return inputTokens(buildRandomExpression(complexity, ModularField(m_modulus), random));
}

Problem ArithmeticTask::solve(const Tokens& input) const {
    const ModularField field(m_modulus);
    const Expression expression = readInput(input, field);
    Problem problem;
    problem.task = TaskKind::Arithmetic;
    problem.complexity = operatorCount(expression);
    problem.input = input;
    for (const auto& step : canonicalReduction(expression, field))
        problem.steps.push_back(stepTokens(step));
    problem.answer = problem.steps.back().front();
    return problem;
}

Tokens ArithmeticTask::parseInput(const std::string& text) const {
    Tokens tokens = splitArithmeticText(text, kMaximumInputTokens);
    if (tokens.empty())
        throw ParseError("empty input", 0);
    if (tokens.back() != "=" && static_cast<int>(tokens.size()) <= kMaximumInputTokens)
        tokens.emplace_back("=");
    Expression expression = readTokens(tokens, m_modulus);
    // Before dropping parentheses, so that a zero divisor is named where the person typed it.
    checkSolvable(expression, ModularField(m_modulus));
    // People write "( 5 ) + 3"; the chain format never keeps parentheses around one number.
    for (int position = parenthesizedNumberPosition(expression); position >= 0;
         position = parenthesizedNumberPosition(expression)) {
        expression.erase(expression.begin() + position + 2);
        expression.erase(expression.begin() + position);
    }
    return inputTokens(expression);
}

Verdict ArithmeticTask::verify(const Tokens& input, const std::vector<Tokens>& steps,
                               const std::string& answer) const {
    const ModularField field(m_modulus);
    return verifyArithmeticChain(readInput(input, field), steps, answer, field);
}

std::optional<std::string> ArithmeticTask::chainAnswer(const std::vector<Tokens>& steps) const {
    // The reduction ends at the bare value: the last step is the answer.
    if (steps.empty() || steps.back().size() != 1 || !isNumberToken(steps.back().front()))
        return std::nullopt;
    return steps.back().front();
}

} // namespace relay
