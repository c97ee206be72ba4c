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

// One section for the CPU generator and one per visible CUDA device.
std::vector<CheckpointSection> generatorSections();

// Reads the saved states without applying them. States this machine cannot take (CUDA
// devices it lacks, another LibTorch's state layout) are dropped rather than failing the load.
GeneratorStates decodeGeneratorStates(const DecodedCheckpoint& checkpoint, const std::string& path);

void restoreGeneratorStates(const GeneratorStates& states);

} // namespace relay
