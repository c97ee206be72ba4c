#include "model/dropout.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>

#include <cmath>
#include <cstdint>
#include <mutex>

namespace relay {
namespace {

// SplitMix64's output function (Steele, Lea and Flood 2014): a bijection with full avalanche,
// so consecutive counters give independent-looking 64-bit words.
inline std::uint64_t splitMix64(std::uint64_t state) {
    state += 0x9e3779b97f4a7c15ULL;
    state = (state ^ (state >> 30)) * 0xbf58476d1ce4e5b9ULL;
    state = (state ^ (state >> 27)) * 0x94d049bb133111ebULL;
    return state ^ (state >> 31);
}

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
    const std::uint64_t seed = drawSeed();
    // Element i is kept when its 32-bit word is below (1 - p) * 2^32: probability 1 - p to
    // within 2^-32. Each 64-bit draw serves two elements.
    const auto threshold = static_cast<std::uint64_t>(std::llround((1.0 - p) * 4294967296.0));
    const float scale = static_cast<float>(1.0 / (1.0 - p));
    auto mask = torch::empty(x.sizes(), x.options().requires_grad(false));
    float* values = mask.data_ptr<float>();
    const std::int64_t count = mask.numel();
    const std::int64_t pairs = (count + 1) / 2;
    at::parallel_for(0, pairs, 16384, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t pair = begin; pair < end; ++pair) {
            const std::uint64_t word =
                splitMix64(seed + static_cast<std::uint64_t>(pair) * 0x9e3779b97f4a7c15ULL);
            const std::int64_t first = 2 * pair;
            values[first] = (word & 0xffffffffULL) < threshold ? scale : 0.0f;
            if (first + 1 < count)
                values[first + 1] = (word >> 32) < threshold ? scale : 0.0f;
        }
    });
    return x * mask;
}

} // namespace relay
