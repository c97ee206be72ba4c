// JSONL datasets: one JSON object per line, the format of our own runs and of Stage II chains
// (which may hold an answer that differs from the last step, which CoT_benchmark text cannot):
//   {"task":"ari","complexity":5,"input":"...","steps":["...",...],"answer":"3"}
// with optional "modulus" (ARI), "lis_value_range" (LIS) and "weight" (multitask mixing).
// Token lists are space-separated strings; the input never holds the task token.
#pragma once

#include "tasks/dataset_example.h"

#include <iosfwd>
#include <string>
#include <vector>

namespace relay {

// One line -> example; throws FormatError naming lineNumber and the offending key.
DatasetExample parseJsonlLine(const std::string& line, int lineNumber);

// One example -> one line of JSON (no newline). Writes the option its task uses and the weight
// when it is not 1.
std::string formatJsonlLine(const DatasetExample& example);

// Every non-blank line of a stream.
std::vector<DatasetExample> readJsonl(std::istream& input);

// The whole file's text, each line ending in a newline.
std::string formatJsonl(const std::vector<DatasetExample>& examples);

} // namespace relay
