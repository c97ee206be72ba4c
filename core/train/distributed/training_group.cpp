#include "train/distributed/training_group.h"

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
    c10::intrusive_ptr<c10d::ProcessGroupGloo> processGroup;
};

TrainingGroup::TrainingGroup(const c10::intrusive_ptr<c10d::Store>& store, int rank, int worldSize,
                             bool loopback)
    : m_handles(std::make_unique<Handles>()), m_rank(rank), m_worldSize(worldSize) {
    auto options = c10d::ProcessGroupGloo::Options::create(kWorkerWaitLimit);
    options->devices.push_back(loopback
                                   ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                                   : c10d::ProcessGroupGloo::createDefaultDevice());
    options->threads = 1;
    m_handles->processGroup = guardCollective("rendezvous", [&] {
        return c10::make_intrusive<c10d::ProcessGroupGloo>(store, rank, worldSize, options);
    });
}

TrainingGroup::~TrainingGroup() = default;

torch::Tensor TrainingGroup::sumGradients(const std::vector<torch::Tensor>& parameters,
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
