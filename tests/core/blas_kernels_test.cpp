// The OpenBLAS kernel choice from /proc/cpuinfo flags (hand-written flag lines).
#include "blas_kernels.h"

#include <gtest/gtest.h>

#include <string>

using relay::blasCoreTypeForFlags;

TEST(BlasKernelsTest, ChoosesByCpuFeatures) {
    EXPECT_EQ(std::string(blasCoreTypeForFlags(
                  "flags : fpu sse2 avx avx2 fma avx512f avx512dq avx512bw avx512vl")),
              "SkylakeX");
    EXPECT_EQ(std::string(blasCoreTypeForFlags("flags : fpu sse2 avx avx2 fma avx512f")),
              "Haswell"); // AVX-512 without BW/DQ/VL (Knights Landing) gets the AVX2 kernels
    EXPECT_EQ(std::string(blasCoreTypeForFlags("flags : fpu sse2 avx avx2 fma")), "Haswell");
    EXPECT_EQ(std::string(blasCoreTypeForFlags("flags : fpu sse2 avx avx2")), "");
    EXPECT_EQ(std::string(blasCoreTypeForFlags("flags : fpu sse2 sse3")), "");
    EXPECT_EQ(std::string(blasCoreTypeForFlags("")), "");
    // Whole words only: "avx2x" is not avx2.
    EXPECT_EQ(std::string(blasCoreTypeForFlags("flags : avx2x fmaa")), "");
}

// The benchmark's kernel line names what to change only when the environment's
// OPENBLAS_CORETYPE holds OpenBLAS off the kernels this CPU's flags call for.
TEST(BlasKernelsTest, NamesAnEnvironmentChoiceThatHoldsTheCpuBack) {
    using relay::blasKernelsLine;
    EXPECT_EQ(blasKernelsLine("Haswell", "SkylakeX", "Haswell"),
              "blas OpenBLAS Haswell kernels (OPENBLAS_CORETYPE=Haswell in the environment; this "
              "CPU runs the SkylakeX kernels: unset it and relay chooses them)");
    // relay's own choice (its re-executed process sees the variable it set), in any case.
    EXPECT_EQ(blasKernelsLine("SkylakeX", "SkylakeX", "skylakex"),
              "blas OpenBLAS SkylakeX kernels");
    // Unset or empty: OpenBLAS chose (or relay's re-exec was turned off); nothing to change.
    EXPECT_EQ(blasKernelsLine("Haswell", "SkylakeX", nullptr), "blas OpenBLAS Haswell kernels");
    EXPECT_EQ(blasKernelsLine("Haswell", "SkylakeX", ""), "blas OpenBLAS Haswell kernels");
    // A CPU without AVX2 + FMA: relay has no better choice to offer.
    EXPECT_EQ(blasKernelsLine("Prescott", "", "Prescott"), "blas OpenBLAS Prescott kernels");
    EXPECT_EQ(blasKernelsLine("", "SkylakeX", "Haswell"), "blas not OpenBLAS");
}
