#include "model/dropout.h"

#include "model/thread_generator.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>

#include <cmath>
#include <cstdint>
#include <mutex>

namespace relay {
namespace {

std::uint64_t drawSeed() {
    auto generator = currentCpuGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    return at::check_generator<at::CPUGeneratorImpl>(generator)->random64();
}

} // namespace

CounterDropout::CounterDropout(double p) : CounterDropout(p, drawSeed()) {}

CounterDropout::CounterDropout(double p, std::uint64_t seed)
    : m_seed(seed), m_threshold(static_cast<std::uint64_t>(std::llround((1.0 - p) * 4294967296.0))),
      m_scale(static_cast<float>(1.0 / (1.0 - p))) {}

namespace {

// Mask elements per parallel task: the grain the mask loops were measured with.
constexpr std::int64_t kElementsPerTask = 32768;

bool countersApply(const torch::Tensor& x, double p) {
    return x.device().is_cpu() && x.scalar_type() == torch::kFloat32 && p < 1.0;
}

// out = residual + branch * mask with the mask kept for backward: d residual = g, d branch =
// g * mask, as autograd gives for the composition.
struct AddDroppedFunction : torch::autograd::Function<AddDroppedFunction> {
    static torch::Tensor forward(torch::autograd::AutogradContext* context,
                                 const torch::Tensor& residual, const torch::Tensor& branch,
                                 double p) {
        const CounterDropout dropout(p);
        const auto options = branch.options().requires_grad(false);
        auto mask = torch::empty(branch.sizes(), options);
        auto out = torch::empty(branch.sizes(), options);
        const float* x = residual.data_ptr<float>();
        const float* a = branch.data_ptr<float>();
        float* m = mask.data_ptr<float>();
        float* y = out.data_ptr<float>();
        const auto count = out.numel();
        at::parallel_for(0, count, kElementsPerTask, [&](std::int64_t begin, std::int64_t end) {
            pairedKeepFactors(dropout, begin, end - begin, m + begin);
            addScaled(x + begin, a + begin, m + begin, end - begin, y + begin);
        });
        context->saved_data["mask"] = mask;
        return out;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                   torch::autograd::variable_list gradients) {
        const auto& gradient = gradients[0];
        return {gradient, gradient * context->saved_data["mask"].toTensor(), torch::Tensor()};
    }
};

} // namespace

torch::Tensor applyDropout(const torch::Tensor& x, double p, bool training) {
    if (!training || p <= 0.0)
        return x;
    if (!countersApply(x, p))
        return torch::dropout(x, p, training);
    const CounterDropout dropout(p);
    auto mask = torch::empty(x.sizes(), x.options().requires_grad(false));
    float* values = mask.data_ptr<float>();
    at::parallel_for(0, mask.numel(), kElementsPerTask, [&](std::int64_t begin, std::int64_t end) {
        pairedKeepFactors(dropout, begin, end - begin, values + begin);
    });
    return x * mask;
}

torch::Tensor addDropped(const torch::Tensor& residual, const torch::Tensor& branch, double p,
                         bool training) {
    if (!training || p <= 0.0)
        return residual + branch;
    if (!countersApply(branch, p) || residual.sizes() != branch.sizes() ||
        residual.scalar_type() != branch.scalar_type() || !residual.device().is_cpu())
        return residual + applyDropout(branch, p, training);
    return AddDroppedFunction::apply(residual.contiguous(), branch.contiguous(), p);
}

} // namespace relay
