// The exponential moving average of a model's weights (training.ema_decay, docs/method.md §6).
// After every optimizer step each averaged tensor becomes a <- d a + (1 - d) w, with
// d = min(decay, (1 + n) / (10 + n)) after n earlier updates: early on the average follows the
// weights closely instead of remembering the random initialisation for ~1 / (1 - decay) steps.
// Buffers are copied, not averaged. The average is a second copy of the model: evaluation,
// probes, Stage II and every reader of the run's checkpoints use it, while training continues
// on the weights themselves.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>

namespace relay {

// d after `updates` earlier updates.
double averageDecayAt(double decay, std::int64_t updates);

// One update of `average` towards `model` (same architecture); `updates` earlier updates.
void updateAverage(torch::nn::Module& average, const torch::nn::Module& model, double decay,
                   std::int64_t updates);

// Copies every parameter and buffer of `from` into `to` (same architecture), without gradients.
void copyWeights(torch::nn::Module& to, const torch::nn::Module& from);

// What the checkpoints of an averaged run hold: the weights being trained ("model.*") and their
// average ("average.*"), so that a resume continues both exactly.
class AveragedWeightsImpl : public torch::nn::Module {
public:
    AveragedWeightsImpl(std::shared_ptr<torch::nn::Module> model,
                        std::shared_ptr<torch::nn::Module> average);
};
TORCH_MODULE(AveragedWeights);

} // namespace relay
