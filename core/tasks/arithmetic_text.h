// Splitting arithmetic problems as people type them: spacing is optional, "×" and "÷" (and
// the minus sign "−") stand for * / and -, numbers may carry leading zeros.
#pragma once

#include "tasks/tokens.h"

#include <string>

namespace relay {

// Splits typed text into tokens: each of + - * / ( ) = is a token of its own, any other run of
// non-space characters is one word (so "1.5" or "3x" stay whole for the error message), and
// digit words lose their leading zeros. Stops after `maximumTokens` + 1 tokens so huge texts
// cost nothing; the caller reports the excess.
Tokens splitArithmeticText(const std::string& text, int maximumTokens);

} // namespace relay
