// The `precision` a run computes in, and bf16 mixed precision on CUDA. No LibTorch in this
// header.
#pragma once

#include "closed_set.h"

namespace relay {

// The arithmetic of a training step on CUDA (the config key `precision`).
enum class Precision { Fp32, Bf16Autocast };
template <> struct ClosedSet<Precision> {
    static constexpr const char* what = "precision";
    static constexpr std::array<std::pair<Precision, const char*>, 2> names{
        {{Precision::Fp32, "fp32"}, {Precision::Bf16Autocast, "bf16-autocast"}}};
};

// What a run with the config's `precision` computes in on a device: bf16-autocast only on
// CUDA, since LibTorch's CPU matmuls gain nothing from it; fp32 otherwise. This is what the
// run records (the "started" event).
Precision effectivePrecision(Precision precision, bool onCuda);

// While alive, CUDA operations run under bf16 autocast (matmuls in bf16, reductions and
// softmax in fp32), when `enabled` is true and CUDA is available; otherwise it does nothing.
// Run the backward pass after the scope ends, as PyTorch recommends. Restores the autocast
// state it found (enabled flag and dtype) when it ends. Not copyable.
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

// Whether CUDA autocast is on in this thread (false where CUDA is absent): for tests and checks.
bool cudaAutocastActive();

} // namespace relay
