// How many loop iterations an example gets at inference (docs/method.md §2.4). No LibTorch:
// the config and the GUI name the rule too.
#pragma once

#include "closed_set.h"

namespace relay {

enum class StoppingRule {
    Oracle,  // T from the problem's complexity (the paper)
    Fixed,   // a fixed N
    Adaptive // run to a maximum, keep the iteration whose read-out is most confident
};
template <> struct ClosedSet<StoppingRule> {
    static constexpr const char* what = "iterations.rule";
    static constexpr std::array<std::pair<StoppingRule, const char*>, 3> names{
        {{StoppingRule::Oracle, "oracle"},
         {StoppingRule::Fixed, "fixed"},
         {StoppingRule::Adaptive, "adaptive"}}};
};

} // namespace relay
