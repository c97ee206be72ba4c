// One CoT step of the arithmetic task: evaluating a single operator whose operands are both
// numbers. The canonical rule (docs/method.md §1.1) picks the leftmost operator that is ready
// under precedence and left associativity; the verifier also accepts any operator whose early
// evaluation keeps the expression's meaning in the field, as CoT_benchmark's own data does.
#pragma once

#include "tasks/arithmetic_expression.h"

#include <optional>
#include <vector>

namespace relay {

// True when the operator at `position` has a number on each side.
bool hasNumberOperands(const Expression& expression, int position);

// Canonical readiness: the operator left of the left operand (same parentheses) does not bind
// at least as tightly, and the operator right of the right operand does not bind more tightly.
bool isReady(const Expression& expression, int position);

// Legal early evaluation (a superset of isReady). With L the operator left of the left operand
// and R the one right of the right operand, both at the same parenthesis level:
//   * and /: L must not be "/", since x / a * b = x / (a * b) and x / a / b = x / (a / b)
//            fail; any R is fine, and L = "*" is fine because the field is commutative;
//   + and -: R must not be * or / (a + b * c), and L must be absent, "(" or "+" (x - a + b
//            != x - (a + b); after * or / the operand belongs to a product).
bool isLegal(const Expression& expression, int position);

// The leftmost ready operator, or -1 when the expression has no operator.
int canonicalOperator(const Expression& expression);

// Every legal operator, left to right.
std::vector<int> legalOperators(const Expression& expression);

// Evaluates the operator at `position` (which must have number operands) and drops any
// parentheses left around the single result. Nothing when it would divide by zero.
std::optional<Expression> reduceAt(const Expression& expression, int position,
                                   const ModularField& field);

// The expressions after each canonical step; the last one is a single number. Throws
// DivisionByZero when a divisor evaluates to 0.
std::vector<Expression> canonicalReduction(const Expression& expression, const ModularField& field);

// A step as written in a chain: the expression followed by "=", or the bare number at the end.
Tokens stepTokens(const Expression& expression);

} // namespace relay
