// Run kinds by name (the store's `kind` column and `relay train --kind`).
#include "train/trainer.h"

#include <stdexcept>

namespace relay {

std::string runKindName(RunKind kind) {
    switch (kind) {
    case RunKind::Looped:
        return "looped";
    case RunKind::LoopedVanilla:
        return "looped-vanilla";
    case RunKind::Ar:
        return "ar";
    case RunKind::ArRelay:
        return "ar-relay";
    case RunKind::ArSelf:
        return "ar-self";
    }
    return "looped";
}

RunKind runKindFromName(const std::string& name) {
    for (auto kind :
         {RunKind::Looped, RunKind::LoopedVanilla, RunKind::Ar, RunKind::ArRelay, RunKind::ArSelf})
        if (runKindName(kind) == name)
            return kind;
    throw std::invalid_argument("run kind '" + name +
                                "' is not one of looped, looped-vanilla, ar, ar-relay, ar-self");
}

bool isAutoregressive(RunKind kind) {
    return kind == RunKind::Ar || kind == RunKind::ArRelay || kind == RunKind::ArSelf;
}

} // namespace relay
