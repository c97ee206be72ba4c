// evaluateAr and decodeAr: batched greedy decoding of the AR CoT model, scored like the
// looped model's chains.
#include "train/evaluation.h"

#include "model/ar_generation.h"
#include "tasks/task_lookup.h"
#include "train/evaluation_mode.h"

#include <algorithm>
#include <stdexcept>

namespace relay {

std::int64_t newTokenBudget(const std::vector<Problem>& problems) {
    std::int64_t longest = 1;
    for (const auto& problem : problems) {
        std::int64_t length = 1; // <eos>
        for (const auto& step : problem.steps)
            length += static_cast<std::int64_t>(step.size());
        if (!defaultTask(problem.task).answerIsLastStep())
            ++length;
        longest = std::max(longest, length);
    }
    return longest + longest / 4 + 4;
}

std::vector<ArDecoding> decodeAr(ArTransformer& model, const Vocabulary& vocabulary,
                                 const std::vector<Problem>& problems, bool prependTaskToken,
                                 std::int64_t batchSize, std::int64_t maximumNewTokens) {
    if (batchSize < 1)
        throw std::invalid_argument("decodeAr: batch size must be at least 1");
    c10::InferenceMode inference; // no autograd records, no version counters
    EvaluationModeGuard evaluationMode(*model);
    GenerationOptions generation;
    generation.maximumNewTokens = maximumNewTokens;
    generation.endToken = vocabulary.id(kEosToken);
    std::vector<ArDecoding> decodings;
    decodings.reserve(problems.size());
    for (std::size_t begin = 0; begin < problems.size();
         begin += static_cast<std::size_t>(batchSize)) {
        const auto end = std::min(problems.size(), begin + static_cast<std::size_t>(batchSize));
        std::vector<std::vector<std::int64_t>> prompts;
        for (std::size_t index = begin; index < end; ++index)
            prompts.push_back(arPromptIds(problems[index], vocabulary, prependTaskToken));
        const auto output = generateGreedy(model, prompts, generation);
        for (std::size_t row = 0; row < prompts.size(); ++row) {
            ArDecoding decoding;
            decoding.generated = vocabulary.tokens(output.tokens[row]);
            decoding.chain = decodeArContinuation(problems[begin + row].task, decoding.generated);
            decoding.chain.finished = output.ended[row];
            decodings.push_back(std::move(decoding));
        }
    }
    return decodings;
}

EvaluationReport evaluateAr(ArTransformer& model, const Vocabulary& vocabulary,
                            const std::vector<TestSet>& testSets,
                            const EvaluationOptions& options) {
    if (options.batchSize < 1)
        throw std::invalid_argument("evaluation: batch size must be at least 1");
    EvaluationReport report;
    for (const auto& testSet : testSets) {
        if (testSet.examples.empty())
            continue;
        const auto problems = problemsOf(testSet.examples);
        const auto decodings = decodeAr(model, vocabulary, problems, options.prependTaskToken,
                                        options.batchSize, newTokenBudget(problems));
        report.add(scoreAr(problems, decodings), testSet, options, "greedy",
                   [&] { return arHitMatrix(problems, decodings); });
    }
    return report;
}

} // namespace relay
