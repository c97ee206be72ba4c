#include "tasks/arithmetic_reduction.h"

#include <stdexcept>

namespace relay {

namespace {

// The operator just left of the left operand, or Open when there is none (start of the
// expression or an opening parenthesis: both mean "nothing binds from the left").
ExpressionSymbol leftNeighbour(const Expression& expression, int position) {
    return position >= 2 ? expression[position - 2].symbol : ExpressionSymbol::Open;
}

// The operator just right of the right operand, or Close when there is none.
ExpressionSymbol rightNeighbour(const Expression& expression, int position) {
    return position + 2 < static_cast<int>(expression.size()) ? expression[position + 2].symbol
                                                              : ExpressionSymbol::Close;
}

} // namespace

bool hasNumberOperands(const Expression& expression, int position) {
    return position >= 1 && position + 1 < static_cast<int>(expression.size()) &&
           isOperator(expression[position].symbol) &&
           expression[position - 1].symbol == ExpressionSymbol::Number &&
           expression[position + 1].symbol == ExpressionSymbol::Number;
}

bool isReady(const Expression& expression, int position) {
    if (!hasNumberOperands(expression, position))
        return false;
    const int own = precedence(expression[position].symbol);
    return precedence(leftNeighbour(expression, position)) < own &&
           precedence(rightNeighbour(expression, position)) <= own;
}

bool isLegal(const Expression& expression, int position) {
    if (!hasNumberOperands(expression, position))
        return false;
    const ExpressionSymbol left = leftNeighbour(expression, position);
    const ExpressionSymbol right = rightNeighbour(expression, position);
    if (precedence(expression[position].symbol) == 2)
        return left != ExpressionSymbol::Divide;
    return precedence(right) < 2 &&
           (left == ExpressionSymbol::Open || left == ExpressionSymbol::Plus);
}

int canonicalOperator(const Expression& expression) {
    for (int position = 0; position < static_cast<int>(expression.size()); ++position) {
        if (isReady(expression, position))
            return position;
    }
    return -1;
}

std::vector<int> legalOperators(const Expression& expression) {
    std::vector<int> positions;
    for (int position = 0; position < static_cast<int>(expression.size()); ++position) {
        if (isLegal(expression, position))
            positions.push_back(position);
    }
    return positions;
}

std::optional<Expression> reduceAt(const Expression& expression, int position,
                                   const ModularField& field) {
    if (!hasNumberOperands(expression, position))
        return std::nullopt;
    const int left = expression[position - 1].value;
    const int right = expression[position + 1].value;
    int value = 0;
    switch (expression[position].symbol) {
    case ExpressionSymbol::Plus:
        value = field.add(left, right);
        break;
    case ExpressionSymbol::Minus:
        value = field.subtract(left, right);
        break;
    case ExpressionSymbol::Times:
        value = field.multiply(left, right);
        break;
    default:
        if (right % field.modulus() == 0)
            return std::nullopt;
        value = field.divide(left, right);
        break;
    }
    // Drop every pair of parentheses that now encloses just the result (a typed input may have
    // doubled ones); CoT_benchmark's chains never keep "( n )".
    int first = position - 1;
    int last = position + 1;
    while (first > 0 && last + 1 < static_cast<int>(expression.size()) &&
           expression[first - 1].symbol == ExpressionSymbol::Open &&
           expression[last + 1].symbol == ExpressionSymbol::Close) {
        --first;
        ++last;
    }
    Expression reduced(expression.begin(), expression.begin() + first);
    reduced.push_back({ExpressionSymbol::Number, value});
    reduced.insert(reduced.end(), expression.begin() + last + 1, expression.end());
    return reduced;
}

std::vector<Expression> canonicalReduction(const Expression& expression,
                                           const ModularField& field) {
    // Evaluating first reports a zero divisor at its position in the input.
    evaluateExpression(expression, field);
    std::vector<Expression> steps;
    Expression current = expression;
    for (int position = canonicalOperator(current); position >= 0;
         position = canonicalOperator(current)) {
        auto reduced = reduceAt(current, position, field);
        if (!reduced)
            throw DivisionByZero(position);
        current = std::move(*reduced);
        steps.push_back(current);
    }
    // Only "( n )" in the input could stall the rule, and readers reject it.
    if (current.size() != 1)
        throw std::logic_error("arithmetic reduction stalled with operators left");
    return steps;
}

Tokens stepTokens(const Expression& expression) {
    Tokens tokens = writeExpression(expression);
    if (expression.size() > 1)
        tokens.emplace_back("=");
    return tokens;
}

} // namespace relay
