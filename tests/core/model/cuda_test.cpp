// Checks that need a GPU: they skip without CUDA, and packaging/gpu-smoke.sh runs them (every
// suite here starts with "Cuda") and fails when any of them skipped.
#include "checkpoint_test_support.h"

#include "model/autocast.h"
#include "model/checkpoint.h"
#include "model/checkpoint_format.h"
#include "model/device.h"

#include <gtest/gtest.h>

namespace relay {
namespace {

namespace fixture = checkpoint_fixture;

const torch::Device kCuda(torch::kCUDA, 0);

// The raw state of CUDA device 0's default generator.
torch::Tensor cudaGeneratorState() {
    auto generator = at::globalContext().defaultGenerator(kCuda);
    std::lock_guard<std::mutex> lock(generator.mutex());
    return generator.get_state();
}

bool hasCudaGeneratorSection(const std::string& path) {
    const std::string bytes = fixture::fileContents(path);
    return decodeCheckpoint(bytes, path).find(std::string(kCudaGeneratorSectionPrefix) + "0") !=
           nullptr;
}

TEST(CudaAutocast, Bf16ScopeMatmulsInBf16AndRestoresTheStateItFound) {
    if (!cudaAvailable())
        GTEST_SKIP() << "CUDA is not available";
    const auto a = torch::randn({8, 8}, torch::TensorOptions().device(kCuda));
    ASSERT_FALSE(cudaAutocastActive());
    {
        Bf16AutocastScope outer(true);
        EXPECT_TRUE(outer.active());
        EXPECT_EQ(a.mm(a).scalar_type(), torch::kBFloat16);
        {
            Bf16AutocastScope inner(true);
            EXPECT_EQ(a.mm(a).scalar_type(), torch::kBFloat16);
        }
        // The inner scope put back what it found: autocast on, in bf16.
        EXPECT_TRUE(cudaAutocastActive());
        EXPECT_EQ(a.mm(a).scalar_type(), torch::kBFloat16);
    }
    EXPECT_FALSE(cudaAutocastActive());
    EXPECT_EQ(a.mm(a).scalar_type(), torch::kFloat32);
}

TEST(CudaCheckpoint, CpuRunOnAGpuHostLeavesTheCudaGeneratorAlone) {
    if (!cudaAvailable())
        GTEST_SKIP() << "CUDA is not available";
    fixture::ScratchFolder folder;
    fixture::StandIn onCpu;
    saveCheckpoint(folder.file("cpu.ckpt"), *onCpu, nullptr, {});
    EXPECT_FALSE(hasCudaGeneratorSection(folder.file("cpu.ckpt")));

    fixture::StandIn onCuda;
    onCuda->to(kCuda);
    saveCheckpoint(folder.file("cuda.ckpt"), *onCuda, nullptr, {});
    EXPECT_TRUE(hasCudaGeneratorSection(folder.file("cuda.ckpt")));
    const auto saved = cudaGeneratorState();

    // Draws move the generator on; a CPU load must not rewind it, a CUDA load must.
    torch::rand({1000}, torch::TensorOptions().device(kCuda));
    const auto advanced = cudaGeneratorState();
    ASSERT_FALSE(torch::equal(saved, advanced));
    fixture::StandIn loadedOnCpu;
    loadCheckpoint(folder.file("cuda.ckpt"), *loadedOnCpu, nullptr, torch::kCPU);
    EXPECT_TRUE(torch::equal(cudaGeneratorState(), advanced));
    fixture::StandIn loadedOnCuda;
    loadCheckpoint(folder.file("cuda.ckpt"), *loadedOnCuda, nullptr, kCuda);
    EXPECT_TRUE(torch::equal(cudaGeneratorState(), saved));
}

} // namespace
} // namespace relay
