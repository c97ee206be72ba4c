// FusedAdamW's one-pass step against LibTorch's own AdamW on the same parameters and gradients
// (non-default betas, epsilon and weight decay, several steps, a parameter without a gradient,
// a state AdamW saved and FusedAdamW loaded), and the CPU path of gradient clipping against
// torch::nn::utils::clip_grad_norm_.
#include "train/fused_adamw.h"
#include "train/gradient_clip.h"

#include <gtest/gtest.h>

#include <sstream>

namespace relay {
namespace {

// Three parameters of odd sizes (the vector loops' tails), drawn from a fixed seed.
std::vector<torch::Tensor> freshParameters() {
    torch::manual_seed(11);
    return {torch::randn({37, 5}).requires_grad_(), torch::randn({129}).requires_grad_(),
            torch::randn({3}).requires_grad_()};
}

std::vector<torch::Tensor> copies(const std::vector<torch::Tensor>& parameters) {
    std::vector<torch::Tensor> result;
    for (const auto& parameter : parameters)
        result.push_back(parameter.detach().clone().requires_grad_());
    return result;
}

torch::optim::AdamWOptions options() {
    return torch::optim::AdamWOptions(3e-2).betas({0.8, 0.95}).eps(1e-6).weight_decay(0.1);
}

// Gives every parameter but the last the gradient of step `step` (the same for both sets).
void setGradients(std::vector<torch::Tensor>& parameters, int step) {
    torch::manual_seed(100 + step);
    for (std::size_t index = 0; index + 1 < parameters.size(); ++index)
        parameters[index].mutable_grad() = torch::randn_like(parameters[index]) * (step + 1);
}

void expectClose(const std::vector<torch::Tensor>& actual,
                 const std::vector<torch::Tensor>& expected) {
    ASSERT_EQ(actual.size(), expected.size());
    for (std::size_t index = 0; index < actual.size(); ++index)
        EXPECT_TRUE(torch::allclose(actual[index], expected[index], 1e-5, 1e-6))
            << "parameter " << index << ": largest difference "
            << (actual[index] - expected[index]).abs().max().item<float>();
}

// Steps `steps` from `first` on: the same gradients to both sets, then each optimizer's step.
void stepBoth(std::vector<torch::Tensor>& reference, torch::optim::Optimizer& referenceOptimizer,
              std::vector<torch::Tensor>& fused, torch::optim::Optimizer& fusedOptimizer, int first,
              int steps) {
    for (int step = first; step < first + steps; ++step) {
        setGradients(reference, step);
        setGradients(fused, step);
        referenceOptimizer.step();
        fusedOptimizer.step();
    }
}

TEST(FusedAdamW, StepsAsLibTorchsAdamW) {
    auto reference = freshParameters();
    auto fused = copies(reference);
    const auto untouched = reference.back().detach().clone();
    torch::optim::AdamW referenceOptimizer(reference, options());
    FusedAdamW fusedOptimizer(fused, options());
    for (int step = 0; step < 6; ++step) {
        stepBoth(reference, referenceOptimizer, fused, fusedOptimizer, step, 1);
        expectClose(fused, reference);
    }
    // The parameter without a gradient moved in neither (no weight decay without a gradient).
    EXPECT_TRUE(torch::equal(fused.back().detach(), untouched));
    EXPECT_TRUE(torch::equal(reference.back().detach(), untouched));
}

TEST(FusedAdamW, ContinuesFromTheStateAdamWSaved) {
    auto reference = freshParameters();
    torch::optim::AdamW referenceOptimizer(reference, options());
    for (int step = 0; step < 3; ++step) {
        setGradients(reference, step);
        referenceOptimizer.step();
    }
    std::stringstream saved;
    torch::save(referenceOptimizer, saved);
    auto fused = copies(reference);
    FusedAdamW fusedOptimizer(fused, options());
    torch::load(fusedOptimizer, saved);
    // Fresh moments instead of the loaded ones would move the parameters differently here.
    for (int step = 3; step < 5; ++step) {
        stepBoth(reference, referenceOptimizer, fused, fusedOptimizer, step, 1);
        expectClose(fused, reference);
    }
}

TEST(FusedAdamW, DoubleParametersTakeAdamWsStep) {
    auto reference = freshParameters();
    for (auto& parameter : reference)
        parameter = parameter.detach().to(torch::kFloat64).requires_grad_();
    auto fused = copies(reference);
    torch::optim::AdamW referenceOptimizer(reference, options());
    FusedAdamW fusedOptimizer(fused, options());
    stepBoth(reference, referenceOptimizer, fused, fusedOptimizer, 0, 2);
    for (std::size_t index = 0; index < fused.size(); ++index)
        EXPECT_TRUE(torch::equal(fused[index], reference[index])) << index;
}

TEST(GradientClip, AsLibTorchsClipGradNorm) {
    for (double limit : {0.5, 1e3}) { // clipped, and left alone (factor exactly 1)
        auto reference = freshParameters();
        setGradients(reference, 2);
        auto ours = copies(reference);
        setGradients(ours, 2);
        const auto before = ours[0].grad().clone();
        const double expected = torch::nn::utils::clip_grad_norm_(reference, limit);
        const auto norm = clipGradientNorm(ours, limit);
        EXPECT_NEAR(norm.item<double>(), expected, 1e-5 * expected) << limit;
        for (std::size_t index = 0; index + 1 < ours.size(); ++index)
            EXPECT_TRUE(torch::allclose(ours[index].grad(), reference[index].grad(), 1e-5, 1e-7))
                << "limit " << limit << ", parameter " << index;
        if (limit > expected)
            EXPECT_TRUE(torch::equal(ours[0].grad(), before));
        else
            EXPECT_LT(ours[0].grad().norm().item<double>(), before.norm().item<double>());
    }
}

} // namespace
} // namespace relay
