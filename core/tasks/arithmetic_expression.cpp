#include "tasks/arithmetic_expression.h"

#include <cstdint>
#include <utility>

namespace relay {

bool isPrime(int number) {
    if (number < 2)
        return false;
    for (std::int64_t divisor = 2; divisor * divisor <= number; ++divisor) {
        if (number % divisor == 0)
            return false;
    }
    return true;
}

ModularField::ModularField(int modulus) : m_modulus(modulus) {
    if (modulus < 2)
        throw std::invalid_argument("modulus " + std::to_string(modulus) + " is below 2");
}

int ModularField::add(int left, int right) const {
    return static_cast<int>((static_cast<std::int64_t>(left) + right) % m_modulus);
}

int ModularField::subtract(int left, int right) const {
    return static_cast<int>(((static_cast<std::int64_t>(left) - right) % m_modulus + m_modulus) %
                            m_modulus);
}

int ModularField::multiply(int left, int right) const {
    return static_cast<int>(static_cast<std::int64_t>(left) * right % m_modulus);
}

int ModularField::inverse(int value) const {
    // Extended Euclid: works for any modulus coprime to value, needs no exponentiation.
    std::int64_t oldRemainder = value % m_modulus;
    std::int64_t remainder = m_modulus;
    std::int64_t oldCoefficient = 1;
    std::int64_t coefficient = 0;
    if (oldRemainder == 0)
        throw std::domain_error("0 has no inverse modulo " + std::to_string(m_modulus));
    while (remainder != 0) {
        const std::int64_t quotient = oldRemainder / remainder;
        oldRemainder = std::exchange(remainder, oldRemainder - quotient * remainder);
        oldCoefficient = std::exchange(coefficient, oldCoefficient - quotient * coefficient);
    }
    if (oldRemainder != 1)
        throw std::domain_error(std::to_string(value) + " has no inverse modulo " +
                                std::to_string(m_modulus));
    return static_cast<int>((oldCoefficient % m_modulus + m_modulus) % m_modulus);
}

int ModularField::divide(int left, int right) const {
    if (right % m_modulus == 0)
        throw std::domain_error("division by zero");
    return multiply(left, inverse(right));
}

bool isOperator(ExpressionSymbol symbol) {
    return precedence(symbol) > 0;
}

int precedence(ExpressionSymbol symbol) {
    switch (symbol) {
    case ExpressionSymbol::Times:
    case ExpressionSymbol::Divide:
        return 2;
    case ExpressionSymbol::Plus:
    case ExpressionSymbol::Minus:
        return 1;
    default:
        return 0;
    }
}

std::string symbolText(ExpressionSymbol symbol) {
    switch (symbol) {
    case ExpressionSymbol::Plus:
        return "+";
    case ExpressionSymbol::Minus:
        return "-";
    case ExpressionSymbol::Times:
        return "*";
    case ExpressionSymbol::Divide:
        return "/";
    case ExpressionSymbol::Open:
        return "(";
    case ExpressionSymbol::Close:
        return ")";
    case ExpressionSymbol::Number:
        break;
    }
    return "number";
}

int operatorCount(const Expression& expression) {
    int count = 0;
    for (const auto& token : expression)
        count += isOperator(token.symbol) ? 1 : 0;
    return count;
}

namespace {

std::optional<ExpressionSymbol> symbolOf(const std::string& token) {
    if (token == "+")
        return ExpressionSymbol::Plus;
    if (token == "-")
        return ExpressionSymbol::Minus;
    if (token == "*")
        return ExpressionSymbol::Times;
    if (token == "/")
        return ExpressionSymbol::Divide;
    if (token == "(")
        return ExpressionSymbol::Open;
    if (token == ")")
        return ExpressionSymbol::Close;
    return std::nullopt;
}

std::string at(int position) {
    return " at token " + std::to_string(position);
}

// Fills the error and returns nothing, so every failure in the reader is one line.
std::optional<Expression> fail(ExpressionError& error, std::string message, int position,
                               const Tokens& tokens) {
    error.message = std::move(message) + at(position);
    error.position = position;
    error.token = position >= 0 && position < static_cast<int>(tokens.size()) ? tokens[position]
                                                                              : std::string();
    return std::nullopt;
}

} // namespace

std::optional<Expression> readExpression(const Tokens& tokens, int modulus,
                                         ExpressionError& error) {
    if (tokens.empty()) {
        error = {"empty expression", 0, {}};
        return std::nullopt;
    }
    Expression expression;
    expression.reserve(tokens.size());
    std::vector<int> openPositions;
    bool expectOperand = true;
    for (int position = 0; position < static_cast<int>(tokens.size()); ++position) {
        const std::string& token = tokens[position];
        const std::string previous = position > 0 ? tokens[position - 1] : std::string();
        if (isNumberToken(token)) {
            if (token.size() > 1 && token[0] == '0')
                return fail(error, "number '" + token + "' has a leading zero", position, tokens);
            // Compare as text first so huge numbers cannot overflow.
            const std::string largest = std::to_string(modulus - 1);
            if (token.size() > largest.size() ||
                (token.size() == largest.size() && token > largest))
                return fail(error, "number " + token + " out of range 0.." + largest, position,
                            tokens);
            if (!expectOperand)
                return fail(error,
                            isNumberToken(previous) ? "two numbers in a row"
                                                    : "missing operator after ')' before " + token,
                            position, tokens);
            expression.push_back({ExpressionSymbol::Number, std::stoi(token)});
            expectOperand = false;
            continue;
        }
        const auto symbol = symbolOf(token);
        if (!symbol) {
            if (token == "=")
                return fail(error, "'=' is allowed only at the end", position, tokens);
            return fail(error, "unknown token '" + token + "'", position, tokens);
        }
        if (*symbol == ExpressionSymbol::Open) {
            if (!expectOperand)
                return fail(error, "missing operator before '('", position, tokens);
            openPositions.push_back(position);
        } else if (*symbol == ExpressionSymbol::Close) {
            if (openPositions.empty())
                return fail(error, "unbalanced ')'", position, tokens);
            if (expectOperand && previous == "(")
                return fail(error, "empty parentheses", position - 1, tokens);
            if (expectOperand)
                return fail(error, "operator '" + previous + "' without a right operand",
                            position - 1, tokens);
            openPositions.pop_back();
        } else {
            if (expectOperand)
                return fail(error, "operator '" + token + "' without a left operand", position,
                            tokens);
            expectOperand = true;
        }
        expression.push_back({*symbol, 0});
    }
    const int last = static_cast<int>(tokens.size()) - 1;
    if (expectOperand && tokens[last] == "(")
        return fail(error, "unclosed '('", last, tokens);
    if (expectOperand)
        return fail(error, "operator '" + tokens[last] + "' without a right operand", last, tokens);
    if (!openPositions.empty())
        return fail(error, "unclosed '('", openPositions.back(), tokens);
    return expression;
}

int parenthesizedNumberPosition(const Expression& expression) {
    for (std::size_t position = 0; position + 2 < expression.size(); ++position) {
        if (expression[position].symbol == ExpressionSymbol::Open &&
            expression[position + 1].symbol == ExpressionSymbol::Number &&
            expression[position + 2].symbol == ExpressionSymbol::Close)
            return static_cast<int>(position);
    }
    return -1;
}

Tokens writeExpression(const Expression& expression) {
    Tokens tokens;
    tokens.reserve(expression.size());
    for (const auto& token : expression) {
        tokens.push_back(token.symbol == ExpressionSymbol::Number ? std::to_string(token.value)
                                                                  : symbolText(token.symbol));
    }
    return tokens;
}

DivisionByZero::DivisionByZero(int position)
    : std::domain_error("division by zero: the divisor of '/'" + at(position) + " is 0"),
      m_position(position) {}

namespace {

// Operator-precedence evaluation with two stacks (iterative, so deep nesting cannot overflow
// the call stack).
class StackEvaluator {
public:
    explicit StackEvaluator(const ModularField& field) : m_field(field) {}

    int run(const Expression& expression) {
        for (int position = 0; position < static_cast<int>(expression.size()); ++position) {
            const ExpressionSymbol symbol = expression[position].symbol;
            if (symbol == ExpressionSymbol::Number) {
                m_values.push_back(expression[position].value);
            } else if (symbol == ExpressionSymbol::Open) {
                m_operators.push_back(position);
                m_symbols.push_back(symbol);
            } else if (symbol == ExpressionSymbol::Close) {
                while (m_symbols.back() != ExpressionSymbol::Open)
                    applyTop();
                m_symbols.pop_back();
                m_operators.pop_back();
            } else {
                // Left associativity: apply everything on the stack that binds at least as tightly.
                while (!m_symbols.empty() && precedence(m_symbols.back()) >= precedence(symbol))
                    applyTop();
                m_operators.push_back(position);
                m_symbols.push_back(symbol);
            }
        }
        while (!m_symbols.empty())
            applyTop();
        return m_values.back();
    }

private:
    void applyTop() {
        const ExpressionSymbol symbol = m_symbols.back();
        const int position = m_operators.back();
        m_symbols.pop_back();
        m_operators.pop_back();
        const int right = m_values.back();
        m_values.pop_back();
        const int left = m_values.back();
        m_values.back() = apply(symbol, left, right, position);
    }

    int apply(ExpressionSymbol symbol, int left, int right, int position) const {
        switch (symbol) {
        case ExpressionSymbol::Plus:
            return m_field.add(left, right);
        case ExpressionSymbol::Minus:
            return m_field.subtract(left, right);
        case ExpressionSymbol::Times:
            return m_field.multiply(left, right);
        default:
            if (right == 0)
                throw DivisionByZero(position);
            return m_field.divide(left, right);
        }
    }

    const ModularField& m_field;
    std::vector<int> m_values;
    std::vector<int> m_operators;
    std::vector<ExpressionSymbol> m_symbols;
};

} // namespace

int evaluateExpression(const Expression& expression, const ModularField& field) {
    return StackEvaluator(field).run(expression);
}

} // namespace relay
