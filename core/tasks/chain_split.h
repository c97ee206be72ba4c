// Splitting a flat CoT (what an AR model writes, one token after another) back into steps, by
// each task's step terminator: ARI steps end with "=" except the last, the bare answer; ED
// steps end with ","; LIS steps end with "<sep>".
#pragma once

#include "tasks/problem.h"

#include <vector>

namespace relay {

// Cuts after every terminator; tokens after the last terminator form one more step (ARI's bare
// answer, or an unfinished step of a truncated output).
std::vector<Tokens> splitSteps(TaskKind task, const Tokens& flat);

// True when the token ends a step of this task ("=", "," or "<sep>").
bool isStepTerminator(TaskKind task, const std::string& token);

} // namespace relay
