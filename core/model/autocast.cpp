#include "model/autocast.h"

#include <ATen/autocast_mode.h>
#include <torch/torch.h>
#include <torch/version.h>

// LibTorch 2.4 replaced the CUDA-only autocast calls by ones taking a device type.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define RELAY_AUTOCAST_BY_DEVICE 1
#else
#define RELAY_AUTOCAST_BY_DEVICE 0
#endif

namespace relay {
namespace {

bool cudaAutocastEnabled() {
#if RELAY_AUTOCAST_BY_DEVICE
    return at::autocast::is_autocast_enabled(at::kCUDA);
#else
    return at::autocast::is_enabled();
#endif
}

at::ScalarType cudaAutocastDtype() {
#if RELAY_AUTOCAST_BY_DEVICE
    return at::autocast::get_autocast_dtype(at::kCUDA);
#else
    return at::autocast::get_autocast_gpu_dtype();
#endif
}

void setCudaAutocast(bool enabled, at::ScalarType dtype) {
#if RELAY_AUTOCAST_BY_DEVICE
    at::autocast::set_autocast_enabled(at::kCUDA, enabled);
    at::autocast::set_autocast_dtype(at::kCUDA, dtype);
#else
    at::autocast::set_enabled(enabled);
    at::autocast::set_autocast_gpu_dtype(dtype);
#endif
}

} // namespace

Precision effectivePrecision(Precision precision, bool onCuda) {
    return onCuda && precision == Precision::Bf16Autocast ? Precision::Bf16Autocast
                                                          : Precision::Fp32;
}

bool cudaAutocastActive() {
    return cudaAutocastEnabled();
}

Bf16AutocastScope::Bf16AutocastScope(bool enabled) {
    if (!enabled || !torch::cuda::is_available())
        return;
    m_active = true;
    m_previousEnabled = cudaAutocastEnabled();
    m_previousDtype = static_cast<int>(cudaAutocastDtype());
    setCudaAutocast(true, at::kBFloat16);
    at::autocast::increment_nesting();
}

Bf16AutocastScope::~Bf16AutocastScope() {
    if (!m_active)
        return;
    // Casts of weights are cached for the scope; drop them when the outermost scope ends.
    if (at::autocast::decrement_nesting() == 0)
        at::autocast::clear_cache();
    setCudaAutocast(m_previousEnabled, static_cast<at::ScalarType>(m_previousDtype));
}

} // namespace relay
