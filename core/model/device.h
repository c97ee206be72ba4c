// The device the engine computes on, as a config names it ("cpu", "cuda", "cuda:N", "auto"),
// and the number of CPU threads. Free of LibTorch types so the GUI can offer and check these
// choices; torch_device.h turns a choice into a torch::Device for core .cpp files.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace relay {

// A device name that does not parse or a device this machine does not have; names the value.
class DeviceError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class DeviceKind { Cpu, Cuda, Automatic };

struct DeviceSpec {
    DeviceKind kind = DeviceKind::Cpu;
    int index = -1; // CUDA device index; -1 for "cuda" before resolution, "cpu" and "auto"

    // The config spelling: "cpu", "cuda", "cuda:N" or "auto".
    std::string name() const;

    bool operator==(const DeviceSpec& other) const {
        return kind == other.kind && index == other.index;
    }
    bool operator!=(const DeviceSpec& other) const { return !(*this == other); }
};

// Syntax only; availability is checked by resolveDevice.
DeviceSpec parseDevice(const std::string& name);

// A concrete device this machine has: "auto" becomes cuda:0 when CUDA is available and cpu
// otherwise; "cuda" becomes cuda:0. Asking for CUDA where there is none, or for a device
// index past the last one, is a DeviceError that says so.
DeviceSpec resolveDevice(const DeviceSpec& spec);
DeviceSpec resolveDevice(const std::string& name);

bool cudaAvailable();
int cudaDeviceCount();

// What a device picker offers on this machine: "auto", "cpu", then "cuda:0", "cuda:1", ...
std::vector<std::string> deviceChoices();

// Sets LibTorch's intra-op thread count; 0 means one per core. Returns the count applied.
// A negative count is a DeviceError.
int setCpuThreads(int threadCount);

int cpuThreads();

} // namespace relay
