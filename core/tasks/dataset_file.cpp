#include "tasks/dataset_file.h"

#include "tasks/atomic_file.h"
#include "tasks/cotbench_format.h"
#include "tasks/format_error.h"
#include "tasks/jsonl_format.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace relay {
namespace {

bool endsWith(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

DatasetFormat datasetFormatFromName(const std::string& name) {
    if (name == "cotbench")
        return DatasetFormat::Cotbench;
    if (name == "jsonl")
        return DatasetFormat::Jsonl;
    throw std::invalid_argument("unknown dataset format '" + name + "' (cotbench or jsonl)");
}

std::string datasetFormatName(DatasetFormat format) {
    return format == DatasetFormat::Jsonl ? "jsonl" : "cotbench";
}

DatasetFormat detectDatasetFormat(const std::string& path) {
    if (endsWith(path, ".jsonl") || endsWith(path, ".json"))
        return DatasetFormat::Jsonl;
    if (endsWith(path, ".txt"))
        return DatasetFormat::Cotbench;
    std::ifstream file(path);
    char character = 0;
    while (file.get(character))
        if (!std::isspace(static_cast<unsigned char>(character)))
            return character == '{' ? DatasetFormat::Jsonl : DatasetFormat::Cotbench;
    return DatasetFormat::Cotbench;
}

void checkTokensKnown(const std::vector<DatasetExample>& examples, const Vocabulary& vocabulary,
                      const std::string& path) {
    for (const auto& example : examples) {
        auto check = [&](const std::string& token) {
            if (!vocabulary.contains(token))
                throw std::invalid_argument(
                    path + ":" + std::to_string(example.line) + ": token '" + token +
                    "' is not in the vocabulary of this run's tasks (" +
                    std::to_string(vocabulary.size()) + " tokens, numbers below " +
                    std::to_string(vocabulary.numberCount()) + ")");
        };
        for (const auto& token : example.problem.input)
            check(token);
        for (const auto& step : example.problem.steps)
            for (const auto& token : step)
                check(token);
        check(example.problem.answer);
    }
}

std::vector<DatasetExample> readDatasetFile(const std::string& path, DatasetFormat format,
                                            std::optional<TaskKind> task,
                                            const TaskOptions& options) {
    std::ifstream file(path);
    if (!file)
        throw std::runtime_error("cannot read '" + path + "': " + std::strerror(errno));
    try {
        if (format == DatasetFormat::Jsonl)
            return readJsonl(file);
        return readCotbench(file, task, options);
    } catch (const FormatError& error) {
        throw error.inFile(path);
    } catch (const std::runtime_error& error) {
        throw std::runtime_error("'" + path + "': " + error.what());
    }
}

void writeDatasetFile(const std::string& path, const std::vector<DatasetExample>& examples,
                      DatasetFormat format) {
    writeFileAtomically(path, format == DatasetFormat::Jsonl
                                  ? formatJsonl(examples)
                                  : formatCotbench(examples, isMultitask(examples)));
}

} // namespace relay
