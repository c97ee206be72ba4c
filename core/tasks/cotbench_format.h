// CoT_benchmark's chain files (Feng et al. 2023): one problem per line, exactly as its
// generators write them, so their data imports as is and our data feeds their code.
//   ARI  `expr = expr = ... = answer`           (a line may end with a space)
//   ED   `s1 | s2 <sep> row , row , ... , <sep> answer`
//   LIS  `seq <sep> dp_1 ... dp_n <sep> answer` (the DP array unfolded)
// A multitask file starts each line with its task token (`[ARI]`, `[ED]`, `[LIS]`). The format
// has no room for task options or loss weights: use JSONL when those matter.
//
// Reading keeps the CLAIMED chain: CoT_benchmark's arithmetic reduces in a random order, so
// its steps must stay as written for the verifier to check them (never swapped for the
// canonical chain). LIS is folded on import into steps of 10 values plus `<sep>`, the short
// last group padded by repeating its last value (docs/method.md §1.3), and unfolded on export.
#pragma once

#include "tasks/dataset_example.h"

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace relay {

// One line -> example. `task` is the task of lines without a task token (nullopt: every line
// must carry one). Throws FormatError naming lineNumber and what is wrong.
DatasetExample parseCotbenchLine(const std::string& line, std::optional<TaskKind> task,
                                 int lineNumber, const TaskOptions& options = {});

// One problem -> one line, with CoT_benchmark's trailing space and no newline. Throws
// std::invalid_argument when the chain cannot be written in this format (e.g. an ARI answer
// that differs from the last step).
std::string formatCotbenchLine(const Problem& problem, bool withTaskToken = false);

// Every non-blank line of a stream; blank lines are skipped but counted.
std::vector<DatasetExample> readCotbench(std::istream& input, std::optional<TaskKind> task,
                                         const TaskOptions& options = {});

// The whole file's text, one line per example, each ending in a newline.
std::string formatCotbench(const std::vector<DatasetExample>& examples, bool withTaskTokens);

// LIS DP values <-> folded steps (10 values + "<sep>" per step, last group padded).
std::vector<Tokens> foldLisValues(const Tokens& values);
Tokens unfoldLisSteps(const std::vector<Tokens>& steps, int valueCount);

} // namespace relay
