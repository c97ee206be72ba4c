// Task properties that do not depend on TaskOptions (names, task tokens, step layout), looked
// up by kind, name or task token without building a Task at every call site.
#pragma once

#include "tasks/problem.h"
#include "tasks/task.h"

#include <optional>
#include <string>

namespace relay {

// All task kinds, in vocabulary order.
inline constexpr TaskKind kAllTaskKinds[] = {TaskKind::Arithmetic, TaskKind::EditDistance,
                                             TaskKind::LongestIncreasingSubsequence};

// The task with default options; use it only for option-independent properties.
const Task& defaultTask(TaskKind kind);

// "ari", "arithmetic", ... -> kind; throws std::invalid_argument naming the task.
TaskKind taskKindFromName(const std::string& name);

// "[ARI]" -> Arithmetic; nullopt when the token is no task token.
std::optional<TaskKind> taskKindFromToken(const std::string& token);

// Complexity (docs/method.md §1) read off an input without solving it: ARI counts operators, ED
// counts the letters of s1 (before "|"), LIS counts the numbers before "<sep>".
int complexityOfInput(TaskKind kind, const Tokens& input);

} // namespace relay
