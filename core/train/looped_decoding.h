// Reading a looped model's chain out of its loop iterations (docs/method.md §3 step 2): each
// iteration's read-out over [0, n_e) is kept whole for the loop-iteration viewer, and with
// its left padding stripped it is one CoT step; the answer head gives the answer.
//
// "Left padding" ends at the last <pad> of the row: Eq. 6 trains only the step's tokens and
// the one <pad> left of them, so positions further left are never scored and a trained model
// writes anything there. The step is what follows the boundary <pad> (the whole row when
// there is none), which is exactly the Eq. 6 positions being right. Evaluation,
// Stage II chain generation and the GUI viewer all decode through here.
//
// Only inputs are needed: n_e comes from the input (see loopedWidth) and T from the stopping
// rule. No LibTorch in this header, so plain C++ callers can use the results.
#pragma once

#include "tasks/problem.h"
#include "tasks/vocabulary.h"

#include <cstdint>
#include <string>
#include <vector>

namespace relay {

class LoopedTransformer;
struct LoopedInference;
struct StoppingOptions;

// What one loop iteration wrote.
struct IterationReadOut {
    Tokens tokens;                 // argmax over [0, n_e), "<pad>" included (the viewer's row)
    Tokens step;                   // the tokens after the last "<pad>": the step it claims
    std::vector<float> confidence; // top-1 softmax probability at each of the n_e positions
    double uncertainty = 0;        // the adaptive-stopping score (lower = more confident)
};

// One problem decoded at every iteration the model ran.
struct LoopedDecoding {
    std::int64_t width = 0;                 // n_e
    std::vector<IterationReadOut> readOuts; // iterations 1..ran (oracle: T, adaptive: T_max)
    int chosenIterations = 0;               // the stopping rule's T (1-based)
    std::string answer;                     // the answer head's token at that iteration
    float answerConfidence = 0;

    // The steps of iterations 1..chosenIterations: the chain the model claims.
    std::vector<Tokens> chain() const;
};

// The step a read-out row claims: the tokens after its last "<pad>" (all of them when it has
// none). Whatever lies left of that boundary pad is unscored scratch.
Tokens stripLeftPads(const Tokens& readOut);

// n_e of the looped layout (tasks/batch.h): the longest of the input (with the task token
// when prepended) and every step. Without steps it is known from the input alone: ARI and ED
// steps are never longer than their input, LIS steps are always ten values and "<sep>".
std::int64_t loopedWidth(const Problem& problem, bool prependTaskToken);

// T for the oracle rule: the number of steps, or for an input-only problem the task's T for
// the input's complexity.
int oracleIterations(const Problem& problem);

// Runs the model over the problems in batches (no gradients, eval mode; the module's mode is
// restored afterwards) on the model's device. Oracle stopping uses oracleIterations.
std::vector<LoopedDecoding> decodeLooped(LoopedTransformer& model, const Vocabulary& vocabulary,
                                         const std::vector<Problem>& problems,
                                         const StoppingOptions& stopping, bool prependTaskToken,
                                         std::int64_t batchSize = 64);

// The decodings of one inferLooped result: per example b, the argmax of stepLogits
// [T, B, N, V] over [0, exampleWidths[b]) for iterations 1..iterationsRun[b] (later
// iterations of a mixed batch only repeat a frozen state), with tokenConfidence [T, B, N],
// answerLogits [B, V], chosenIterations [B] and uncertaintyTrace [T, B] (may be undefined).
std::vector<LoopedDecoding> decodeInference(const LoopedInference& inference,
                                            const std::vector<std::int64_t>& exampleWidths,
                                            const std::vector<std::int64_t>& iterationsRun,
                                            const Vocabulary& vocabulary);

} // namespace relay
