#include "train/distributed/training_group.h"

#include "train/distributed/shared_memory_sum.h"
#include "train/distributed/worker_group.h"

// Declared under USE_C10D_GLOO, which LibTorch's CMake config defines (Debian's libtorch_cpu
// is built with Gloo); the header needs Gloo's own headers from libgloo-dev.
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>

#include <algorithm>
#include <chrono>

namespace relay {
namespace {

using namespace std::chrono_literals;

} // namespace

struct TrainingGroup::Handles {
    c10::intrusive_ptr<c10d::Store> store;
    std::unique_ptr<SharedMemorySum> sharedMemory; // null: over Gloo
    c10::intrusive_ptr<c10d::ProcessGroupGloo> processGroup;
};

TrainingGroup::TrainingGroup(const c10::intrusive_ptr<c10d::Store>& store, int rank, int worldSize,
                             bool loopback, bool oneMachine)
    : m_handles(std::make_unique<Handles>()), m_loopback(loopback), m_rank(rank),
      m_worldSize(worldSize) {
    m_handles->store = store;
    if (oneMachine)
        m_handles->sharedMemory = std::make_unique<SharedMemorySum>(*store, rank, worldSize);
    else
        joinGloo();
}

TrainingGroup::~TrainingGroup() = default;

void TrainingGroup::joinGloo() {
    auto options = c10d::ProcessGroupGloo::Options::create(kWorkerWaitLimit);
    options->devices.push_back(m_loopback
                                   ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                                   : c10d::ProcessGroupGloo::createDefaultDevice());
    options->threads = 1;
    m_handles->processGroup = guardCollective("rendezvous", [&] {
        return c10::make_intrusive<c10d::ProcessGroupGloo>(m_handles->store, m_rank, m_worldSize,
                                                           options);
    });
}

torch::Tensor TrainingGroup::sumGradients(const std::vector<torch::Tensor>& parameters,
                                          const torch::Tensor& values) {
    if (m_handles->sharedMemory) {
        auto summed = sumInSharedMemory(parameters, values);
        if (summed.defined())
            return summed;
        m_handles->sharedMemory.reset(); // every rank gave it up at this same step
        joinGloo();
    }
    return sumOverGloo(parameters, values);
}

torch::Tensor TrainingGroup::sumInSharedMemory(const std::vector<torch::Tensor>& parameters,
                                               const torch::Tensor& values) {
    auto& sum = *m_handles->sharedMemory;
    const auto extra = values.detach().to(torch::kFloat32).reshape({-1});
    std::int64_t elements = extra.numel();
    for (const auto& parameter : parameters)
        elements += parameter.numel();
    float* input = guardCollective("gradient sum", [&] { return sum.input(elements); });
    if (!input)
        return {};
    const auto cpuFloats = torch::TensorOptions().dtype(torch::kFloat32);
    std::int64_t offset = 0;
    for (const auto& parameter : parameters) {
        auto slot = torch::from_blob(input + offset, {parameter.numel()}, cpuFloats);
        const auto& gradient = parameter.grad();
        if (gradient.defined())
            slot.copy_(gradient.detach().reshape({-1}));
        else
            slot.zero_();
        offset += parameter.numel();
    }
    torch::from_blob(input + offset, {extra.numel()}, cpuFloats).copy_(extra);
    const float* result = guardCollective("gradient sum", [&] { return sum.sum(elements); });
    offset = 0;
    for (const auto& parameter : parameters) {
        auto summed =
            torch::from_blob(const_cast<float*>(result) + offset, parameter.sizes(), cpuFloats);
        auto& mutableParameter = const_cast<torch::Tensor&>(parameter);
        if (parameter.grad().defined())
            mutableParameter.mutable_grad().copy_(summed);
        else
            mutableParameter.mutable_grad() = summed.to(parameter.options(), false, true);
        offset += parameter.numel();
    }
    return torch::from_blob(const_cast<float*>(result) + offset, {extra.numel()}, cpuFloats)
        .clone();
}

torch::Tensor TrainingGroup::sumOverGloo(const std::vector<torch::Tensor>& parameters,
                                         const torch::Tensor& values) {
    const auto device = parameters.empty() ? torch::Device(torch::kCPU) : parameters[0].device();
    const auto extra = values.detach().to(device, torch::kFloat32).reshape({-1});
    torch::Tensor summedValues;
    // Buckets in parameter order, each a contiguous run of parameters (a parameter larger than
    // a bucket gets one of its own); every rank builds the same buckets.
    std::size_t first = 0;
    while (first < parameters.size() || !summedValues.defined()) {
        std::size_t last = first;
        std::int64_t elements = 0;
        while (last < parameters.size() &&
               (last == first || elements + parameters[last].numel() <= kBucketElements))
            elements += parameters[last++].numel();
        std::vector<torch::Tensor> pieces;
        for (std::size_t index = first; index < last; ++index) {
            const auto& parameter = parameters[index];
            const auto& gradient = parameter.grad();
            pieces.push_back(gradient.defined()
                                 ? gradient.detach().reshape({-1})
                                 : torch::zeros({parameter.numel()}, parameter.options()));
        }
        const bool carriesValues = !summedValues.defined();
        if (carriesValues)
            pieces.push_back(extra);
        std::vector<at::Tensor> bucket{torch::cat(pieces).to(torch::kCPU)};
        guardCollective("gradient allreduce",
                        [&] { return m_handles->processGroup->allreduce(bucket)->wait(); });
        std::int64_t offset = 0;
        for (std::size_t index = first; index < last; ++index) {
            auto& parameter = const_cast<torch::Tensor&>(parameters[index]);
            auto summed = bucket[0]
                              .narrow(0, offset, parameter.numel())
                              .view(parameter.sizes())
                              .to(parameter.device());
            offset += parameter.numel();
            if (parameter.grad().defined())
                parameter.mutable_grad().copy_(summed);
            else
                parameter.mutable_grad() = summed.clone();
        }
        if (carriesValues)
            summedValues = bucket[0].narrow(0, offset, extra.numel());
        first = last;
    }
    return summedValues;
}

} // namespace relay
