// bf16 mixed precision on CUDA (CPU threads are set by model/device.h). No LibTorch in this
// header.
#pragma once

namespace relay {

// While alive, CUDA operations run under bf16 autocast (matmuls in bf16, reductions and
// softmax in fp32), when `enabled` is true and CUDA is available; otherwise it does nothing.
// Run the backward pass after the scope ends, as PyTorch recommends. Not copyable.
class Bf16AutocastScope {
public:
    explicit Bf16AutocastScope(bool enabled);
    ~Bf16AutocastScope();
    Bf16AutocastScope(const Bf16AutocastScope&) = delete;
    Bf16AutocastScope& operator=(const Bf16AutocastScope&) = delete;

    bool active() const { return m_active; }

private:
    bool m_active = false;
    bool m_previousEnabled = false;
    int m_previousDtype = 0; // at::ScalarType, kept as int to keep torch out of this header
};

} // namespace relay
