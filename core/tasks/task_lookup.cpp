#include "tasks/task_lookup.h"

#include "tasks/vocabulary.h"

#include <array>
#include <memory>

namespace relay {
namespace {

std::size_t indexOf(TaskKind kind) {
    return static_cast<std::size_t>(kind);
}

} // namespace

const Task& defaultTask(TaskKind kind) {
    // Built once; tasks are immutable, so sharing them between threads is safe.
    static const std::array<std::unique_ptr<Task>, 3> tasks = [] {
        std::array<std::unique_ptr<Task>, 3> built;
        for (TaskKind each : kAllTaskKinds)
            built[indexOf(each)] = makeTask(taskName(each));
        return built;
    }();
    return *tasks.at(indexOf(kind));
}

TaskKind taskKindFromName(const std::string& name) {
    return makeTask(name)->kind();
}

std::optional<TaskKind> taskKindFromToken(const std::string& token) {
    for (TaskKind kind : kAllTaskKinds)
        if (defaultTask(kind).taskToken() == token)
            return kind;
    return std::nullopt;
}

int complexityOfInput(TaskKind kind, const Tokens& input) {
    int count = 0;
    switch (kind) {
    case TaskKind::Arithmetic:
        for (const auto& token : input)
            if (token == "+" || token == "-" || token == "*" || token == "/")
                ++count;
        return count;
    case TaskKind::EditDistance:
        for (const auto& token : input) {
            if (token == "|")
                return count;
            ++count;
        }
        return count;
    case TaskKind::LongestIncreasingSubsequence:
        for (const auto& token : input) {
            if (token == kSepToken)
                return count;
            ++count;
        }
        return count;
    }
    return count;
}

} // namespace relay
