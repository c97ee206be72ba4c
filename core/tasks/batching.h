// Problems -> the model-ready batches documented in tasks/batch.h (looped and AR layouts), and
// an AR model's output back into steps and answer.
#pragma once

#include "tasks/batch.h"
#include "tasks/problem.h"
#include "tasks/vocabulary.h"

#include <cstdint>
#include <vector>

namespace relay {

struct BatchOptions {
    bool prependTaskToken = false; // multitask: the input starts with [ARI], [ED] or [LIS]
    std::vector<float> weights;    // one per problem; empty means 1 for every problem
    // Looped: score every <pad> left of a step (objective.pad_targets "all"), not only the
    // one just before it (Eq. 6).
    bool scoreEveryPad = false;
};

// A problem as token ids, looked up once: a training set is batched thousands of times, and
// string lookups per token and step cost more than a small model's step.
struct TokenizedProblem {
    std::vector<std::int64_t> input; // [task token] input
    std::vector<std::vector<std::int64_t>> steps;
    std::int64_t answer = 0;
    bool answerIsLastStep = false; // the task's last step already is the answer (ARI)

    std::int64_t iterations() const { return static_cast<std::int64_t>(steps.size()); }
};

// The input as token ids, [task token] first when asked: what the looped model reads in training
// and at inference. Throws std::out_of_range on a token outside the vocabulary.
std::vector<std::int64_t> inputTokenIds(const Problem& problem, const Vocabulary& vocabulary,
                                        bool prependTaskToken);

// Throws std::out_of_range on a token outside the vocabulary.
TokenizedProblem tokenizeProblem(const Problem& problem, const Vocabulary& vocabulary,
                                 bool prependTaskToken);

// Looped layout (docs/method.md §2.2): per-example width n_e, right-aligned step targets and the
// Eq. 6 mask. Throws std::invalid_argument on an empty batch, a weight count that does not
// match, or a token outside the vocabulary (std::out_of_range).
LoopedBatch makeLoopedBatch(const std::vector<Problem>& problems, const Vocabulary& vocabulary,
                            const BatchOptions& options = {});
// The same from problems tokenized with options.prependTaskToken already applied.
LoopedBatch makeLoopedBatch(const std::vector<const TokenizedProblem*>& problems,
                            const BatchOptions& options = {});

// AR layout (docs/method.md §2.3): <bos> [task token] input steps [answer] <eos>, where the answer
// is left out when the task's last step already is the answer (ARI).
ArBatch makeArBatch(const std::vector<Problem>& problems, const Vocabulary& vocabulary,
                    const BatchOptions& options = {});
ArBatch makeArBatch(const std::vector<const TokenizedProblem*>& problems,
                    const Vocabulary& vocabulary, const BatchOptions& options = {});

// The prompt an AR model continues at test time: <bos> [task token] input.
std::vector<std::int64_t> arPromptIds(const Problem& problem, const Vocabulary& vocabulary,
                                      bool prependTaskToken = false);

// What an AR model wrote after its prompt, read back as a chain.
struct DecodedChain {
    std::vector<Tokens> steps;
    std::string answer;    // empty when the output holds no answer
    bool finished = false; // the output reached <eos>
};

// `continuation` is the generated tokens after the prompt; everything from <eos> on is dropped.
DecodedChain decodeArContinuation(TaskKind task, const Tokens& continuation);

} // namespace relay
