// The names of the pipeline's stages: a stage's runs carry the tag "stage:<name>", the report's
// runs are keyed by it. No LibTorch in this header.
#pragma once

#include "store/run_kind.h"

#include <string>

namespace relay {

// A stage that trains one run of a kind is named after the kind (its runs' "stage:" tag); the
// fine-tune on verified chains only and the self-chain phases add to that name.
inline std::string stageOf(RunKind kind) {
    return textOf(kind);
}
inline const std::string kVerifiedFineTuneStage = stageOf(RunKind::ArRelay) + "-verified";
inline const std::string kLabelFreeFineTuneStage = stageOf(RunKind::ArRelay) + "-label-free";
// Self-improvement round r's looped fine-tune.
inline std::string loopedRoundStage(int round) {
    return stageOf(RunKind::Looped) + "-round-" + std::to_string(round);
}

} // namespace relay
