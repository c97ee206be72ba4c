// Stage II (docs/method.md §3): inputs at lengths beyond training, chains written for them by a
// model (the looped generator; for the self-chain baseline the AR model itself), every chain
// checked by the task's exact verifier, and the per-length chain-correctness the workbench reports.
// No LibTorch in this header.
#pragma once

#include "closed_set.h"
#include "config/experiment_config.h"
#include "store/run_records.h"
#include "tasks/dataset_example.h"
#include "tasks/task.h"
#include "tasks/vocabulary.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace relay {

class LoopedTransformer;
class ArTransformer;
struct LoopedDecoding;

// The paper's Table 3 (ARI, lengths 16..25): generated samples at K_train+1, +2, ... .
const std::vector<int>& paperGeneratedShares();

// `total` split over `lengths` consecutive lengths in the paper's proportions (the last share
// repeats past ten lengths), largest-remainder rounding so the counts sum to total.
std::vector<int> paperLengthCounts(int total, int lengths);

// Inputs to write chains for: per task, counts[i] problems of length lengthMin + i with their
// true chains, drawn from the training streams of those lengths (never used by training, which
// stops at K_train) and never an input of the config's test sets.
std::vector<DatasetExample> stageTwoProblems(const ExperimentConfig& config, int lengthMin,
                                             const std::vector<int>& counts);

// The label-free filter, for Stage II where no verifier exists: it keeps a looped model's chain
// when the answer head's answer equals the answer the written steps imply (Task::chainAnswer)
// and the model wrote every token of the chain with at least `stage2.label_free_confidence`
// top-1 probability. (Adaptive stopping's choice against T was tried as a third signal and
// dropped: on the demo's ARI model it kept chains no more often right than chance.)
struct LabelFreeCheck {
    bool answerAgrees = false;
    // The least confident token of the chain: the lowest top-1 probability over every step's
    // tokens (each right-aligned in its iteration's read-out) and the answer.
    double confidence = 0;
    bool kept = false; // answerAgrees and confidence >= the threshold
};

// The check of one decoding written as a chain of `task`, kept at `minimumConfidence`.
LabelFreeCheck labelFreeCheck(const LoopedDecoding& decoding, const Task& task,
                              double minimumConfidence);

// One problem with the chain a model wrote for it.
struct GeneratedChain {
    DatasetExample truth;                    // the problem with its true chain
    Problem written;                         // the same input with the model's steps and answer
    Verdict verdict;                         // the exact verifier on `written`
    double tokenAccuracy = 0;                // writtenChainTokenAccuracy against the true chain
    std::optional<LabelFreeCheck> labelFree; // looped chains only

    bool verified() const { return verdict.chainCorrect && verdict.answerCorrect; }
};

// A written chain for `truth`'s input, checked by the exact verifier of truth's task options.
GeneratedChain checkWrittenChain(const DatasetExample& truth, std::vector<Tokens> steps,
                                 std::string answer);

// How many problems Stage II, the self-improvement rounds and the self-chain baseline decode
// at once: large enough to keep the matrix multiplies efficient, small enough that a batch of
// full-width chains fits in memory.
inline constexpr std::int64_t kGenerationBatch = 256;

// The looped model's chains: each iteration's read-out, left pads stripped, is one step; the
// answer head gives the answer (docs/method.md §3 step 2). The config's iterations rule
// chooses how many iterations each problem gets: the oracle T (the paper), a fixed N, or
// adaptive (the most confident of up to `maximum`, or T + max(2, T/2) of the longest problem).
// Every chain gets its label-free check at `labelFreeConfidence`.
std::vector<GeneratedChain>
writeLoopedChains(LoopedTransformer& model, const Vocabulary& vocabulary,
                  const std::vector<DatasetExample>& problems, const IterationsConfig& iterations,
                  bool prependTaskToken, std::int64_t batchSize, double labelFreeConfidence);

// The AR model's own greedy chains (the self-chain baseline).
std::vector<GeneratedChain> writeArChains(ArTransformer& model, const Vocabulary& vocabulary,
                                          const std::vector<DatasetExample>& problems,
                                          bool prependTaskToken, std::int64_t batchSize);

// The store's row for a chain (steps as a JSON list of step strings).
ChainRecord chainRecordOf(const GeneratedChain& chain);

// How a selection of chains agrees with the exact verifier: precision is the share of the
// selected chains the verifier accepts, recall the share of accepted chains selected (< 0 when
// undefined: nothing selected, or nothing accepted).
struct FilterAgreement {
    int selected = 0;
    int selectedAndVerified = 0;
    int verified = 0;
    double precision() const {
        return selected > 0 ? static_cast<double>(selectedAndVerified) / selected : -1;
    }
    double recall() const {
        return verified > 0 ? static_cast<double>(selectedAndVerified) / verified : -1;
    }
};

// Chain correctness of one task and length.
struct ChainCorrectness {
    std::string task;
    int length = 0;
    int samples = 0;
    double verified = 0;      // fraction of chains the verifier accepts in full
    double answerCorrect = 0; // fraction whose answer is right
    // Mean over the chains of the share of true step tokens in place; < 0 when no chain has it
    // (chains stored before it was measured).
    double tokenAccuracy = -1;
    // The label-free filter against the verifier, over the chains that have its check (all
    // counts 0 when none has: chains stored before it existed, or AR chains).
    FilterAgreement labelFree;
};
std::vector<ChainCorrectness> chainCorrectnessByLength(const std::vector<ChainRecord>& chains);

// The label-free filter against the verifier over all lengths.
FilterAgreement labelFreeAgreement(const std::vector<ChainCorrectness>& rows);

// A written chain as a training example (the problem's options and task weight kept; empty
// steps dropped, which leaves the AR token sequence unchanged).
DatasetExample writtenExample(const GeneratedChain& chain);

// Which written chains become training examples: all of them (the paper), those the
// label-free filter keeps, or those the exact verifier accepts (an oracle upper bound).
enum class ChainSelection { All, LabelFree, Verified };
template <> struct ClosedSet<ChainSelection> {
    static constexpr const char* what = "chains";
    static constexpr std::array<std::pair<ChainSelection, const char*>, 3> names{
        {{ChainSelection::All, "all"},
         {ChainSelection::LabelFree, "label-free"},
         {ChainSelection::Verified, "verified"}}};
};

// The selected chains as training examples (keeping each problem's options and task weight).
std::vector<DatasetExample> writtenExamples(const std::vector<GeneratedChain>& chains,
                                            ChainSelection selection);

} // namespace relay
