#include "model/batch_tensors.h"

#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace relay {
namespace {

template <typename Value>
torch::Tensor tensorOf(const std::vector<Value>& values, std::vector<std::int64_t> shape,
                       const torch::Device& device, const char* name) {
    std::int64_t expected = 1;
    for (auto size : shape)
        expected *= size;
    if (static_cast<std::int64_t>(values.size()) != expected)
        throw std::invalid_argument(std::string("batch: ") + name + " has " +
                                    std::to_string(values.size()) + " entries, expected " +
                                    std::to_string(expected));
    const auto dtype = std::is_same_v<Value, float> ? torch::kFloat32 : torch::kLong;
    // from_blob borrows the vector; the copy makes the tensor own its memory.
    return torch::from_blob(const_cast<Value*>(values.data()), shape,
                            torch::TensorOptions().dtype(dtype))
        .to(device, dtype, /*non_blocking=*/false, /*copy=*/true);
}

template <typename Value>
torch::Tensor tensorOf(const std::vector<Value>& values, const torch::Device& device,
                       const char* name) {
    return tensorOf(values, {static_cast<std::int64_t>(values.size())}, device, name);
}

StepReadOut stepReadOutOf(const LoopedBatch& batch, const std::vector<float>& weights,
                          const torch::Device& device) {
    std::vector<std::int64_t> positions, targets, iteration;
    std::vector<float> scale;
    std::vector<float> counts(static_cast<std::size_t>(batch.maxIterations), 0.0f);
    const std::int64_t perIteration = batch.batchSize * batch.width;
    for (std::size_t cell = 0; cell < batch.stepMask.size(); ++cell) {
        const float mask = batch.stepMask[cell];
        if (mask == 0.0f)
            continue;
        const auto index = static_cast<std::int64_t>(cell);
        const auto t = index / perIteration;
        const auto example = (index % perIteration) / batch.width;
        positions.push_back(index);
        targets.push_back(batch.stepTargets[cell]);
        scale.push_back(mask * weights[static_cast<std::size_t>(example)]);
        iteration.push_back(t);
        counts[static_cast<std::size_t>(t)] += mask;
    }
    return {tensorOf(positions, device, "readOut.positions"),
            tensorOf(targets, device, "readOut.targets"), tensorOf(scale, device, "readOut.scale"),
            tensorOf(iteration, device, "readOut.iteration"),
            tensorOf(counts, device, "readOut.counts")};
}

} // namespace

LoopedBatchTensors toTensors(const LoopedBatch& batch, const torch::Device& device) {
    const auto b = batch.batchSize;
    const auto n = batch.width;
    const auto t = batch.maxIterations;
    LoopedBatchTensors tensors;
    tensors.inputIds = tensorOf(batch.inputIds, {b, n}, device, "inputIds");
    tensors.exampleWidths = tensorOf(batch.exampleWidths, {b}, device, "exampleWidths");
    tensors.stepTargets = tensorOf(batch.stepTargets, {t, b, n}, device, "stepTargets");
    tensors.stepMask = tensorOf(batch.stepMask, {t, b, n}, device, "stepMask");
    tensors.answerTargets = tensorOf(batch.answerTargets, {b}, device, "answerTargets");
    tensors.iterations = tensorOf(batch.iterations, {b}, device, "iterations");
    const auto weights = batch.weights.empty()
                             ? std::vector<float>(static_cast<std::size_t>(b), 1.0f)
                             : batch.weights;
    tensors.weights = tensorOf(weights, {b}, device, "weights");
    tensors.hostIterations = batch.iterations;
    tensors.readOut = stepReadOutOf(batch, weights, device); // sizes checked above
    return tensors;
}

ArBatchTensors toTensors(const ArBatch& batch, const torch::Device& device) {
    const auto b = batch.batchSize;
    const auto l = batch.length;
    ArBatchTensors tensors;
    tensors.tokens = tensorOf(batch.tokens, {b, l}, device, "tokens");
    tensors.lossMask = tensorOf(batch.lossMask, {b, l}, device, "lossMask");
    tensors.promptLengths = tensorOf(batch.promptLengths, {b}, device, "promptLengths");
    tensors.sequenceLengths = tensorOf(batch.sequenceLengths, {b}, device, "sequenceLengths");
    tensors.weights = batch.weights.empty()
                          ? torch::ones({b}, torch::TensorOptions().device(device))
                          : tensorOf(batch.weights, {b}, device, "weights");
    return tensors;
}

} // namespace relay
