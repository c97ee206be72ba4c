// Scoring predicted chains against true ones (docs/method.md §5), as pure functions on tokens so
// every metric can be checked by hand. One call scores one test set (one task, one length).
//
// Looped chains (LoopedDecoding): the chain's step t is iteration t's read-out, for
// t <= chosenIterations; a step past the chosen count is missing and every token of it counts
// wrong. AR chains (ArDecoding): step t is the t-th step the model wrote.
//
// - answer accuracy: fraction of examples whose answer equals the true answer;
// - chain accuracy (exact match): every true step 1..T equals the predicted step t (what
//   follows the row's last <pad>, so looped: all Eq. 6 positions of the row right) and the model
//   claims exactly T steps (looped: chosenIterations == T, which only adaptive stopping can break;
//   AR: the same step count);
// - token ("bit") accuracy, micro-averaged over the test set: looped over the Eq. 6 mask
//   positions of the right-aligned width-n_e rows (each step's tokens and the one <pad> left
//   of them); AR over the true flat CoT (all steps' tokens in order) against the generated
//   tokens at the same positions, missing tokens wrong;
// - step accuracy of CoT step t: fraction of examples with a step t whose predicted step t
//   equals it exactly;
// - hit matrix: rows t = 1..T (the longest T), columns j = 0..(longest true step - 1), the
//   j-th token of true step t from the left; looped compares right-aligned rows (the token
//   sits at n_e - length + j), AR left-aligned ones (position j of the written step). Each
//   cell counts the examples whose true step t has a token j; cells without any hold 0.
#pragma once

#include "store/run_records.h"
#include "tasks/batching.h"
#include "tasks/problem.h"
#include "train/looped_decoding.h"

#include <cstdint>
#include <string>
#include <vector>

namespace relay {

// What an AR model wrote after its prompt.
struct ArDecoding {
    Tokens generated;   // the continuation up to, not including, <eos>
    DecodedChain chain; // read back into steps and answer (decodeArContinuation)
};

struct ChainScores {
    int samples = 0;
    double answerAccuracy = 0;
    double chainAccuracy = 0;
    double tokenAccuracy = 0;
    long scoredTokens = 0;            // the token accuracy's denominator
    std::vector<double> stepAccuracy; // CoT step t at index t - 1, t = 1..longest T
};

// Each throws std::invalid_argument when the two lists differ in size; empty lists score 0.
ChainScores scoreLooped(const std::vector<Problem>& problems,
                        const std::vector<LoopedDecoding>& decodings);
ChainScores scoreAr(const std::vector<Problem>& problems, const std::vector<ArDecoding>& decodings);

// Cells in row-major order (cotStep 1..T, then position 0..columns-1).
std::vector<HitCell> loopedHitMatrix(const std::vector<Problem>& problems,
                                     const std::vector<LoopedDecoding>& decodings);
std::vector<HitCell> arHitMatrix(const std::vector<Problem>& problems,
                                 const std::vector<ArDecoding>& decodings);

// Token accuracy of a written chain (Stage II): the share of the true steps' tokens that the
// written chain has in place, token j of true step t against written step t with both steps
// right-aligned (as the looped read-out rows are, left pads stripped); a missing step or token
// counts wrong, extra written steps are ignored (the verifier reports those). 1 when the true
// chain has no step tokens.
double writtenChainTokenAccuracy(const std::vector<Tokens>& trueSteps,
                                 const std::vector<Tokens>& writtenSteps);

// The run store's records of one test set's scores.
EvalRecord evalRecordOf(const ChainScores& scores, TaskKind task, int length,
                        std::int64_t trainingStep, const std::string& stopping);
std::vector<StepAccuracyRecord> stepAccuracyRecordsOf(const ChainScores& scores, TaskKind task,
                                                      int length, std::int64_t trainingStep);

} // namespace relay
