// Gradient clipping by the joint L2 norm of all gradients.
#pragma once

#include <torch/torch.h>

#include <vector>

namespace relay {

// Scales the gradients of `parameters` in place so their joint L2 norm is at most `limit` (a
// factor of exactly 1 below it), as torch::nn::utils::clip_grad_norm_ does; returns the norm
// before clipping as a scalar tensor. On a device the norm stays a tensor (LibTorch's returns a
// double: a host sync per step); contiguous float32 gradients on the CPU take two passes
// instead of two operations per parameter.
torch::Tensor clipGradientNorm(const std::vector<torch::Tensor>& parameters, double limit);

} // namespace relay
