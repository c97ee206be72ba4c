// Analytic matmul FLOP counts of one training step (forward; x3 for forward + backward), so
// benchmarks can report achieved GFLOP/s next to the machine's GEMM peak. Counts projections,
// MLP, attention scores and weighted sums, and the read-out at the positions the loss uses.
#pragma once

#include "model/batch_tensors.h"
#include "model/model_config.h"

namespace relay {

// One transformer layer over `rows` sequences of `length` tokens.
double layerMatmulFlops(const ModelConfig& config, double rows, double length);

// Forward FLOPs of a looped step: only examples still looping run the block at iteration t.
double loopedForwardFlops(const ModelConfig& config, const LoopedBatchTensors& batch,
                          const torch::Tensor& readOutMask);

double arForwardFlops(const ModelConfig& config, const ArBatchTensors& batch,
                      const torch::Tensor& readOutMask);

} // namespace relay
