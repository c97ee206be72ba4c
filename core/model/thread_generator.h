// The CPU generator a thread's random draws use: dropout's seeds, randomised positions and the
// checkpoint's generator section. A training session installs its own for its thread, so that
// stages trained side by side in one process (relay pipeline) each draw their own sequence,
// whatever the other threads draw meanwhile; without one, LibTorch's default CPU generator.
#pragma once

#include <ATen/core/Generator.h>

#include <mutex>

namespace relay {

at::Generator currentCpuGenerator();

// LibTorch draws a new module's initial weights from its global CPU generator, which a training
// session seeds, initialises its model from and then clones as its own. Whoever seeds that
// generator or constructs a module holds this lock: a stage being built while another thread
// constructs a model to load a checkpoint into (relay pipeline runs stages side by side) would
// otherwise start from a generator state that depends on the threads' timing.
std::mutex& globalGeneratorMutex();

// Makes `generator` this thread's current one until the scope ends (scopes nest).
class CurrentGeneratorScope {
public:
    explicit CurrentGeneratorScope(at::Generator generator);
    ~CurrentGeneratorScope();
    CurrentGeneratorScope(const CurrentGeneratorScope&) = delete;
    CurrentGeneratorScope& operator=(const CurrentGeneratorScope&) = delete;

private:
    at::Generator m_generator;
    const at::Generator* m_previous;
};

} // namespace relay
