#include "model/batch_tensors.h"

#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace relay {
namespace {

// A batch's arrays packed into one host buffer and moved to the device with one copy: on a GPU
// one transfer instead of a blocking one per array, from pinned memory so that it need not
// block at all. Each tensor is then a view into the device's copy of the buffer. On the CPU the
// buffer itself holds the tensors, the same bytes the arrays hold.
class BatchUpload {
public:
    // `values` must outlive upload(); `target` receives the tensor there.
    template <typename Value>
    void add(torch::Tensor& target, const std::vector<Value>& values,
             std::vector<std::int64_t> shape, const char* name) {
        static_assert(std::is_same_v<Value, float> || std::is_same_v<Value, std::int64_t>);
        std::int64_t expected = 1;
        for (auto size : shape)
            expected *= size;
        if (static_cast<std::int64_t>(values.size()) != expected)
            throw std::invalid_argument(std::string("batch: ") + name + " has " +
                                        std::to_string(values.size()) + " entries, expected " +
                                        std::to_string(expected));
        const auto type = std::is_same_v<Value, float> ? torch::kFloat32 : torch::kLong;
        const std::size_t bytes = values.size() * sizeof(Value);
        m_parts.push_back({&target, values.data(), bytes, m_bytes, type, std::move(shape)});
        m_bytes += (bytes + kAlignment - 1) / kAlignment * kAlignment;
    }

    template <typename Value>
    void add(torch::Tensor& target, const std::vector<Value>& values, const char* name) {
        add(target, values, {static_cast<std::int64_t>(values.size())}, name);
    }

    void upload(const torch::Device& device) {
        // Pinned memory only for a CUDA device: a CPU build or run never touches CUDA.
        auto host = torch::empty(
            {static_cast<std::int64_t>(m_bytes)},
            torch::TensorOptions().dtype(torch::kByte).pinned_memory(device.is_cuda()));
        auto* base = static_cast<char*>(host.data_ptr());
        for (const auto& part : m_parts)
            std::memcpy(base + part.offset, part.data, part.bytes);
        // The caching host allocator keeps a pinned block until the copy that reads it is done.
        const auto buffer = host.to(device, /*non_blocking=*/true);
        for (const auto& part : m_parts)
            *part.target = buffer
                               .narrow(0, static_cast<std::int64_t>(part.offset),
                                       static_cast<std::int64_t>(part.bytes))
                               .view(part.type)
                               .view(part.shape);
    }

private:
    // Every part starts at a multiple of the widest element, so it can be viewed as its type.
    static constexpr std::size_t kAlignment = sizeof(std::int64_t);

    struct Part {
        torch::Tensor* target;
        const void* data;
        std::size_t bytes;
        std::size_t offset;
        torch::ScalarType type;
        std::vector<std::int64_t> shape;
    };
    std::vector<Part> m_parts;
    std::size_t m_bytes = 0;
};

// A batch's task weights; none given means 1 for every example.
std::vector<float> weightsOf(const std::vector<float>& given, std::int64_t batchSize) {
    return given.empty() ? std::vector<float>(static_cast<std::size_t>(batchSize), 1.0f) : given;
}

// The read-out plan's arrays (StepReadOut), built on the host.
struct HostReadOut {
    std::vector<std::int64_t> positions, targets, iteration;
    std::vector<float> scale, counts;
};

HostReadOut hostReadOutOf(const LoopedBatch& batch, const std::vector<float>& weights) {
    HostReadOut readOut;
    readOut.counts.assign(static_cast<std::size_t>(batch.maxIterations), 0.0f);
    const std::int64_t perIteration = batch.batchSize * batch.width;
    for (std::size_t cell = 0; cell < batch.stepMask.size(); ++cell) {
        const float mask = batch.stepMask[cell];
        if (mask == 0.0f)
            continue;
        const auto index = static_cast<std::int64_t>(cell);
        const auto t = index / perIteration;
        const auto example = (index % perIteration) / batch.width;
        readOut.positions.push_back(index);
        readOut.targets.push_back(batch.stepTargets[cell]);
        readOut.scale.push_back(mask * weights[static_cast<std::size_t>(example)]);
        readOut.iteration.push_back(t);
        readOut.counts[static_cast<std::size_t>(t)] += mask;
    }
    return readOut;
}

} // namespace

LoopedBatchTensors toTensors(const LoopedBatch& batch, const torch::Device& device) {
    const auto b = batch.batchSize;
    const auto n = batch.width;
    const auto t = batch.maxIterations;
    LoopedBatchTensors tensors;
    BatchUpload upload;
    upload.add(tensors.inputIds, batch.inputIds, {b, n}, "inputIds");
    upload.add(tensors.exampleWidths, batch.exampleWidths, {b}, "exampleWidths");
    upload.add(tensors.stepTargets, batch.stepTargets, {t, b, n}, "stepTargets");
    upload.add(tensors.stepMask, batch.stepMask, {t, b, n}, "stepMask");
    upload.add(tensors.answerTargets, batch.answerTargets, {b}, "answerTargets");
    upload.add(tensors.iterations, batch.iterations, {b}, "iterations");
    const auto weights = weightsOf(batch.weights, b);
    upload.add(tensors.weights, weights, {b}, "weights");
    // Built after the checks above (the plan indexes the arrays they sized).
    const HostReadOut readOut = hostReadOutOf(batch, weights);
    upload.add(tensors.readOut.positions, readOut.positions, "readOut.positions");
    upload.add(tensors.readOut.targets, readOut.targets, "readOut.targets");
    upload.add(tensors.readOut.scale, readOut.scale, "readOut.scale");
    upload.add(tensors.readOut.iteration, readOut.iteration, "readOut.iteration");
    upload.add(tensors.readOut.counts, readOut.counts, "readOut.counts");
    upload.upload(device);
    tensors.hostIterations = batch.iterations;
    return tensors;
}

ArBatchTensors toTensors(const ArBatch& batch, const torch::Device& device) {
    const auto b = batch.batchSize;
    const auto l = batch.length;
    ArBatchTensors tensors;
    BatchUpload upload;
    upload.add(tensors.tokens, batch.tokens, {b, l}, "tokens");
    upload.add(tensors.lossMask, batch.lossMask, {b, l}, "lossMask");
    upload.add(tensors.promptLengths, batch.promptLengths, {b}, "promptLengths");
    upload.add(tensors.sequenceLengths, batch.sequenceLengths, {b}, "sequenceLengths");
    const auto weights = weightsOf(batch.weights, b);
    upload.add(tensors.weights, weights, {b}, "weights");
    upload.upload(device);
    return tensors;
}

} // namespace relay
