// torch::optim::AdamW whose step on the CPU is one pass over each parameter. LibTorch's step is
// about ten tensor operations per parameter (weight decay, both moments, the bias-corrected
// denominator, the update); the cpu-quick model's 40 parameters of a few thousand floats each
// made that some 400 dispatched operations a step, about a millisecond. The state (step,
// exp_avg, exp_avg_sq per parameter) is AdamW's own, so checkpoints keep their format and either
// class loads the other's. Parameters off the CPU or not float32, and amsgrad, take AdamW's step.
#pragma once

#include <torch/torch.h>

namespace relay {

class FusedAdamW : public torch::optim::AdamW {
public:
    using torch::optim::AdamW::AdamW;
    torch::Tensor step(LossClosure closure = nullptr) override;

private:
    // Whether every parameter with a gradient is a contiguous CPU float32 tensor.
    bool fusable() const;
};

// Whether the CPU loops of an optimizer step (update_kernels.h) take this tensor: contiguous
// float32 on the CPU.
bool onCpuInFloat(const torch::Tensor& tensor);

} // namespace relay
