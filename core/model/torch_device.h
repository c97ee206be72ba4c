// DeviceSpec to torch::Device, for core .cpp files only (the GUI uses device.h).
#pragma once

#include "model/device.h"

#include <c10/core/Device.h>

namespace relay {

// Resolves the spec first (see resolveDevice), so the result is always a concrete device.
c10::Device toTorchDevice(const DeviceSpec& spec);

// parseDevice, resolveDevice and toTorchDevice in one step.
c10::Device selectDevice(const std::string& name);

} // namespace relay
