// Checking a claimed arithmetic chain: every step must evaluate exactly one operator with
// number operands, correctly, at a place where evaluating it first keeps the expression's
// meaning (isLegal in arithmetic_reduction.h), dropping parentheses left around one number.
#pragma once

#include "tasks/arithmetic_expression.h"
#include "tasks/problem.h"

#include <string>
#include <vector>

namespace relay {

// `input` must be well formed and free of zero divisors (the task's reader guarantees it).
Verdict verifyArithmeticChain(const Expression& input, const std::vector<Tokens>& steps,
                              const std::string& answer, const ModularField& field);

} // namespace relay
