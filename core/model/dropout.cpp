#include "model/dropout.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>

#include <cmath>
#include <cstdint>
#include <mutex>

namespace relay {
namespace {

std::uint64_t drawSeed() {
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    return at::check_generator<at::CPUGeneratorImpl>(generator)->random64();
}

} // namespace

CounterDropout::CounterDropout(double p) : CounterDropout(p, drawSeed()) {}

CounterDropout::CounterDropout(double p, std::uint64_t seed)
    : m_seed(seed), m_threshold(static_cast<std::uint64_t>(std::llround((1.0 - p) * 4294967296.0))),
      m_scale(static_cast<float>(1.0 / (1.0 - p))) {}

torch::Tensor applyDropout(const torch::Tensor& x, double p, bool training) {
    if (!training || p <= 0.0)
        return x;
    if (!x.device().is_cpu() || x.scalar_type() != torch::kFloat32 || p >= 1.0)
        return torch::dropout(x, p, training);
    // Each 64-bit word serves two elements, one per half.
    const CounterDropout dropout(p);
    const float scale = dropout.scale();
    auto mask = torch::empty(x.sizes(), x.options().requires_grad(false));
    float* values = mask.data_ptr<float>();
    const std::int64_t count = mask.numel();
    const std::int64_t pairs = (count + 1) / 2;
    at::parallel_for(0, pairs, 16384, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t pair = begin; pair < end; ++pair) {
            const std::uint64_t word = dropout.word(static_cast<std::uint64_t>(pair));
            const std::int64_t first = 2 * pair;
            values[first] = dropout.keepsHalf(word & 0xffffffffULL) ? scale : 0.0f;
            if (first + 1 < count)
                values[first + 1] = dropout.keepsHalf(word >> 32) ? scale : 0.0f;
        }
    });
    return x * mask;
}

} // namespace relay
