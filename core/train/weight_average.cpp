#include "train/weight_average.h"

#include <algorithm>

namespace relay {

double averageDecayAt(double decay, std::int64_t updates) {
    return std::min(decay,
                    (1.0 + static_cast<double>(updates)) / (10.0 + static_cast<double>(updates)));
}

void updateAverage(torch::nn::Module& average, const torch::nn::Module& model, double decay,
                   std::int64_t updates) {
    torch::NoGradGuard noGradients;
    const double d = averageDecayAt(decay, updates);
    auto averaged = average.parameters();
    const auto weights = model.parameters();
    for (std::size_t index = 0; index < averaged.size(); ++index)
        averaged[index].mul_(d).add_(weights[index], 1.0 - d);
    auto averagedBuffers = average.buffers();
    const auto buffers = model.buffers();
    for (std::size_t index = 0; index < averagedBuffers.size(); ++index)
        averagedBuffers[index].copy_(buffers[index]);
}

void copyWeights(torch::nn::Module& to, const torch::nn::Module& from) {
    torch::NoGradGuard noGradients;
    auto target = to.named_parameters();
    for (const auto& item : from.named_parameters())
        target[item.key()].copy_(item.value());
    auto targetBuffers = to.named_buffers();
    for (const auto& item : from.named_buffers())
        targetBuffers[item.key()].copy_(item.value());
}

AveragedWeightsImpl::AveragedWeightsImpl(std::shared_ptr<torch::nn::Module> model,
                                         std::shared_ptr<torch::nn::Module> average) {
    register_module("model", std::move(model));
    register_module("average", std::move(average));
}

} // namespace relay
