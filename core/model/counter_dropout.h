// The counter-based keep mask of dropout (model/dropout.h) and its loops, free of LibTorch: the
// mask of a call is a pure function of its seed and each element's index, so any thread, any
// split of the work and any vector width draw the same one.
#pragma once

#include <cstdint>

namespace relay {

// The counter-based keep mask, for kernels that drop inside their own loops (the fused
// attention): one seed per call from LibTorch's default CPU generator, then element `index`
// is kept when keeps(index) (or, two elements to a word, by keepsHalf of either half).
class CounterDropout {
public:
    // Draws the seed (from LibTorch's generator: defined in dropout.cpp); p in [0, 1).
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

// The loops below are compiled per vector width (64-bit multiplies vectorize only with AVX-512
// DQ); a step of a small model draws a few million mask elements, a tenth of it when scalar.

// factors[k] = scale or 0 for elements first + k, k < count, two elements to a word: element e
// keeps by the low half of word(e / 2) when e is even, by its high half when e is odd.
void pairedKeepFactors(const CounterDropout& dropout, std::int64_t first, std::int64_t count,
                       float* factors);

// factors[k] = scale or 0 for elements first + k, one word each: element e keeps(e).
void elementKeepFactors(const CounterDropout& dropout, std::uint64_t first, std::int64_t count,
                        float* factors);

// out[k] = residual[k] + branch[k] * factors[k], the product rounded before the sum (as
// residual + branch * mask rounds it).
void addScaled(const float* residual, const float* branch, const float* factors, std::int64_t count,
               float* out);

} // namespace relay
