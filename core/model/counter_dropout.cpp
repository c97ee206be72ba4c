#include "model/counter_dropout.h"

#include <algorithm>

namespace relay {
namespace {

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define RELAY_DROPOUT_CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define RELAY_DROPOUT_CLONES
#endif

// Elements are drawn in blocks of this many words, written to the stack first so that the
// hashing loop and the thresholding loop each vectorize.
constexpr std::int64_t kBlockWords = 256;

} // namespace

RELAY_DROPOUT_CLONES
void pairedKeepFactors(const CounterDropout& dropout, std::int64_t first, std::int64_t count,
                       float* factors) {
    const float scale = dropout.scale();
    std::int64_t element = first;
    const std::int64_t end = first + count;
    if (element < end && element % 2 == 1) { // the high half of the first word
        factors[0] = dropout.keepsHalf(dropout.word(static_cast<std::uint64_t>(element / 2)) >> 32)
                         ? scale
                         : 0.0f;
        ++element;
    }
    std::uint32_t halves[2 * kBlockWords];
    while (element < end) {
        const std::int64_t firstWord = element / 2;
        const std::int64_t words = std::min<std::int64_t>(kBlockWords, (end - element + 1) / 2);
        for (std::int64_t w = 0; w < words; ++w) {
            const std::uint64_t word = dropout.word(static_cast<std::uint64_t>(firstWord + w));
            halves[2 * w] = static_cast<std::uint32_t>(word);
            halves[2 * w + 1] = static_cast<std::uint32_t>(word >> 32);
        }
        const std::int64_t elements = std::min<std::int64_t>(2 * words, end - element);
        float* out = factors + (element - first);
        for (std::int64_t k = 0; k < elements; ++k)
            out[k] = dropout.keepsHalf(halves[k]) ? scale : 0.0f;
        element += elements;
    }
}

RELAY_DROPOUT_CLONES
void elementKeepFactors(const CounterDropout& dropout, std::uint64_t first, std::int64_t count,
                        float* factors) {
    const float scale = dropout.scale();
    std::uint32_t highs[kBlockWords];
    for (std::int64_t done = 0; done < count; done += kBlockWords) {
        const std::int64_t words = std::min<std::int64_t>(kBlockWords, count - done);
        for (std::int64_t w = 0; w < words; ++w)
            highs[w] = static_cast<std::uint32_t>(
                dropout.word(first + static_cast<std::uint64_t>(done + w)) >> 32);
        for (std::int64_t w = 0; w < words; ++w)
            factors[done + w] = dropout.keepsHalf(highs[w]) ? scale : 0.0f;
    }
}

RELAY_DROPOUT_CLONES
void addScaled(const float* __restrict residual, const float* __restrict branch,
               const float* __restrict factors, std::int64_t count, float* __restrict out) {
    for (std::int64_t k = 0; k < count; ++k) {
        const float dropped = branch[k] * factors[k];
        out[k] = residual[k] + dropped;
    }
}

} // namespace relay
