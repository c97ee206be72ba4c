// Self-improvement rounds of the looped model (beyond the paper; stage2.rounds): round r writes
// chains for problems of length K_train + r with the looped model of round r-1 (round 0 is
// Stage I), keeps the chains the label-free filter keeps (no verifier), and fine-tunes that
// looped model on the original-length data plus the kept chains of rounds 1..r. Each round's
// fine-tune is an ordinary looped run whose parent is the previous round's run, so it is
// evaluated by length, resumable and listed like any run. No LibTorch in this header.
#pragma once

#include "store/run_store.h"
#include "train/chain_generation.h"
#include "train/trainer.h"

#include <string>
#include <vector>

namespace relay {

// The length round `round` (1-based) writes its chains at: K_train + round.
int roundChainLength(const ExperimentConfig& config, int round);

// Chains a round writes: stage2.round_samples, or Stage II's count at K_train+1.
int roundSampleCount(const ExperimentConfig& config);

struct LoopedRound {
    int round = 1;              // 1-based
    std::int64_t writerRun = 0; // the looped model of round - 1
    std::string folder;         // where the round's chains and training set are written
};

// The round's chains (every one written, each with its label-free check) and the training
// request of its fine-tune: `config` on <folder>/looped-round-<r>-finetune.jsonl, the originals
// followed by the label-free-kept chains of rounds 1..r (earlier rounds' files are in folder).
struct LoopedRoundPreparation {
    std::vector<GeneratedChain> chains;
    TrainingRequest request;
};
LoopedRoundPreparation prepareLoopedRound(RunStore& store, const ExperimentConfig& config,
                                          const LoopedRound& round);

} // namespace relay
