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
