// Stage II (docs/method.md §3): inputs at lengths beyond training, chains written for them by a
// model (the looped generator; for the self-chain baseline the AR model itself), every chain
// checked by the task's exact verifier, and the per-length chain-correctness the workbench reports.
// No LibTorch in this header.
#pragma once

#include "config/experiment_config.h"
#include "store/run_records.h"
#include "tasks/dataset_example.h"
#include "tasks/task.h"
#include "tasks/vocabulary.h"

#include <cstdint>
#include <vector>

namespace relay {

class LoopedTransformer;
class ArTransformer;

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

// One problem with the chain a model wrote for it.
struct GeneratedChain {
    DatasetExample truth;     // the problem with its true chain
    Problem written;          // the same input with the model's steps and answer
    Verdict verdict;          // the exact verifier on `written`
    double tokenAccuracy = 0; // writtenChainTokenAccuracy against the true chain
};

// A written chain for `truth`'s input, checked by the exact verifier of truth's task options.
GeneratedChain checkWrittenChain(const DatasetExample& truth, std::vector<Tokens> steps,
                                 std::string answer);

// The looped model's chains: each iteration's read-out, left pads stripped, is one step; the
// answer head gives the answer (docs/method.md §3 step 2). The config's iterations rule
// chooses how many iterations each problem gets: the oracle T (the paper), a fixed N, or
// adaptive (the most confident of up to `maximum`, or T + max(2, T/2) of the longest problem).
std::vector<GeneratedChain> writeLoopedChains(LoopedTransformer& model,
                                              const Vocabulary& vocabulary,
                                              const std::vector<DatasetExample>& problems,
                                              const IterationsConfig& iterations,
                                              bool prependTaskToken, std::int64_t batchSize);

// The AR model's own greedy chains (the self-chain baseline).
std::vector<GeneratedChain> writeArChains(ArTransformer& model, const Vocabulary& vocabulary,
                                          const std::vector<DatasetExample>& problems,
                                          bool prependTaskToken, std::int64_t batchSize);

// The store's row for a chain (steps as a JSON list of step strings).
ChainRecord chainRecordOf(const GeneratedChain& chain);

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
};
std::vector<ChainCorrectness> chainCorrectnessByLength(const std::vector<ChainRecord>& chains);

// A written chain as a training example (the problem's options and task weight kept; empty
// steps dropped, which leaves the AR token sequence unchanged).
DatasetExample writtenExample(const GeneratedChain& chain);

// The written chains as training examples (keeping each problem's options and task weight),
// only the verified ones when asked.
std::vector<DatasetExample> writtenExamples(const std::vector<GeneratedChain>& chains,
                                            bool verifiedOnly);

} // namespace relay
