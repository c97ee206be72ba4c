// The loops of an optimizer step on the CPU over contiguous float32 arrays: AdamW's update of one
// parameter in one pass, and the sum of squares and scaling of gradient clipping. Compiled
// apart (core/CMakeLists.txt) with -O3, once per vector width, without FMA contraction, so a
// result never depends on which version ran or on a buffer's alignment. No LibTorch here.
#pragma once

#include <cstdint>

namespace relay {

// One AdamW step's factors, in the order LibTorch's AdamW applies them.
struct AdamWFactors {
    float decay = 1.0f;          // 1 - lr * weight_decay, applied to the parameter first
    float beta1 = 0.9f;          // first moment: m = beta1 m + (1 - beta1) g
    float beta2 = 0.999f;        // second moment: v = beta2 v + (1 - beta2) g^2
    float rootCorrection2 = 1.f; // sqrt(1 - beta2^step)
    float epsilon = 1e-8f;       // added to sqrt(v) / rootCorrection2
    float stepSize = 1e-3f;      // lr / (1 - beta1^step)
};

// p = p decay - stepSize m / (sqrt(v) / rootCorrection2 + epsilon), after updating m and v with
// g, element by element.
void adamWUpdate(float* parameter, const float* gradient, float* firstMoment, float* secondMoment,
                 std::int64_t count, const AdamWFactors& factors);

// The sum of squares of `count` floats, accumulated in double in a fixed order.
double sumOfSquares(const float* values, std::int64_t count);

// values *= factor.
void scaleInPlace(float* values, std::int64_t count, float factor);

} // namespace relay
