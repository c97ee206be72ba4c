// Evaluating looped and AR models on test sets (docs/method.md §5): per task and length the
// final-answer accuracy, chain exact-match and CoT token accuracy (EvalRecord), the accuracy
// of every CoT step (StepAccuracyRecord) and, for requested lengths, the hit matrix
// (HitMatrixRecord); and probe snapshots, a few fixed problems decoded at every iteration so
// the viewer can scrub training step x iteration. Metric definitions: evaluation_scoring.h.
//
// Looped models are scored with the oracle T (the paper) and with adaptive stopping (Fan et
// al.: the most confident iteration up to T_max); per-step accuracy and hit matrices use the
// oracle run. AR models decode greedily with the KV cache (stopping = "greedy").
//
// Every call runs without gradients in eval mode and gives the module back its previous mode.
// No LibTorch in this header.
#pragma once

#include "store/run_records.h"
#include "tasks/dataset.h"
#include "tasks/vocabulary.h"
#include "train/evaluation_scoring.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace relay {

class LoopedTransformer;
class ArTransformer;

struct EvaluationOptions {
    std::int64_t trainingStep = 0; // stamped on every record
    std::int64_t batchSize = 64;
    bool prependTaskToken = false;     // multitask models read [ARI], [ED] or [LIS] first
    std::vector<int> hitMatrixLengths; // test-set lengths that get a hit matrix
    bool adaptive = true;              // looped: also score adaptive stopping
    // Adaptive T_max; 0 means the test set's T plus half of it (at least 2 more), so the
    // model can both stop early and run past T.
    std::int64_t adaptiveMaximumIterations = 0;
};

struct EvaluationReport {
    std::vector<EvalRecord> evals;                  // looped: oracle then adaptive per set
    std::vector<StepAccuracyRecord> stepAccuracies; // CoT steps 1..T per set
    std::vector<HitMatrixRecord> hitMatrices;       // one per set whose length was asked for

    // One test set's scores under `stopping`: its eval record, its CoT step accuracies and, when
    // the options ask for its length, the hit matrix `hitCells` computes (called only then).
    void add(const ChainScores& scores, const TestSet& testSet, const EvaluationOptions& options,
             const std::string& stopping, const std::function<std::vector<HitCell>()>& hitCells);
};

// Throws std::invalid_argument on a batch size below 1; empty test sets are skipped.
EvaluationReport evaluateLooped(LoopedTransformer& model, const Vocabulary& vocabulary,
                                const std::vector<TestSet>& testSets,
                                const EvaluationOptions& options);
EvaluationReport evaluateAr(ArTransformer& model, const Vocabulary& vocabulary,
                            const std::vector<TestSet>& testSets, const EvaluationOptions& options);

// Tokens an AR model may write for these problems: the longest true continuation (flat CoT, the
// answer when it is not the last step, <eos>) plus room for a model that writes a little more.
std::int64_t newTokenBudget(const std::vector<Problem>& problems);

// Batched greedy decoding of the problems' prompts (arPromptIds), ending at <eos> or after
// maximumNewTokens, read back with decodeArContinuation. Only inputs are needed.
std::vector<ArDecoding> decodeAr(ArTransformer& model, const Vocabulary& vocabulary,
                                 const std::vector<Problem>& problems, bool prependTaskToken,
                                 std::int64_t batchSize, std::int64_t maximumNewTokens);

// Probe problems picked deterministically from test sets: `inDistribution` from lengths
// <= maximumTrainLength and `longer` from the lengths above, each spread evenly from the
// shortest to the longest such length (the first examples of a set first). Fewer when the
// sets hold fewer problems.
std::vector<Problem> pickProbeProblems(const std::vector<TestSet>& testSets, int maximumTrainLength,
                                       int inDistribution = 3, int longer = 3);

// Each probe decoded with the oracle T; one record per probe and iteration 1..T, problemIndex
// being the probe's index. predicted: the full width-n_e read-out, space-joined, "<pad>"
// included; target: true step t right-aligned in the same width; confidenceJson: the top-1
// probability of each of the n_e positions.
std::vector<ProbeRecord> probeLooped(LoopedTransformer& model, const Vocabulary& vocabulary,
                                     const std::vector<Problem>& probes, std::int64_t trainingStep,
                                     bool prependTaskToken = false, std::int64_t batchSize = 64);

} // namespace relay
