// Random arithmetic problems as CoT_benchmark's arithmetic/data.py builds them: start from one
// random number and, once per operator, replace a random number by `a op b` with that value,
// adding parentheses where precedence needs them.
#pragma once

#include "tasks/arithmetic_expression.h"

#include <cstdint>
#include <random>

namespace relay {

// A uniform integer in [0, bound) from the engine's raw output (std::uniform_int_distribution
// differs between standard libraries; this keeps datasets identical across platforms).
int randomBelow(int bound, std::mt19937_64& random);

// An expression with exactly `operatorCount` operators (>= 0). Deterministic for a given
// engine state. Its value is the random starting number.
Expression buildRandomExpression(int operatorCount, const ModularField& field,
                                 std::mt19937_64& random);

} // namespace relay
