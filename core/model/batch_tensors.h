// Moves the plain-array batches of tasks/batch.h onto a device as tensors.
#pragma once

#include "tasks/batch.h"

#include <torch/torch.h>

#include <vector>

namespace relay {

// Where the RELAY loss reads the looped model out, built on the host with the batch so that no
// step needs a boolean-mask nonzero (a host sync on a GPU): the P cells where stepMask != 0 as
// row-major indices into [T * B * N], each one's target, mask value times task weight and
// iteration t - 1, and the mask's sum per iteration.
struct StepReadOut {
    torch::Tensor positions; // [P] int64
    torch::Tensor targets;   // [P] int64
    torch::Tensor scale;     // [P] float32
    torch::Tensor iteration; // [P] int64
    torch::Tensor counts;    // [T] float32

    bool defined() const { return positions.defined(); }
};

struct LoopedBatchTensors {
    torch::Tensor inputIds;      // [B, N] int64
    torch::Tensor exampleWidths; // [B] int64
    torch::Tensor stepTargets;   // [T, B, N] int64
    torch::Tensor stepMask;      // [T, B, N] float32
    torch::Tensor answerTargets; // [B] int64
    torch::Tensor iterations;    // [B] int64
    torch::Tensor weights;       // [B] float32
    // Host copies that spare the step a read-back: T_b of every example, and the read-out.
    std::vector<std::int64_t> hostIterations;
    StepReadOut readOut; // undefined in batches assembled by hand
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
