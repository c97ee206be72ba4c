// Saving and loading a training state: a module's parameters and buffers, the optimizer, the
// scheduler position, random generator states, the step, vocabulary and config, in one
// checksummed file written atomically. Only core .cpp files include this header; the GUI
// reads metadata through checkpoint_metadata.h.
#pragma once

#include "model/checkpoint_metadata.h"

#include <c10/core/Device.h>

#include <string>

namespace torch {
namespace nn {
class Module;
}
namespace optim {
class Optimizer;
}
} // namespace torch

namespace relay {

struct CheckpointLoadOptions {
    // Restore LibTorch's default generators (CPU, and CUDA where saved and present), so that
    // dropout after a resume draws what an uninterrupted run would have drawn.
    bool restoreRandomState = true;
};

// Writes `path` atomically: an existing checkpoint there stays whole if anything fails.
// Tensors are written from the CPU whatever device the module is on. `optimizer` may be null
// (weights only). Returns the file's checksum (checksumHex) as the run store records it.
std::string saveCheckpoint(const std::string& path, const torch::nn::Module& module,
                           const torch::optim::Optimizer* optimizer,
                           const CheckpointMetadata& metadata);

// The bytes saveCheckpoint writes, in memory: how rank 0 hands its training state to the
// other workers, who read it with loadCheckpointBytes, through the same checks as a file.
std::string checkpointBytes(const torch::nn::Module& module,
                            const torch::optim::Optimizer* optimizer,
                            const CheckpointMetadata& metadata);

// Verifies the file (checksum first), checks that every parameter and buffer of `module` is
// in the checkpoint with the same shape and that there are no others, then moves `module` to
// `device` and copies the tensors into it in place (an optimizer built on its parameters
// stays valid). With an `optimizer`, its state is restored on `device`; a checkpoint without
// optimizer state is then an error. Throws CheckpointError naming the file; a file that fails
// verification or the shape check leaves the module and optimizer untouched. LibTorch never
// reads the file's own TorchScript or pickle (model/archive_reader.h).
CheckpointMetadata loadCheckpoint(const std::string& path, torch::nn::Module& module,
                                  torch::optim::Optimizer* optimizer, c10::Device device,
                                  const CheckpointLoadOptions& options = {});

// loadCheckpoint of bytes already in memory; `source` names them in errors.
CheckpointMetadata loadCheckpointBytes(const std::string& bytes, const std::string& source,
                                       torch::nn::Module& module,
                                       torch::optim::Optimizer* optimizer, c10::Device device,
                                       const CheckpointLoadOptions& options = {});

} // namespace relay
