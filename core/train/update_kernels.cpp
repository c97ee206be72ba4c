#include "train/update_kernels.h"

#include <cmath>

namespace relay {

// The default build targets baseline x86-64; these clones let the CPU's widest vectors run.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define RELAY_UPDATE_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define RELAY_UPDATE_CLONES
#endif

RELAY_UPDATE_CLONES
void adamWUpdate(float* __restrict parameter, const float* __restrict gradient,
                 float* __restrict firstMoment, float* __restrict secondMoment, std::int64_t count,
                 const AdamWFactors& factors) {
    const float decay = factors.decay;
    const float beta1 = factors.beta1;
    const float keep1 = 1.0f - beta1;
    const float beta2 = factors.beta2;
    const float keep2 = 1.0f - beta2;
    const float root = factors.rootCorrection2;
    const float epsilon = factors.epsilon;
    const float stepSize = factors.stepSize;
    for (std::int64_t i = 0; i < count; ++i) {
        const float g = gradient[i];
        const float m = firstMoment[i] * beta1 + keep1 * g;
        const float v = secondMoment[i] * beta2 + keep2 * g * g;
        firstMoment[i] = m;
        secondMoment[i] = v;
        parameter[i] = parameter[i] * decay - stepSize * (m / (std::sqrt(v) / root + epsilon));
    }
}

RELAY_UPDATE_CLONES
double sumOfSquares(const float* __restrict values, std::int64_t count) {
    // Eight partial sums, each over a fixed residue of the index: as fast as a vector reduction,
    // and the same result whichever version runs.
    constexpr std::int64_t kLanes = 8;
    double partial[kLanes] = {};
    std::int64_t i = 0;
    for (; i + kLanes <= count; i += kLanes)
        for (std::int64_t lane = 0; lane < kLanes; ++lane) {
            const double value = values[i + lane];
            partial[lane] += value * value;
        }
    for (; i < count; ++i) {
        const double value = values[i];
        partial[0] += value * value;
    }
    double total = 0.0;
    for (double sum : partial)
        total += sum;
    return total;
}

RELAY_UPDATE_CLONES
void scaleInPlace(float* __restrict values, std::int64_t count, float factor) {
    for (std::int64_t i = 0; i < count; ++i)
        values[i] *= factor;
}

} // namespace relay
