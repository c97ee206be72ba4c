// Expressions of the arithmetic task (docs/method.md §1.1) as token lists: numbers modulo a prime,
// the operators + - * /, and parentheses. Reading checks the grammar and says where it fails;
// evaluation follows the usual precedence and left associativity.
#pragma once

#include "tasks/tokens.h"

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace relay {

bool isPrime(int number);

// The integers modulo a prime; division is multiplication by the modular inverse.
class ModularField {
public:
    // Throws std::invalid_argument below 2; primality is the caller's check (it costs sqrt(p)).
    explicit ModularField(int modulus);

    int modulus() const { return m_modulus; }
    int add(int left, int right) const;
    int subtract(int left, int right) const;
    int multiply(int left, int right) const;
    int inverse(int value) const;          // throws std::domain_error for 0
    int divide(int left, int right) const; // throws std::domain_error for right == 0

private:
    int m_modulus;
};

enum class ExpressionSymbol { Number, Plus, Minus, Times, Divide, Open, Close };

struct ExpressionToken {
    ExpressionSymbol symbol = ExpressionSymbol::Number;
    int value = 0; // the number, when symbol is Number

    bool operator==(const ExpressionToken& other) const {
        return symbol == other.symbol && value == other.value;
    }
};

using Expression = std::vector<ExpressionToken>;

bool isOperator(ExpressionSymbol symbol);
// 2 for * and /, 1 for + and -, 0 for anything that is not an operator.
int precedence(ExpressionSymbol symbol);
std::string symbolText(ExpressionSymbol symbol);

int operatorCount(const Expression& expression);

// Why a token list is not a well-formed expression, and at which 0-based token.
struct ExpressionError {
    std::string message;
    int position = -1;
    std::string token;
};

// Reads tokens without the trailing "=" and checks the grammar (numbers 0..modulus-1 written
// without leading zeros, balanced and non-empty parentheses, operators between operands).
// Returns nothing and fills `error` when the tokens are not an expression.
std::optional<Expression> readExpression(const Tokens& tokens, int modulus, ExpressionError& error);

// The position of a "(" that encloses a single number, or -1. Such parentheses never occur in
// generated problems and no reduction step could remove them, so inputs must not have them.
int parenthesizedNumberPosition(const Expression& expression);

Tokens writeExpression(const Expression& expression);

// A divisor that evaluates to 0; position is the "/" token's index in the expression.
class DivisionByZero : public std::domain_error {
public:
    explicit DivisionByZero(int position);
    int position() const { return m_position; }

private:
    int m_position;
};

// The value of a well-formed expression (throws DivisionByZero).
int evaluateExpression(const Expression& expression, const ModularField& field);

} // namespace relay
