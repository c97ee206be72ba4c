// evaluateLooped: oracle and adaptive stopping over every test set.
#include "train/evaluation.h"

#include "model/stopping.h"
#include "train/evaluation_mode.h"

#include <algorithm>
#include <stdexcept>

namespace relay {
namespace {

std::int64_t adaptiveMaximum(const std::vector<Problem>& problems,
                             const EvaluationOptions& options) {
    if (options.adaptiveMaximumIterations > 0)
        return options.adaptiveMaximumIterations;
    std::int64_t longest = 1;
    for (const auto& problem : problems)
        longest = std::max<std::int64_t>(longest, problem.iterations());
    return longest + std::max<std::int64_t>(2, longest / 2);
}

} // namespace

EvaluationReport evaluateLooped(LoopedTransformer& model, const Vocabulary& vocabulary,
                                const std::vector<TestSet>& testSets,
                                const EvaluationOptions& options) {
    if (options.batchSize < 1)
        throw std::invalid_argument("evaluation: batch size must be at least 1");
    c10::InferenceMode inference; // no autograd records, no version counters
    EvaluationModeGuard evaluationMode(*model);
    EvaluationReport report;
    for (const auto& testSet : testSets) {
        if (testSet.examples.empty())
            continue;
        const auto problems = problemsOf(testSet.examples);

        StoppingOptions oracle;
        oracle.rule = StoppingRule::Oracle;
        const auto decodings = decodeLooped(model, vocabulary, problems, oracle,
                                            options.prependTaskToken, options.batchSize);
        report.add(scoreLooped(problems, decodings), testSet, options, "oracle",
                   [&] { return loopedHitMatrix(problems, decodings); });

        if (!options.adaptive)
            continue;
        StoppingOptions adaptive;
        adaptive.rule = StoppingRule::Adaptive;
        adaptive.maximumIterations = adaptiveMaximum(problems, options);
        const auto adaptiveDecodings = decodeLooped(model, vocabulary, problems, adaptive,
                                                    options.prependTaskToken, options.batchSize);
        report.evals.push_back(evalRecordOf(scoreLooped(problems, adaptiveDecodings), testSet.task,
                                            testSet.length, options.trainingStep, "adaptive"));
    }
    return report;
}

} // namespace relay
