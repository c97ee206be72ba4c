#include "model/generator_state.h"

#include "model/thread_generator.h"

#include <torch/torch.h>

#include <cstring>
#include <mutex>

namespace relay {
namespace {

at::Generator cudaGenerator(int index) {
    return at::globalContext().defaultGenerator(
        c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(index)));
}

std::string stateOf(at::Generator generator) {
    // LibTorch's rule: hold the generator's mutex while touching its state.
    std::lock_guard<std::mutex> lock(generator.mutex());
    const at::Tensor state = generator.get_state().contiguous();
    return std::string(reinterpret_cast<const char*>(state.data_ptr<std::uint8_t>()),
                       static_cast<std::size_t>(state.numel()));
}

void restore(at::Generator generator, const std::string& bytes) {
    at::Tensor state = torch::empty({static_cast<std::int64_t>(bytes.size())}, torch::kUInt8);
    std::memcpy(state.data_ptr<std::uint8_t>(), bytes.data(), bytes.size());
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(state);
}

} // namespace

std::vector<CheckpointSection> generatorSections(const std::vector<int>& cudaDevices) {
    std::vector<CheckpointSection> sections;
    sections.push_back({kCpuGeneratorSection, stateOf(currentCpuGenerator())});
    for (int index : cudaDevices)
        sections.push_back(
            {kCudaGeneratorSectionPrefix + std::to_string(index), stateOf(cudaGenerator(index))});
    return sections;
}

GeneratorStates decodeGeneratorStates(const DecodedCheckpoint& checkpoint, const std::string& path,
                                      const std::vector<int>& cudaDevices) {
    GeneratorStates states;
    const auto* cpu = checkpoint.find(kCpuGeneratorSection);
    if (cpu == nullptr)
        throw CheckpointError("checkpoint '" + path + "' has no '" + kCpuGeneratorSection +
                              "' section");
    // Another LibTorch may lay its generator state out differently; such a state is skipped
    // (exact resumption is impossible across versions anyway) instead of failing the load.
    if (cpu->size() == stateOf(currentCpuGenerator()).size())
        states.cpu = std::string(*cpu);
    for (int index : cudaDevices) {
        const auto* cuda = checkpoint.find(kCudaGeneratorSectionPrefix + std::to_string(index));
        if (cuda != nullptr && cuda->size() == stateOf(cudaGenerator(index)).size())
            states.cuda.emplace_back(index, std::string(*cuda));
    }
    return states;
}

void restoreGeneratorStates(const GeneratorStates& states) {
    if (!states.cpu.empty())
        restore(currentCpuGenerator(), states.cpu);
    for (const auto& [index, state] : states.cuda)
        restore(cudaGenerator(index), state);
}

} // namespace relay
