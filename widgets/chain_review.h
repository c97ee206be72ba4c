// The chain inspector's bookkeeping (docs/architecture.md, view 4), without widgets: each stored
// Stage II chain next to its true chain (the task's solver on the input, with the generator run's
// task options), per-length correctness, filtering, and the export of a filtered set as dataset
// examples (JSONL or CoT_benchmark text through writeDatasetFile).
#pragma once

#include "store/run_records.h"
#include "tasks/dataset_example.h"

#include <string>
#include <vector>

namespace relay {

struct ChainReview {
    ChainRecord chain;
    std::vector<Tokens> steps; // the generated steps, split into tokens
    Problem truth;             // the canonical chain of chain.input
    std::string error;         // why the truth is unknown (an unreadable input), else empty
};

struct LengthCorrectness {
    int length = 0;
    int chains = 0;
    int verified = 0;      // every step and the answer right
    int answerCorrect = 0; // the answer right, whatever the steps
    // Mean share of the true steps' tokens in place over the chains that have it measured;
    // < 0 when none has (chains stored before the engine measured it).
    double tokenAccuracy = -1;
};

// LabelFreeKept: the chains the label-free Stage II filter kept (ChainRecord::labelFreeKept).
enum class ChainFilter { All, Verified, Wrong, LabelFreeKept };

std::vector<ChainReview> reviewChains(const std::vector<ChainRecord>& chains,
                                      const std::string& configJson);

std::vector<LengthCorrectness> correctnessByLength(const std::vector<ChainReview>& reviews);

// Indices of the reviews that pass; length 0 keeps every length.
std::vector<int> filterChains(const std::vector<ChainReview>& reviews, int length,
                              ChainFilter filter);

// The generated chains (not the true ones) as examples, the way Stage II hands them on. A
// chain with an empty step or answer cannot be written in either format (the readers reject
// it): it is left out and counted in *skipped.
std::vector<DatasetExample> exportExamples(const std::vector<ChainReview>& reviews,
                                           const std::vector<int>& indices,
                                           const std::string& configJson, int* skipped = nullptr);

// Positions in the generated step that differ from the true step, both right-aligned as the
// model reads steps out (a dropped or extra token on the left shifts nothing on the right);
// positions with no counterpart count as different.
std::vector<int> differingTokens(const Tokens& generated, const Tokens& truth);

} // namespace relay
