// Tokens are space-separated words, as in CoT_benchmark; these helpers split and join them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace relay {

using Tokens = std::vector<std::string>;

// Splits on any run of ASCII whitespace; never returns empty tokens.
Tokens splitTokens(std::string_view text);

// Joins with single spaces.
std::string joinTokens(const Tokens& tokens);

// A non-negative decimal number: one or more ASCII digits, nothing else.
bool isNumberToken(const std::string& token);

// Joins every step's tokens into one list (the flat CoT).
Tokens flattenSteps(const std::vector<Tokens>& steps);

} // namespace relay
