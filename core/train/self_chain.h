// The paper's self-chain baseline (docs/method.md §3): the AR model writes its own chains for
// longer problems, a chain is kept when its answer matches the vanilla looped model's answer (or
// the true answer), and the AR model is fine-tuned incrementally over phases of increasing length,
// each phase starting from the previous phase's model and adding that phase's kept chains.
// No LibTorch in this header.
#pragma once

#include "store/run_store.h"
#include "train/chain_generation.h"
#include "train/trainer.h"

#include <optional>
#include <string>
#include <vector>

namespace relay {

// Lengths K_train+1..stage2 maximum split into consecutive, nearly equal groups, one per phase
// (fewer phases when there are fewer lengths).
std::vector<std::vector<int>> selfChainPhaseLengths(const ExperimentConfig& config);

struct SelfChainPhase {
    int phase = 1;                          // 1-based
    std::int64_t writerRun = 0;             // the AR model writing this phase's chains
    std::optional<std::int64_t> vanillaRun; // the filter's vanilla looped model
    std::string folder;                     // where the phase's training set is written
};

// Writes the phase's chains with the writer run, keeps those the filter accepts, and returns the
// chains (all of them, `kept` marking the accepted ones) with the training request for the
// phase: originals + the kept chains of phases 1..phase (earlier phases' files are in `folder`).
struct SelfChainPreparation {
    std::vector<GeneratedChain> chains;
    std::vector<bool> kept;
    TrainingRequest request;
};
SelfChainPreparation prepareSelfChainPhase(RunStore& store, const ExperimentConfig& config,
                                           const SelfChainPhase& phase);

} // namespace relay
