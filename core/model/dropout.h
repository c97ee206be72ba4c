// Inverted dropout (zero each element with probability p, scale the rest by 1 / (1 - p)) that
// is cheap on the CPU. LibTorch's CPU Bernoulli draws one Mersenne Twister number per element
// on one thread, a tenth of a small model's training step; here the keep mask comes from a
// counter-based generator (SplitMix64 of element index and a per-call seed), in parallel and
// identical for any thread count. The seed is one draw from LibTorch's default CPU generator,
// so torch::manual_seed reproduces the masks and a checkpoint's generator state resumes them.
// Other devices and dtypes use torch::dropout.
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace relay {

torch::Tensor applyDropout(const torch::Tensor& x, double p, bool training);

// residual + applyDropout(branch, p, training), the same bits and the same generator draw, in one
// pass on the CPU: a transformer layer's two residual joins each cost a mask, a product and a
// sum (three passes, two temporaries, two autograd nodes) otherwise.
torch::Tensor addDropped(const torch::Tensor& residual, const torch::Tensor& branch, double p,
                         bool training);

// The counter-based keep mask, for kernels that drop inside their own loops (the fused
// attention): one seed per call from LibTorch's default CPU generator, then element `index`
// is kept when keptByCounter(seed, index, threshold).
class CounterDropout {
public:
    // Draws the seed; p in [0, 1).
    explicit CounterDropout(double p);
    // From a seed drawn before (backward recomputes the forward's mask).
    CounterDropout(double p, std::uint64_t seed);

    std::uint64_t seed() const { return m_seed; }
    float scale() const { return m_scale; } // 1 / (1 - p)
    // SplitMix64's output function (Steele, Lea and Flood 2014) on the counter: a bijection
    // with full avalanche, so consecutive indices give independent-looking 64-bit words.
    std::uint64_t word(std::uint64_t index) const {
        std::uint64_t state = m_seed + index * 0x9e3779b97f4a7c15ULL + 0x9e3779b97f4a7c15ULL;
        state = (state ^ (state >> 30)) * 0xbf58476d1ce4e5b9ULL;
        state = (state ^ (state >> 27)) * 0x94d049bb133111ebULL;
        return state ^ (state >> 31);
    }
    // Whether a 32-bit half of a word keeps its element: probability 1 - p to within 2^-32.
    bool keepsHalf(std::uint64_t half) const { return half < m_threshold; }
    bool keeps(std::uint64_t index) const { return keepsHalf(word(index) >> 32); }

private:
    std::uint64_t m_seed;
    std::uint64_t m_threshold; // keep when the word's high 32 bits are below (1 - p) * 2^32
    float m_scale;
};

} // namespace relay
