#include "blas_kernels.h"

#include <cstdlib>
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

void preferFastBlasKernels(char** argv) {
    if (std::getenv("OPENBLAS_CORETYPE") || std::getenv("RELAY_KEEP_BLAS_KERNELS"))
        return;
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    while (std::getline(cpuinfo, line))
        if (line.rfind("flags", 0) == 0)
            break;
    const char* coreType = blasCoreTypeForFlags(line.c_str());
    if (!*coreType)
        return;                               // OpenBLAS's own detection is all there is
    setenv("OPENBLAS_CORETYPE", coreType, 1); // also stops the re-executed process here
    execv("/proc/self/exe", argv);
}

} // namespace relay
