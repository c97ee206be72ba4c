#include "tasks/batching.h"

#include "tasks/chain_split.h"
#include "tasks/task_lookup.h"

#include <algorithm>
#include <stdexcept>

namespace relay {
namespace {

void checkBatch(std::size_t problemCount, const BatchOptions& options) {
    if (problemCount == 0)
        throw std::invalid_argument("batch: no problems");
    if (!options.weights.empty() && options.weights.size() != problemCount)
        throw std::invalid_argument("batch: " + std::to_string(options.weights.size()) +
                                    " weights for " + std::to_string(problemCount) + " problems");
}

std::vector<float> weightsFor(std::size_t problemCount, const BatchOptions& options) {
    return options.weights.empty() ? std::vector<float>(problemCount, 1.0f) : options.weights;
}

std::int64_t exampleWidth(const TokenizedProblem& problem) {
    std::size_t width = problem.input.size();
    for (const auto& step : problem.steps)
        width = std::max(width, step.size());
    return static_cast<std::int64_t>(width);
}

// Tokenizes a batch's problems; `storage` keeps them alive for the returned pointers.
std::vector<const TokenizedProblem*> tokenizeAll(const std::vector<Problem>& problems,
                                                 const Vocabulary& vocabulary,
                                                 bool prependTaskToken,
                                                 std::vector<TokenizedProblem>& storage) {
    storage.clear();
    storage.reserve(problems.size());
    std::vector<const TokenizedProblem*> pointers;
    for (const auto& problem : problems) {
        storage.push_back(tokenizeProblem(problem, vocabulary, prependTaskToken));
        pointers.push_back(&storage.back());
    }
    return pointers;
}

} // namespace

std::vector<std::int64_t> inputTokenIds(const Problem& problem, const Vocabulary& vocabulary,
                                        bool prependTaskToken) {
    std::vector<std::int64_t> ids;
    if (prependTaskToken)
        ids.push_back(vocabulary.id(defaultTask(problem.task).taskToken()));
    for (const auto& token : problem.input)
        ids.push_back(vocabulary.id(token));
    return ids;
}

TokenizedProblem tokenizeProblem(const Problem& problem, const Vocabulary& vocabulary,
                                 bool prependTaskToken) {
    TokenizedProblem tokenized;
    tokenized.input = inputTokenIds(problem, vocabulary, prependTaskToken);
    for (const auto& step : problem.steps)
        tokenized.steps.push_back(vocabulary.ids(step));
    tokenized.answer = vocabulary.id(problem.answer);
    tokenized.answerIsLastStep = defaultTask(problem.task).answerIsLastStep();
    return tokenized;
}

LoopedBatch makeLoopedBatch(const std::vector<Problem>& problems, const Vocabulary& vocabulary,
                            const BatchOptions& options) {
    checkBatch(problems.size(), options);
    std::vector<TokenizedProblem> storage;
    return makeLoopedBatch(tokenizeAll(problems, vocabulary, options.prependTaskToken, storage),
                           options);
}

LoopedBatch makeLoopedBatch(const std::vector<const TokenizedProblem*>& problems,
                            const BatchOptions& options) {
    checkBatch(problems.size(), options);
    LoopedBatch batch;
    batch.batchSize = static_cast<std::int64_t>(problems.size());
    for (const auto* problem : problems) {
        batch.exampleWidths.push_back(exampleWidth(*problem));
        batch.iterations.push_back(problem->iterations());
        batch.answerTargets.push_back(problem->answer);
        batch.width = std::max(batch.width, batch.exampleWidths.back());
        batch.maxIterations = std::max(batch.maxIterations, batch.iterations.back());
    }
    batch.weights = weightsFor(problems.size(), options);

    const std::int64_t width = batch.width;
    batch.inputIds.assign(static_cast<std::size_t>(batch.batchSize * width), Vocabulary::kPad);
    const auto cells = static_cast<std::size_t>(batch.maxIterations * batch.batchSize * width);
    batch.stepTargets.assign(cells, Vocabulary::kPad);
    batch.stepMask.assign(cells, 0.0f);
    for (std::int64_t example = 0; example < batch.batchSize; ++example) {
        const TokenizedProblem& problem = *problems[static_cast<std::size_t>(example)];
        std::copy(problem.input.begin(), problem.input.end(),
                  batch.inputIds.begin() + example * width);
        const std::int64_t exampleWidthValue = batch.exampleWidths[example];
        for (std::size_t step = 0; step < problem.steps.size(); ++step) {
            const auto& ids = problem.steps[step];
            const std::int64_t row =
                (static_cast<std::int64_t>(step) * batch.batchSize + example) * width;
            // Right-aligned in [0, n_e): the step ends where the example's width ends.
            const std::int64_t start = exampleWidthValue - static_cast<std::int64_t>(ids.size());
            for (std::size_t index = 0; index < ids.size(); ++index) {
                batch.stepTargets[row + start + static_cast<std::int64_t>(index)] = ids[index];
                batch.stepMask[row + start + static_cast<std::int64_t>(index)] = 1.0f;
            }
            // Eq. 6: the one <pad> left of the step is scored, so the model learns where a
            // step begins; with scoreEveryPad all of them are.
            const std::int64_t firstScored = options.scoreEveryPad ? 0 : start - 1;
            for (std::int64_t column = std::max<std::int64_t>(firstScored, 0); column < start;
                 ++column)
                batch.stepMask[row + column] = 1.0f;
        }
    }
    return batch;
}

std::vector<std::int64_t> arPromptIds(const Problem& problem, const Vocabulary& vocabulary,
                                      bool prependTaskToken) {
    auto ids = inputTokenIds(problem, vocabulary, prependTaskToken);
    ids.insert(ids.begin(), vocabulary.id(kBosToken));
    return ids;
}

ArBatch makeArBatch(const std::vector<Problem>& problems, const Vocabulary& vocabulary,
                    const BatchOptions& options) {
    checkBatch(problems.size(), options);
    std::vector<TokenizedProblem> storage;
    return makeArBatch(tokenizeAll(problems, vocabulary, options.prependTaskToken, storage),
                       vocabulary, options);
}

ArBatch makeArBatch(const std::vector<const TokenizedProblem*>& problems,
                    const Vocabulary& vocabulary, const BatchOptions& options) {
    checkBatch(problems.size(), options);
    const std::int64_t bos = vocabulary.id(kBosToken);
    const std::int64_t eos = vocabulary.id(kEosToken);
    ArBatch batch;
    batch.batchSize = static_cast<std::int64_t>(problems.size());
    std::vector<std::vector<std::int64_t>> sequences;
    for (const auto* problem : problems) {
        std::vector<std::int64_t> sequence{bos};
        sequence.insert(sequence.end(), problem->input.begin(), problem->input.end());
        batch.promptLengths.push_back(static_cast<std::int64_t>(sequence.size()));
        for (const auto& step : problem->steps)
            sequence.insert(sequence.end(), step.begin(), step.end());
        if (!problem->answerIsLastStep)
            sequence.push_back(problem->answer);
        sequence.push_back(eos);
        batch.sequenceLengths.push_back(static_cast<std::int64_t>(sequence.size()));
        batch.length = std::max(batch.length, batch.sequenceLengths.back());
        sequences.push_back(std::move(sequence));
    }
    batch.weights = weightsFor(problems.size(), options);
    const auto cells = static_cast<std::size_t>(batch.batchSize * batch.length);
    batch.tokens.assign(cells, Vocabulary::kPad);
    batch.lossMask.assign(cells, 0.0f);
    for (std::int64_t example = 0; example < batch.batchSize; ++example) {
        const auto& sequence = sequences[static_cast<std::size_t>(example)];
        const std::int64_t row = example * batch.length;
        std::copy(sequence.begin(), sequence.end(), batch.tokens.begin() + row);
        for (std::int64_t position = batch.promptLengths[example];
             position < batch.sequenceLengths[example]; ++position)
            batch.lossMask[row + position] = 1.0f;
    }
    return batch;
}

DecodedChain decodeArContinuation(TaskKind task, const Tokens& continuation) {
    DecodedChain chain;
    auto end = std::find(continuation.begin(), continuation.end(), kEosToken);
    chain.finished = end != continuation.end();
    Tokens flat(continuation.begin(), end);
    if (defaultTask(task).answerIsLastStep()) {
        chain.steps = splitSteps(task, flat);
        // Only a bare one-token last step is an answer; "3 + 4 =" cut short is not.
        if (!chain.steps.empty() && chain.steps.back().size() == 1 &&
            chain.steps.back().front() != "=")
            chain.answer = chain.steps.back().front();
        return chain;
    }
    if (!flat.empty() && !isStepTerminator(task, flat.back())) {
        chain.answer = flat.back();
        flat.pop_back();
    }
    chain.steps = splitSteps(task, flat);
    return chain;
}

} // namespace relay
