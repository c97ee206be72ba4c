#include "tasks/chain_split.h"

#include "tasks/vocabulary.h"

namespace relay {
namespace {

std::string stepTerminator(TaskKind task) {
    switch (task) {
    case TaskKind::Arithmetic:
        return "=";
    case TaskKind::EditDistance:
        return ",";
    case TaskKind::LongestIncreasingSubsequence:
        return kSepToken;
    }
    return {};
}

} // namespace

bool isStepTerminator(TaskKind task, const std::string& token) {
    return token == stepTerminator(task);
}

std::vector<Tokens> splitSteps(TaskKind task, const Tokens& flat) {
    const std::string terminator = stepTerminator(task);
    std::vector<Tokens> steps;
    Tokens step;
    for (const auto& token : flat) {
        step.push_back(token);
        if (token == terminator) {
            steps.push_back(std::move(step));
            step.clear();
        }
    }
    if (!step.empty())
        steps.push_back(std::move(step));
    return steps;
}

} // namespace relay
