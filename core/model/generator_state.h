// LibTorch's default random generators (CPU, and each CUDA device) as checkpoint sections, so
// that a resumed run draws the same dropout masks as an uninterrupted one. Internal to the
// checkpoint code.
#pragma once

#include "model/checkpoint_format.h"

#include <string>
#include <utility>
#include <vector>

namespace relay {

struct GeneratorStates {
    std::string cpu;                               // empty: not restored
    std::vector<std::pair<int, std::string>> cuda; // (device index, state)
};

// One section for the CPU generator and one per CUDA device in `cudaDevices` (the devices the
// saved module lives on). CUDA generators are touched only when asked for, so that a CPU run
// on a GPU host never initialises CUDA.
std::vector<CheckpointSection> generatorSections(const std::vector<int>& cudaDevices);

// Reads the saved states without applying them, the CUDA ones only for `cudaDevices` (the
// devices the module is loaded onto). States this machine cannot take (another LibTorch's
// state layout, a device without a saved state) are dropped rather than failing the load.
GeneratorStates decodeGeneratorStates(const DecodedCheckpoint& checkpoint, const std::string& path,
                                      const std::vector<int>& cudaDevices);

void restoreGeneratorStates(const GeneratorStates& states);

} // namespace relay
