#include "train/looped_decoding.h"

#include "model/stopping.h"
#include "tasks/batching.h"
#include "tasks/longest_increasing_subsequence.h"
#include "tasks/task_lookup.h"
#include "train/evaluation_mode.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>
#include <string>

namespace relay {
namespace {

// One batch of problems [begin, end) as the looped layout's input tensors.
struct InputBatch {
    torch::Tensor inputIds;      // [B, N]
    torch::Tensor exampleWidths; // [B]
    torch::Tensor oracle;        // [B]
    std::vector<std::int64_t> widths;
    std::vector<std::int64_t> oracleCounts;
};

InputBatch makeInputBatch(const std::vector<Problem>& problems, std::size_t begin, std::size_t end,
                          const Vocabulary& vocabulary, bool prependTaskToken,
                          const torch::Device& device) {
    InputBatch batch;
    std::vector<std::vector<std::int64_t>> inputs;
    std::int64_t width = 0;
    for (std::size_t index = begin; index < end; ++index) {
        inputs.push_back(inputTokenIds(problems[index], vocabulary, prependTaskToken));
        batch.widths.push_back(loopedWidth(problems[index], prependTaskToken));
        batch.oracleCounts.push_back(oracleIterations(problems[index]));
        width = std::max(width, batch.widths.back());
    }
    const auto size = static_cast<std::int64_t>(inputs.size());
    std::vector<std::int64_t> ids(static_cast<std::size_t>(size * width), Vocabulary::kPad);
    for (std::int64_t row = 0; row < size; ++row)
        std::copy(inputs[static_cast<std::size_t>(row)].begin(),
                  inputs[static_cast<std::size_t>(row)].end(), ids.begin() + row * width);
    const auto longOptions = torch::TensorOptions().dtype(torch::kLong);
    batch.inputIds = torch::tensor(ids, longOptions).view({size, width}).to(device);
    batch.exampleWidths = torch::tensor(batch.widths, longOptions).to(device);
    batch.oracle = torch::tensor(batch.oracleCounts, longOptions).to(device);
    return batch;
}

} // namespace

std::vector<Tokens> LoopedDecoding::chain() const {
    std::vector<Tokens> steps;
    const auto count = std::min<std::size_t>(
        readOuts.size(), static_cast<std::size_t>(std::max(chosenIterations, 0)));
    for (std::size_t index = 0; index < count; ++index)
        steps.push_back(readOuts[index].step);
    return steps;
}

Tokens stripLeftPads(const Tokens& readOut) {
    const auto boundary = std::find(readOut.rbegin(), readOut.rend(), kPadToken);
    return Tokens(boundary.base(), readOut.end());
}

std::int64_t loopedWidth(const Problem& problem, bool prependTaskToken) {
    auto width = static_cast<std::int64_t>(problem.input.size()) + (prependTaskToken ? 1 : 0);
    for (const auto& step : problem.steps)
        width = std::max(width, static_cast<std::int64_t>(step.size()));
    if (problem.steps.empty() && problem.task == TaskKind::LongestIncreasingSubsequence)
        width = std::max<std::int64_t>(width, LongestIncreasingSubsequenceTask::kValuesPerStep + 1);
    return width;
}

int oracleIterations(const Problem& problem) {
    if (!problem.steps.empty())
        return problem.iterations();
    const int complexity = problem.complexity > 0 ? problem.complexity
                                                  : complexityOfInput(problem.task, problem.input);
    return defaultTask(problem.task).iterationCount(complexity);
}

std::vector<LoopedDecoding> decodeInference(const LoopedInference& inference,
                                            const std::vector<std::int64_t>& exampleWidths,
                                            const std::vector<std::int64_t>& iterationsRun,
                                            const Vocabulary& vocabulary) {
    const auto batch = static_cast<std::int64_t>(exampleWidths.size());
    if (static_cast<std::int64_t>(iterationsRun.size()) != batch)
        throw std::invalid_argument("decodeInference: " + std::to_string(iterationsRun.size()) +
                                    " iteration counts for " + std::to_string(batch) + " examples");
    std::vector<LoopedDecoding> decodings(static_cast<std::size_t>(batch));
    // One host copy of everything: per-element tensor access would cost far more.
    const auto cpu = torch::kCPU;
    auto chosen = inference.chosenIterations.to(cpu, torch::kLong).contiguous();
    auto answerProbabilities = torch::softmax(inference.answerLogits.to(cpu, torch::kFloat32), -1);
    auto [answerConfidence, answerIds] = answerProbabilities.max(-1);
    answerConfidence = answerConfidence.contiguous();
    answerIds = answerIds.contiguous();
    torch::Tensor predicted, confidence, uncertainty;
    std::int64_t iterations = 0, width = 0;
    if (inference.stepLogits.defined()) {
        iterations = inference.stepLogits.size(0);
        width = inference.stepLogits.size(2);
        predicted = inference.stepLogits.argmax(-1).to(cpu, torch::kLong).contiguous();
        confidence = inference.tokenConfidence.defined()
                         ? inference.tokenConfidence.to(cpu, torch::kFloat32).contiguous()
                         : torch::zeros({iterations, batch, width});
        if (inference.uncertaintyTrace.defined())
            uncertainty = inference.uncertaintyTrace.to(cpu, torch::kFloat64).contiguous();
    }
    for (std::int64_t example = 0; example < batch; ++example) {
        auto& decoding = decodings[static_cast<std::size_t>(example)];
        const auto exampleWidth = exampleWidths[static_cast<std::size_t>(example)];
        if (exampleWidth > width && iterations > 0)
            throw std::invalid_argument("decodeInference: example width " +
                                        std::to_string(exampleWidth) + " exceeds the read-out's " +
                                        std::to_string(width));
        decoding.width = exampleWidth;
        decoding.chosenIterations = static_cast<int>(chosen.data_ptr<std::int64_t>()[example]);
        decoding.answer = vocabulary.token(answerIds.data_ptr<std::int64_t>()[example]);
        decoding.answerConfidence = answerConfidence.data_ptr<float>()[example];
        const auto ran = std::min(iterationsRun[static_cast<std::size_t>(example)], iterations);
        for (std::int64_t iteration = 0; iteration < ran; ++iteration) {
            const auto offset = (iteration * batch + example) * width;
            const auto* ids = predicted.data_ptr<std::int64_t>() + offset;
            const auto* probabilities = confidence.data_ptr<float>() + offset;
            IterationReadOut readOut;
            readOut.tokens = vocabulary.tokens(std::vector<std::int64_t>(ids, ids + exampleWidth));
            readOut.confidence.assign(probabilities, probabilities + exampleWidth);
            readOut.step = stripLeftPads(readOut.tokens);
            if (uncertainty.defined())
                readOut.uncertainty = uncertainty.data_ptr<double>()[iteration * batch + example];
            decoding.readOuts.push_back(std::move(readOut));
        }
    }
    return decodings;
}

std::vector<LoopedDecoding> decodeLooped(LoopedTransformer& model, const Vocabulary& vocabulary,
                                         const std::vector<Problem>& problems,
                                         const StoppingOptions& stopping, bool prependTaskToken,
                                         std::int64_t batchSize) {
    if (batchSize < 1)
        throw std::invalid_argument("decodeLooped: batch size must be at least 1");
    c10::InferenceMode inference; // no autograd records, no version counters
    EvaluationModeGuard evaluationMode(*model);
    const auto device = model->m_embedding->weight.device();
    std::vector<LoopedDecoding> decodings;
    decodings.reserve(problems.size());
    for (std::size_t begin = 0; begin < problems.size();
         begin += static_cast<std::size_t>(batchSize)) {
        const auto end = std::min(problems.size(), begin + static_cast<std::size_t>(batchSize));
        const auto batch =
            makeInputBatch(problems, begin, end, vocabulary, prependTaskToken, device);
        const auto inference =
            inferLooped(model, batch.inputIds, batch.exampleWidths, stopping, batch.oracle);
        // Oracle and fixed rules stop each example at its chosen count; adaptive runs all to
        // T_max and keeps every read-out for the confidence trace.
        std::vector<std::int64_t> iterationsRun;
        auto chosen = inference.chosenIterations.to(torch::kCPU, torch::kLong).contiguous();
        for (std::int64_t row = 0; row < chosen.size(0); ++row)
            iterationsRun.push_back(stopping.rule == StoppingRule::Adaptive
                                        ? stopping.maximumIterations
                                        : chosen.data_ptr<std::int64_t>()[row]);
        auto part = decodeInference(inference, batch.widths, iterationsRun, vocabulary);
        std::move(part.begin(), part.end(), std::back_inserter(decodings));
    }
    return decodings;
}

} // namespace relay
