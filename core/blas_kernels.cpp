#include "blas_kernels.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <dlfcn.h>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>

namespace relay {

const char* blasCoreTypeForFlags(const char* flagsLine) {
    std::istringstream stream(flagsLine);
    std::set<std::string> flags;
    std::string flag;
    while (stream >> flag)
        flags.insert(flag);
    auto has = [&](const char* name) { return flags.count(name) > 0; };
    if (has("avx512f") && has("avx512bw") && has("avx512dq") && has("avx512vl"))
        return "SkylakeX";
    if (has("avx2") && has("fma"))
        return "Haswell";
    return "";
}

namespace {

std::string cpuFlagsLine() {
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    while (std::getline(cpuinfo, line))
        if (line.rfind("flags", 0) == 0)
            return line;
    return {};
}

bool sameCoreType(std::string a, std::string b) {
    auto lower = [](std::string& text) {
        std::transform(text.begin(), text.end(), text.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    };
    lower(a);
    lower(b);
    return a == b;
}

} // namespace

std::string blasKernelsInUse() {
    // Looked up rather than linked: LibTorch reaches OpenBLAS through the system's libblas,
    // which may be another BLAS.
    using CoreName = char* (*)();
    auto* name = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
    const char* core = name != nullptr ? name() : nullptr;
    return core != nullptr ? std::string(core) : std::string();
}

std::string blasKernelsLine(const std::string& inUse, const std::string& forThisCpu,
                            const char* setCoreType) {
    if (inUse.empty())
        return "blas not OpenBLAS";
    std::string line = "blas OpenBLAS " + inUse + " kernels";
    if (setCoreType != nullptr && *setCoreType && !forThisCpu.empty() &&
        !sameCoreType(setCoreType, forThisCpu))
        line += std::string(" (OPENBLAS_CORETYPE=") + setCoreType +
                " in the environment; this CPU runs the " + forThisCpu +
                " kernels: unset it and relay chooses them)";
    return line;
}

std::string blasKernelsLine() {
    return blasKernelsLine(blasKernelsInUse(), blasCoreTypeForFlags(cpuFlagsLine().c_str()),
                           std::getenv("OPENBLAS_CORETYPE"));
}

void preferFastBlasKernels(char** argv) {
    if (std::getenv("OPENBLAS_CORETYPE") || std::getenv("RELAY_KEEP_BLAS_KERNELS"))
        return;
    const std::string line = cpuFlagsLine();
    const char* coreType = blasCoreTypeForFlags(line.c_str());
    if (!*coreType)
        return;                               // OpenBLAS's own detection is all there is
    setenv("OPENBLAS_CORETYPE", coreType, 1); // also stops the re-executed process here
    execv("/proc/self/exe", argv);
}

} // namespace relay
