#include "model/device.h"
#include "model/torch_device.h"

#include <torch/torch.h>

#include <charconv>
#include <thread>

namespace relay {
namespace {

constexpr const char* kCudaPrefix = "cuda:";

DeviceError badName(const std::string& name) {
    return DeviceError("device '" + name + "': expected cpu, cuda, cuda:N or auto");
}

// Digits only: std::from_chars alone would accept a leading minus sign.
int parseIndex(const std::string& digits, const std::string& name) {
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos)
        throw badName(name);
    int index = 0;
    const auto result = std::from_chars(digits.data(), digits.data() + digits.size(), index);
    if (result.ec != std::errc() || result.ptr != digits.data() + digits.size())
        throw badName(name);
    return index;
}

} // namespace

std::string DeviceSpec::name() const {
    switch (kind) {
    case DeviceKind::Cpu:
        return "cpu";
    case DeviceKind::Automatic:
        return "auto";
    case DeviceKind::Cuda:
        return index < 0 ? "cuda" : kCudaPrefix + std::to_string(index);
    }
    return "cpu";
}

DeviceSpec parseDevice(const std::string& name) {
    if (name == "cpu")
        return {DeviceKind::Cpu, -1};
    if (name == "auto")
        return {DeviceKind::Automatic, -1};
    if (name == "cuda")
        return {DeviceKind::Cuda, -1};
    const std::string prefix = kCudaPrefix;
    if (name.compare(0, prefix.size(), prefix) == 0)
        return {DeviceKind::Cuda, parseIndex(name.substr(prefix.size()), name)};
    throw badName(name);
}

bool cudaAvailable() {
    return torch::cuda::is_available();
}

int cudaDeviceCount() {
    return cudaAvailable() ? static_cast<int>(torch::cuda::device_count()) : 0;
}

DeviceSpec resolveDevice(const DeviceSpec& spec) {
    switch (spec.kind) {
    case DeviceKind::Cpu:
        return {DeviceKind::Cpu, -1};
    case DeviceKind::Automatic:
        return cudaAvailable() ? DeviceSpec{DeviceKind::Cuda, 0} : DeviceSpec{DeviceKind::Cpu, -1};
    case DeviceKind::Cuda:
        break;
    }
    const int count = cudaDeviceCount();
    if (count == 0)
        throw DeviceError("device '" + spec.name() +
                          "': CUDA is not available here (LibTorch without CUDA, or no visible "
                          "GPU); use cpu or auto");
    const int index = spec.index < 0 ? 0 : spec.index;
    if (index >= count)
        throw DeviceError("device '" + spec.name() + "': only " + std::to_string(count) +
                          " CUDA device" + (count == 1 ? " is" : "s are") +
                          " visible (cuda:0 to cuda:" + std::to_string(count - 1) + ")");
    return {DeviceKind::Cuda, index};
}

DeviceSpec resolveDevice(const std::string& name) {
    return resolveDevice(parseDevice(name));
}

std::vector<std::string> deviceChoices() {
    std::vector<std::string> choices = {"auto", "cpu"};
    for (int index = 0; index < cudaDeviceCount(); ++index)
        choices.push_back(kCudaPrefix + std::to_string(index));
    return choices;
}

int setCpuThreads(int threadCount) {
    if (threadCount < 0)
        throw DeviceError("CPU thread count " + std::to_string(threadCount) +
                          ": expected 0 (one per core) or a positive number");
    int applied = threadCount;
    if (applied == 0) {
        // hardware_concurrency may return 0 when it cannot tell.
        applied = static_cast<int>(std::thread::hardware_concurrency());
        if (applied == 0)
            applied = 1;
    }
    torch::set_num_threads(applied);
    return applied;
}

int cpuThreads() {
    return torch::get_num_threads();
}

c10::Device toTorchDevice(const DeviceSpec& spec) {
    const DeviceSpec resolved = resolveDevice(spec);
    if (resolved.kind == DeviceKind::Cpu)
        return c10::Device(c10::kCPU);
    return c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(resolved.index));
}

c10::Device selectDevice(const std::string& name) {
    return toTorchDevice(parseDevice(name));
}

} // namespace relay
