#include "train/evaluation_scoring.h"

#include "tasks/task.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace relay {
namespace {

template <typename Decoding>
void checkSizes(const std::vector<Problem>& problems, const std::vector<Decoding>& decodings) {
    if (problems.size() != decodings.size())
        throw std::invalid_argument("scoring: " + std::to_string(decodings.size()) +
                                    " predictions for " + std::to_string(problems.size()) +
                                    " problems");
}

// Iteration t's read-out when it belongs to the claimed chain (t <= chosenIterations).
const IterationReadOut* chainReadOut(const LoopedDecoding& decoding, std::size_t step) {
    if (step >= decoding.readOuts.size() || static_cast<int>(step) >= decoding.chosenIterations)
        return nullptr;
    return &decoding.readOuts[step];
}

// Whether the read-out row holds `expected` at `position` (a position outside it is wrong).
bool holds(const Tokens& row, long position, const std::string& expected) {
    return position >= 0 && position < static_cast<long>(row.size()) &&
           row[static_cast<std::size_t>(position)] == expected;
}

double fraction(long hits, long total) {
    return total > 0 ? static_cast<double>(hits) / static_cast<double>(total) : 0.0;
}

std::size_t longestChain(const std::vector<Problem>& problems) {
    std::size_t longest = 0;
    for (const auto& problem : problems)
        longest = std::max(longest, problem.steps.size());
    return longest;
}

// Fills the per-step accuracy from `stepCorrect(example, t)` for every example that has a
// step t (0-based here).
template <typename StepCorrect>
std::vector<double> stepAccuracies(const std::vector<Problem>& problems, StepCorrect stepCorrect) {
    const auto rows = longestChain(problems);
    std::vector<long> hits(rows, 0), totals(rows, 0);
    for (std::size_t example = 0; example < problems.size(); ++example)
        for (std::size_t step = 0; step < problems[example].steps.size(); ++step) {
            ++totals[step];
            hits[step] += stepCorrect(example, step) ? 1 : 0;
        }
    std::vector<double> accuracies(rows);
    for (std::size_t step = 0; step < rows; ++step)
        accuracies[step] = fraction(hits[step], totals[step]);
    return accuracies;
}

// Rows = longest T, columns = longest true step; `tokenCorrect(example, t, j)` (0-based t).
template <typename TokenCorrect>
std::vector<HitCell> hitMatrix(const std::vector<Problem>& problems, TokenCorrect tokenCorrect) {
    const auto rows = longestChain(problems);
    std::size_t columns = 0;
    for (const auto& problem : problems)
        for (const auto& step : problem.steps)
            columns = std::max(columns, step.size());
    std::vector<long> hits(rows * columns, 0), totals(rows * columns, 0);
    for (std::size_t example = 0; example < problems.size(); ++example) {
        const auto& steps = problems[example].steps;
        for (std::size_t step = 0; step < steps.size(); ++step)
            for (std::size_t position = 0; position < steps[step].size(); ++position) {
                ++totals[step * columns + position];
                hits[step * columns + position] += tokenCorrect(example, step, position) ? 1 : 0;
            }
    }
    std::vector<HitCell> cells;
    cells.reserve(rows * columns);
    for (std::size_t step = 0; step < rows; ++step)
        for (std::size_t position = 0; position < columns; ++position) {
            HitCell cell;
            cell.cotStep = static_cast<int>(step) + 1;
            cell.position = static_cast<int>(position);
            cell.samples = static_cast<int>(totals[step * columns + position]);
            cell.accuracy = fraction(hits[step * columns + position], cell.samples);
            cells.push_back(cell);
        }
    return cells;
}

// Looped: token j of true step t, right-aligned in the width-n_e read-out.
bool loopedTokenCorrect(const Problem& problem, const LoopedDecoding& decoding, std::size_t step,
                        std::size_t position) {
    const auto* readOut = chainReadOut(decoding, step);
    if (readOut == nullptr)
        return false;
    const auto& trueStep = problem.steps[step];
    const long start =
        static_cast<long>(readOut->tokens.size()) - static_cast<long>(trueStep.size());
    return holds(readOut->tokens, start + static_cast<long>(position), trueStep[position]);
}

} // namespace

ChainScores scoreLooped(const std::vector<Problem>& problems,
                        const std::vector<LoopedDecoding>& decodings) {
    checkSizes(problems, decodings);
    ChainScores scores;
    scores.samples = static_cast<int>(problems.size());
    long answers = 0, chains = 0, tokenHits = 0;
    for (std::size_t example = 0; example < problems.size(); ++example) {
        const auto& problem = problems[example];
        const auto& decoding = decodings[example];
        answers += decoding.answer == problem.answer ? 1 : 0;
        bool chainCorrect = decoding.chosenIterations == problem.iterations();
        for (std::size_t step = 0; step < problem.steps.size(); ++step) {
            const auto* readOut = chainReadOut(decoding, step);
            chainCorrect =
                chainCorrect && readOut != nullptr && readOut->step == problem.steps[step];
            // Eq. 6 mask: the step's tokens and the single <pad> just left of them.
            const auto& trueStep = problem.steps[step];
            for (std::size_t position = 0; position < trueStep.size(); ++position)
                tokenHits += loopedTokenCorrect(problem, decoding, step, position) ? 1 : 0;
            scores.scoredTokens += static_cast<long>(trueStep.size());
            const long width = readOut != nullptr ? static_cast<long>(readOut->tokens.size())
                                                  : static_cast<long>(decoding.width);
            const long boundary = width - static_cast<long>(trueStep.size()) - 1;
            if (boundary >= 0) {
                ++scores.scoredTokens;
                tokenHits += readOut != nullptr && holds(readOut->tokens, boundary, kPadToken);
            }
        }
        chains += chainCorrect ? 1 : 0;
    }
    scores.answerAccuracy = fraction(answers, scores.samples);
    scores.chainAccuracy = fraction(chains, scores.samples);
    scores.tokenAccuracy = fraction(tokenHits, scores.scoredTokens);
    scores.stepAccuracy = stepAccuracies(problems, [&](std::size_t example, std::size_t step) {
        const auto* readOut = chainReadOut(decodings[example], step);
        return readOut != nullptr && readOut->step == problems[example].steps[step];
    });
    return scores;
}

double writtenChainTokenAccuracy(const std::vector<Tokens>& trueSteps,
                                 const std::vector<Tokens>& writtenSteps) {
    long hits = 0, total = 0;
    for (std::size_t step = 0; step < trueSteps.size(); ++step) {
        const auto& truth = trueSteps[step];
        total += static_cast<long>(truth.size());
        if (step >= writtenSteps.size())
            continue;
        const auto& written = writtenSteps[step];
        const long shift = static_cast<long>(written.size()) - static_cast<long>(truth.size());
        for (std::size_t position = 0; position < truth.size(); ++position)
            hits += holds(written, shift + static_cast<long>(position), truth[position]);
    }
    return total > 0 ? fraction(hits, total) : 1.0;
}

ChainScores scoreAr(const std::vector<Problem>& problems,
                    const std::vector<ArDecoding>& decodings) {
    checkSizes(problems, decodings);
    ChainScores scores;
    scores.samples = static_cast<int>(problems.size());
    long answers = 0, chains = 0, tokenHits = 0;
    for (std::size_t example = 0; example < problems.size(); ++example) {
        const auto& problem = problems[example];
        const auto& decoding = decodings[example];
        answers += decoding.chain.answer == problem.answer ? 1 : 0;
        chains += decoding.chain.steps == problem.steps ? 1 : 0;
        const auto flat = flattenSteps(problem.steps);
        for (std::size_t position = 0; position < flat.size(); ++position)
            tokenHits += holds(decoding.generated, static_cast<long>(position), flat[position]);
        scores.scoredTokens += static_cast<long>(flat.size());
    }
    scores.answerAccuracy = fraction(answers, scores.samples);
    scores.chainAccuracy = fraction(chains, scores.samples);
    scores.tokenAccuracy = fraction(tokenHits, scores.scoredTokens);
    scores.stepAccuracy = stepAccuracies(problems, [&](std::size_t example, std::size_t step) {
        const auto& written = decodings[example].chain.steps;
        return step < written.size() && written[step] == problems[example].steps[step];
    });
    return scores;
}

std::vector<HitCell> loopedHitMatrix(const std::vector<Problem>& problems,
                                     const std::vector<LoopedDecoding>& decodings) {
    checkSizes(problems, decodings);
    return hitMatrix(problems, [&](std::size_t example, std::size_t step, std::size_t position) {
        return loopedTokenCorrect(problems[example], decodings[example], step, position);
    });
}

std::vector<HitCell> arHitMatrix(const std::vector<Problem>& problems,
                                 const std::vector<ArDecoding>& decodings) {
    checkSizes(problems, decodings);
    return hitMatrix(problems, [&](std::size_t example, std::size_t step, std::size_t position) {
        const auto& written = decodings[example].chain.steps;
        return step < written.size() && holds(written[step], static_cast<long>(position),
                                              problems[example].steps[step][position]);
    });
}

EvalRecord evalRecordOf(const ChainScores& scores, TaskKind task, int length,
                        std::int64_t trainingStep, const std::string& stopping) {
    EvalRecord record;
    record.step = trainingStep;
    record.task = taskName(task);
    record.length = length;
    record.samples = scores.samples;
    record.answerAccuracy = scores.answerAccuracy;
    record.chainAccuracy = scores.chainAccuracy;
    record.tokenAccuracy = scores.tokenAccuracy;
    record.stopping = stopping;
    return record;
}

std::vector<StepAccuracyRecord> stepAccuracyRecordsOf(const ChainScores& scores, TaskKind task,
                                                      int length, std::int64_t trainingStep) {
    std::vector<StepAccuracyRecord> records;
    for (std::size_t step = 0; step < scores.stepAccuracy.size(); ++step) {
        StepAccuracyRecord record;
        record.step = trainingStep;
        record.task = taskName(task);
        record.length = length;
        record.cotStep = static_cast<int>(step) + 1;
        record.accuracy = scores.stepAccuracy[step];
        records.push_back(record);
    }
    return records;
}

} // namespace relay
