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

// running -> finished | cancelled | diverged | failed; a run whose process died while running
// is marked interrupted the next time the store is opened.
enum class RunStatus { Running, Finished, Cancelled, Diverged, Failed, Interrupted };
template <> struct ClosedSet<RunStatus> {
    static constexpr const char* what = "run status";
    static constexpr std::array<std::pair<RunStatus, const char*>, 6> names{
        {{RunStatus::Running, "running"},
         {RunStatus::Finished, "finished"},
         {RunStatus::Cancelled, "cancelled"},
         {RunStatus::Diverged, "diverged"},
         {RunStatus::Failed, "failed"},
         {RunStatus::Interrupted, "interrupted"}}};
};

// A cancelled or interrupted run can be resumed from its last checkpoint.
inline bool isResumable(RunStatus status) {
    return status == RunStatus::Cancelled || status == RunStatus::Interrupted;
}

inline bool isAutoregressive(RunKind kind) {
    return kind == RunKind::Ar || kind == RunKind::ArRelay || kind == RunKind::ArSelf;
}

} // namespace relay
