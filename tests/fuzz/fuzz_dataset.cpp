// libFuzzer target: the dataset readers (CoT_benchmark lines of every task, with and without
// task tokens, and JSONL records). Malformed input may only raise FormatError; whatever reads
// must write back and read again to the same problems.
#include "tasks/cotbench_format.h"
#include "tasks/format_error.h"
#include "tasks/jsonl_format.h"

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>

using namespace relay;

namespace {

template <typename Read> void readOrFormatError(Read read) {
    try {
        read();
    } catch (const FormatError&) {
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    for (std::optional<TaskKind> task :
         {std::optional<TaskKind>(), std::optional(TaskKind::Arithmetic),
          std::optional(TaskKind::EditDistance),
          std::optional(TaskKind::LongestIncreasingSubsequence)})
        readOrFormatError([&] {
            std::istringstream in(text);
            const auto examples = readCotbench(in, task);
            for (const auto& example : examples) {
                // A line that read must read again from what it writes.
                std::string line;
                try {
                    line = formatCotbenchLine(example.problem, true);
                } catch (const std::invalid_argument&) {
                    continue; // e.g. an ARI answer that differs from its last step
                }
                const auto again = parseCotbenchLine(line, std::nullopt, 1, example.options);
                if (again.problem.input != example.problem.input ||
                    again.problem.answer != example.problem.answer)
                    std::abort();
            }
        });
    readOrFormatError([&] {
        std::istringstream in(text);
        for (const auto& example : readJsonl(in)) {
            const auto again = parseJsonlLine(formatJsonlLine(example), 1);
            if (again.problem.input != example.problem.input ||
                again.problem.steps != example.problem.steps ||
                again.problem.answer != example.problem.answer)
                std::abort();
        }
    });
    return 0;
}
