#include "model/thread_generator.h"

#include <ATen/CPUGeneratorImpl.h>

namespace relay {
namespace {

thread_local const at::Generator* t_current = nullptr;

} // namespace

std::mutex& globalGeneratorMutex() {
    static std::mutex mutex;
    return mutex;
}

at::Generator currentCpuGenerator() {
    return t_current != nullptr ? *t_current : at::detail::getDefaultCPUGenerator();
}

CurrentGeneratorScope::CurrentGeneratorScope(at::Generator generator)
    : m_generator(std::move(generator)), m_previous(t_current) {
    t_current = &m_generator;
}

CurrentGeneratorScope::~CurrentGeneratorScope() {
    t_current = m_previous;
}

} // namespace relay
