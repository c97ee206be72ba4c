// Moves the plain-array batches of tasks/batch.h onto a device as tensors.
#pragma once

#include "tasks/batch.h"

#include <torch/torch.h>

namespace relay {

struct LoopedBatchTensors {
    torch::Tensor inputIds;      // [B, N] int64
    torch::Tensor exampleWidths; // [B] int64
    torch::Tensor stepTargets;   // [T, B, N] int64
    torch::Tensor stepMask;      // [T, B, N] float32
    torch::Tensor answerTargets; // [B] int64
    torch::Tensor iterations;    // [B] int64
    torch::Tensor weights;       // [B] float32
};

struct ArBatchTensors {
    torch::Tensor tokens;          // [B, L] int64
    torch::Tensor lossMask;        // [B, L] float32
    torch::Tensor promptLengths;   // [B] int64
    torch::Tensor sequenceLengths; // [B] int64
    torch::Tensor weights;         // [B] float32
};

// Throw std::invalid_argument when an array's size disagrees with the batch's dimensions.
LoopedBatchTensors toTensors(const LoopedBatch& batch, const torch::Device& device);
ArBatchTensors toTensors(const ArBatch& batch, const torch::Device& device);

} // namespace relay
