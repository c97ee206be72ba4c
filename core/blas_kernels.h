// OpenBLAS picks its kernels once, when it loads, from the CPU it recognises. On CPUs newer
// than its tables (seen here: a Xeon with AVX-512 reported as "Prescott", SSE3 kernels) it
// falls back to the slowest ones: 4.5x slower GEMM and ~1.5x slower training measured here.
// OPENBLAS_CORETYPE overrides the choice but is read before main() runs, so `relay` and
// `relay-workbench` set it from the CPU's feature flags and re-execute themselves once. A value the
// user set is kept, and RELAY_KEEP_BLAS_KERNELS=1 turns this off.
#pragma once

#include <string>

namespace relay {

// Returns only when nothing needs to change (or the re-exec failed, which is harmless).
void preferFastBlasKernels(char** argv);

// "SkylakeX" with AVX-512 (F, BW, DQ, VL), "Haswell" with AVX2 + FMA, "" otherwise; reads a
// /proc/cpuinfo "flags" line.
const char* blasCoreTypeForFlags(const char* flagsLine);

// The kernel set OpenBLAS runs in this process, as it names it ("Haswell"); "" when the BLAS
// in use is not OpenBLAS.
std::string blasKernelsInUse();

// The benchmark's line on the kernels: those in use and, when an OPENBLAS_CORETYPE set in the
// environment (`setCoreType`, null when unset) keeps OpenBLAS off the kernels this CPU's flags
// call for (`forThisCpu`), what to change. A workplace can export one for every process, and
// on an AVX-512 CPU held to "Haswell" GEMM runs at about half its rate (measured: 1.9x).
std::string blasKernelsLine(const std::string& inUse, const std::string& forThisCpu,
                            const char* setCoreType);

// blasKernelsLine for this process, CPU and environment.
std::string blasKernelsLine();

} // namespace relay
