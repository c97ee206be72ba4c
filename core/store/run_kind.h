// The kinds of run (the store's `kind` column, `relay train --kind`) and their statuses. No
// LibTorch or SQLite: the GUI names them too.
#pragma once

#include "closed_set.h"

namespace relay {

// looped: RELAY Stage I; looped-vanilla: the same model on L_ans alone; ar: the AR-CoT
// baseline; ar-relay: an AR model fine-tuned on a looped run's Stage II chains; ar-self:
// fine-tuned on its own chains (the paper's self-chain baseline). The last two start from a
// parent run.
enum class RunKind { Looped, LoopedVanilla, Ar, ArRelay, ArSelf };
template <> struct ClosedSet<RunKind> {
    static constexpr const char* what = "run kind";
    static constexpr std::array<std::pair<RunKind, const char*>, 5> names{
        {{RunKind::Looped, "looped"},
         {RunKind::LoopedVanilla, "looped-vanilla"},
         {RunKind::Ar, "ar"},
         {RunKind::ArRelay, "ar-relay"},
         {RunKind::ArSelf, "ar-self"}}};
};

inline bool isAutoregressive(RunKind kind) {
    return kind == RunKind::Ar || kind == RunKind::ArRelay || kind == RunKind::ArSelf;
}

} // namespace relay
