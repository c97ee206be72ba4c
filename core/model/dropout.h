// Inverted dropout (zero each element with probability p, scale the rest by 1 / (1 - p)) that
// is cheap on the CPU. LibTorch's CPU Bernoulli draws one Mersenne Twister number per element
// on one thread, a tenth of a small model's training step; here the keep mask comes from a
// counter-based generator (SplitMix64 of element index and a per-call seed), in parallel and
// identical for any thread count. The seed is one draw from LibTorch's default CPU generator,
// so torch::manual_seed reproduces the masks and a checkpoint's generator state resumes them.
// Other devices and dtypes use torch::dropout.
#pragma once

#include <torch/torch.h>

namespace relay {

torch::Tensor applyDropout(const torch::Tensor& x, double p, bool training);

} // namespace relay
