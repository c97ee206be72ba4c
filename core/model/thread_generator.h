// The CPU generator a thread's random draws use: dropout's seeds, randomised positions and the
// checkpoint's generator section. A training session installs its own for its thread, so that
// stages trained side by side in one process (relay pipeline) each draw their own sequence,
// whatever the other threads draw meanwhile; without one, LibTorch's default CPU generator.
#pragma once

#include <ATen/core/Generator.h>

namespace relay {

at::Generator currentCpuGenerator();

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
