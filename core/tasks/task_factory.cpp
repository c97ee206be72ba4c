// makeTask and taskName: the one place that maps task names to task classes.
#include "tasks/arithmetic.h"
#include "tasks/edit_distance.h"
#include "tasks/longest_increasing_subsequence.h"
#include "tasks/task.h"

#include <stdexcept>
#include <string>

namespace relay {
namespace {

std::string lowercase(std::string text) {
    for (char& character : text) {
        if (character >= 'A' && character <= 'Z')
            character = static_cast<char>(character - 'A' + 'a');
    }
    return text;
}

} // namespace

std::unique_ptr<Task> makeTask(const std::string& name, const TaskOptions& options) {
    const std::string key = lowercase(name);
    if (key == "ari" || key == "arithmetic")
        return std::make_unique<ArithmeticTask>(options);
    if (key == "ed" || key == "edit-distance")
        return std::make_unique<EditDistanceTask>(options);
    if (key == "lis" || key == "longest-increasing-subsequence")
        return std::make_unique<LongestIncreasingSubsequenceTask>(options);
    throw std::invalid_argument("unknown task '" + name +
                                "'; valid names: ari (arithmetic), ed (edit-distance), "
                                "lis (longest-increasing-subsequence)");
}

std::string taskName(TaskKind kind) {
    switch (kind) {
    case TaskKind::Arithmetic:
        return "ari";
    case TaskKind::EditDistance:
        return "ed";
    case TaskKind::LongestIncreasingSubsequence:
        return "lis";
    }
    throw std::invalid_argument("unknown task kind " + std::to_string(static_cast<int>(kind)));
}

} // namespace relay
