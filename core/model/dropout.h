// Inverted dropout (zero each element with probability p, scale the rest by 1 / (1 - p)) that
// is cheap on the CPU. LibTorch's CPU Bernoulli draws one Mersenne Twister number per element
// on one thread, a tenth of a small model's training step; here the keep mask comes from a
// counter-based generator (SplitMix64 of element index and a per-call seed), in parallel and
// identical for any thread count. The seed is one draw from LibTorch's default CPU generator,
// so torch::manual_seed reproduces the masks and a checkpoint's generator state resumes them.
// Other devices and dtypes use torch::dropout.
#pragma once

#include "model/counter_dropout.h"

#include <torch/torch.h>

namespace relay {

torch::Tensor applyDropout(const torch::Tensor& x, double p, bool training);

// residual + applyDropout(branch, p, training), the same bits and the same generator draw, in one
// pass on the CPU: a transformer layer's two residual joins each cost a mask, a product and a
// sum (three passes, two temporaries, two autograd nodes) otherwise.
torch::Tensor addDropped(const torch::Tensor& residual, const torch::Tensor& branch, double p,
                         bool training);

} // namespace relay
