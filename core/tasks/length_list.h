// Lists of lengths as people type them on the command line: "1-6", "3,5,8-10".
#pragma once

#include <string>
#include <vector>

namespace relay {

// Ascending, without duplicates. Throws std::invalid_argument naming the bad part (empty
// parts, non-numbers, lengths < 1, reversed ranges, or more than 100000 lengths).
std::vector<int> parseLengthList(const std::string& text);

} // namespace relay
