#include "train/run_evaluation.h"

#include "model/ar_transformer.h"
#include "model/looped_transformer.h"
#include "train/evaluation.h"

#include <torch/torch.h>

#include <map>

namespace relay {
namespace {

// Mean answer / chain / token accuracy over the in- or out-of-distribution lengths of one
// stopping rule.
nlohmann::json meanOf(const std::vector<EvalRecord>& evals, const std::string& stopping,
                      bool longer, int trainLengthMax) {
    double answer = 0, chain = 0, token = 0;
    int count = 0;
    for (const auto& eval : evals) {
        if (eval.stopping != stopping || (eval.length > trainLengthMax) != longer)
            continue;
        answer += eval.answerAccuracy;
        chain += eval.chainAccuracy;
        token += eval.tokenAccuracy;
        ++count;
    }
    if (count == 0)
        return nullptr;
    return {{"answer_accuracy", answer / count},
            {"chain_accuracy", chain / count},
            {"token_accuracy", token / count}};
}

EvaluationOptions optionsFor(const RunEvaluationContext& context, std::int64_t step) {
    EvaluationOptions options;
    options.trainingStep = step;
    options.batchSize = context.batchSize;
    options.prependTaskToken = context.multitask;
    options.adaptiveMaximumIterations = context.adaptiveMaximumIterations;
    for (const auto& set : *context.testSets)
        options.hitMatrixLengths.push_back(set.length); // tiny tables; the viewer wants all
    return options;
}

nlohmann::json storeAndSummarize(const EvaluationReport& report,
                                 const std::vector<ProbeRecord>& probes,
                                 const RunEvaluationContext& context, const std::string& primary) {
    context.store->addEvaluation(context.run, report.evals, report.stepAccuracies,
                                 report.hitMatrices, probes);

    nlohmann::json summary = {{"stopping", primary}};
    summary["in_distribution"] = meanOf(report.evals, primary, false, context.trainLengthMax);
    summary["out_of_distribution"] = meanOf(report.evals, primary, true, context.trainLengthMax);
    summary["lengths"] = nlohmann::json::array();
    for (const auto& eval : report.evals)
        summary["lengths"].push_back({{"task", eval.task},
                                      {"length", eval.length},
                                      {"stopping", eval.stopping},
                                      {"answer_accuracy", eval.answerAccuracy},
                                      {"chain_accuracy", eval.chainAccuracy},
                                      {"token_accuracy", eval.tokenAccuracy}});
    return summary;
}

} // namespace

nlohmann::json evaluateForRun(LoopedTransformer& model, const RunEvaluationContext& context,
                              std::int64_t step) {
    auto options = optionsFor(context, step);
    auto report = evaluateLooped(model, *context.vocabulary, *context.testSets, options);
    std::vector<ProbeRecord> probes;
    if (!context.probes.empty())
        probes = probeLooped(model, *context.vocabulary, context.probes, step, context.multitask,
                             context.batchSize);
    return storeAndSummarize(report, probes, context, "oracle");
}

nlohmann::json evaluateForRun(ArTransformer& model, const RunEvaluationContext& context,
                              std::int64_t step) {
    auto report =
        evaluateAr(model, *context.vocabulary, *context.testSets, optionsFor(context, step));
    return storeAndSummarize(report, {}, context, "greedy");
}

} // namespace relay
