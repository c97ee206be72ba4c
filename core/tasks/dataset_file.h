// Dataset files on disk in either text format (CoT_benchmark chains or JSONL): choosing the
// format, reading with errors that name the file and line, and writing atomically.
#pragma once

#include "tasks/dataset_example.h"
#include "tasks/vocabulary.h"

#include <optional>
#include <string>
#include <vector>

namespace relay {

enum class DatasetFormat { Cotbench, Jsonl };

// "cotbench" | "jsonl"; throws std::invalid_argument naming the format.
DatasetFormat datasetFormatFromName(const std::string& name);
std::string datasetFormatName(DatasetFormat format);

// .jsonl / .json -> JSONL, .txt -> CoT_benchmark; otherwise a file whose first non-blank
// character is '{' is JSONL and any other (or a missing file) is CoT_benchmark text.
DatasetFormat detectDatasetFormat(const std::string& path);

// Reads every example. `task` and `options` apply to CoT_benchmark lines without a task token
// (JSONL records name their own). Throws FormatError ("FILE:LINE: what") on a malformed line
// and std::runtime_error when the file cannot be read.
std::vector<DatasetExample> readDatasetFile(const std::string& path, DatasetFormat format,
                                            std::optional<TaskKind> task = std::nullopt,
                                            const TaskOptions& options = {});

// Throws std::invalid_argument ("FILE:LINE: ...") at the first example with a token the
// vocabulary lacks, so a training file is rejected when it is loaded, not when a batch reaches
// the bad line.
void checkTokensKnown(const std::vector<DatasetExample>& examples, const Vocabulary& vocabulary,
                      const std::string& path);

// Writes atomically; CoT_benchmark lines carry task tokens when the examples mix tasks.
void writeDatasetFile(const std::string& path, const std::vector<DatasetExample>& examples,
                      DatasetFormat format);

} // namespace relay
