#include "model/stopping.h"

#include <limits>
#include <stdexcept>

namespace relay {

torch::Tensor readOutUncertainty(const torch::Tensor& stepLogits,
                                 const torch::Tensor& exampleWidths, std::int64_t padId) {
    const auto width = stepLogits.size(2);
    auto logProbabilities = torch::log_softmax(stepLogits.to(torch::kFloat32), -1);
    auto [bestLogProbability, best] = logProbabilities.max(-1); // [T, B, N]
    auto positions = torch::arange(width, torch::TensorOptions().device(stepLogits.device()));
    auto real = positions.view({1, 1, width}) <
                exampleWidths.to(stepLogits.device(), torch::kLong).view({1, -1, 1});
    auto counted = real.logical_and(best != padId).to(torch::kFloat32);
    auto count = counted.sum(-1);
    auto mean = (-bestLogProbability * counted).sum(-1) / count.clamp_min(1.0);
    return mean.masked_fill(count == 0, std::numeric_limits<float>::infinity());
}

torch::Tensor mostConfidentIterations(const torch::Tensor& uncertaintyTrace) {
    // argmin returns the first minimum, so ties go to the earliest iteration.
    return uncertaintyTrace.argmin(0) + 1;
}

LoopedInference inferLooped(LoopedTransformer& model, const torch::Tensor& inputIds,
                            const torch::Tensor& exampleWidths, const StoppingOptions& stopping,
                            const torch::Tensor& oracleIterations) {
    c10::InferenceMode inference; // no autograd records, no version counters
    const auto device = inputIds.device();
    const auto batch = inputIds.size(0);
    const auto longOptions = torch::TensorOptions().dtype(torch::kLong).device(device);
    torch::Tensor iterations;
    switch (stopping.rule) {
    case StoppingRule::Oracle:
        if (!oracleIterations.defined())
            throw std::invalid_argument("oracle stopping needs each problem's T");
        iterations = oracleIterations.to(device, torch::kLong);
        break;
    case StoppingRule::Fixed:
        iterations = torch::full({batch}, stopping.fixedIterations, longOptions);
        break;
    case StoppingRule::Adaptive:
        iterations = torch::full({batch}, stopping.maximumIterations, longOptions);
        break;
    }
    LoopedForwardOptions options;
    options.hiddenStates = true;
    options.tokenConfidence = true;
    auto output = model->forward(inputIds, exampleWidths, iterations, options);

    LoopedInference result;
    result.stepLogits = output.stepLogits;
    result.tokenConfidence = output.tokenConfidence;
    result.hiddenStates = output.hiddenStates;
    if (!output.stepLogits.defined()) { // zero iterations: nothing to read out
        result.answerLogits = output.answerLogits;
        result.chosenIterations = iterations;
        return result;
    }
    result.uncertaintyTrace = readOutUncertainty(output.stepLogits, exampleWidths);
    if (stopping.rule == StoppingRule::Adaptive) {
        result.chosenIterations = mostConfidentIterations(result.uncertaintyTrace);
        auto rows = torch::arange(batch, longOptions);
        auto chosenStates = output.hiddenStates.index({result.chosenIterations - 1, rows});
        result.answerLogits = model->answer(chosenStates, exampleWidths.to(device));
    } else {
        result.chosenIterations = iterations;
        result.answerLogits = output.answerLogits;
    }
    return result;
}

} // namespace relay
