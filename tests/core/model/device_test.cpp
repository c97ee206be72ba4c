// Device names from configs, their resolution on this machine, and the CPU thread count.
#include "model/device.h"
#include "model/torch_device.h"

#include <torch/torch.h>

#include <gtest/gtest.h>

#include <thread>

namespace relay {
namespace {

std::string parseError(const std::string& name) {
    try {
        parseDevice(name);
    } catch (const DeviceError& error) {
        return error.what();
    }
    return "";
}

std::string resolveError(const std::string& name) {
    try {
        resolveDevice(name);
    } catch (const DeviceError& error) {
        return error.what();
    }
    return "";
}

TEST(Device, ParsesEveryAcceptedName) {
    EXPECT_EQ(parseDevice("cpu"), (DeviceSpec{DeviceKind::Cpu, -1}));
    EXPECT_EQ(parseDevice("auto"), (DeviceSpec{DeviceKind::Automatic, -1}));
    EXPECT_EQ(parseDevice("cuda"), (DeviceSpec{DeviceKind::Cuda, -1}));
    EXPECT_EQ(parseDevice("cuda:0"), (DeviceSpec{DeviceKind::Cuda, 0}));
    EXPECT_EQ(parseDevice("cuda:12"), (DeviceSpec{DeviceKind::Cuda, 12}));
    for (const std::string name : {"cpu", "auto", "cuda", "cuda:0", "cuda:3"})
        EXPECT_EQ(parseDevice(name).name(), name);
}

TEST(Device, RejectsBadNamesNamingTheValue) {
    EXPECT_EQ(parseError("cuda:x"), "device 'cuda:x': expected cpu, cuda, cuda:N or auto");
    for (const std::string name : {"", "CPU", "gpu", "cuda:", "cuda:-1", "cuda:+1", "cuda:1x",
                                   " cpu", "cpu ", "cuda0", "mps", "cuda:99999999999"})
        EXPECT_EQ(parseError(name), "device '" + name + "': expected cpu, cuda, cuda:N or auto")
            << "name '" << name << "'";
}

TEST(Device, AutoAndCpuResolveToADeviceThisMachineHas) {
    EXPECT_EQ(resolveDevice("cpu"), (DeviceSpec{DeviceKind::Cpu, -1}));
    const DeviceSpec automatic = resolveDevice("auto");
    if (cudaAvailable())
        EXPECT_EQ(automatic, (DeviceSpec{DeviceKind::Cuda, 0}));
    else
        EXPECT_EQ(automatic, (DeviceSpec{DeviceKind::Cpu, -1}));
    EXPECT_EQ(selectDevice("cpu"), torch::Device(torch::kCPU));
    EXPECT_EQ(selectDevice("auto"),
              cudaAvailable() ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU));
}

TEST(Device, CudaWithoutCudaIsAnErrorThatSaysSo) {
    if (cudaAvailable())
        GTEST_SKIP() << "CUDA is available here";
    for (const std::string name : {"cuda", "cuda:0", "cuda:1"}) {
        const std::string error = resolveError(name);
        EXPECT_NE(error.find("device '" + name + "'"), std::string::npos) << error;
        EXPECT_NE(error.find("CUDA is not available"), std::string::npos) << error;
    }
    EXPECT_THROW(selectDevice("cuda"), DeviceError);
}

TEST(Device, CudaResolvesToAnIndexedDevice) {
    if (!cudaAvailable())
        GTEST_SKIP() << "CUDA is not available";
    EXPECT_EQ(resolveDevice("cuda"), (DeviceSpec{DeviceKind::Cuda, 0}));
    EXPECT_EQ(selectDevice("cuda:0"), torch::Device(torch::kCUDA, 0));
    const std::string pastTheLast = "cuda:" + std::to_string(cudaDeviceCount());
    EXPECT_NE(resolveError(pastTheLast).find("visible"), std::string::npos)
        << resolveError(pastTheLast);
}

TEST(Device, ChoicesStartWithAutoAndCpu) {
    const auto choices = deviceChoices();
    ASSERT_GE(choices.size(), 2u);
    EXPECT_EQ(choices[0], "auto");
    EXPECT_EQ(choices[1], "cpu");
    EXPECT_EQ(choices.size(), 2u + static_cast<std::size_t>(cudaDeviceCount()));
    for (const auto& choice : choices)
        EXPECT_NO_THROW(resolveDevice(choice)) << choice;
}

TEST(Device, SetsTheCpuThreadCount) {
    const int original = cpuThreads();
    EXPECT_EQ(setCpuThreads(1), 1);
    EXPECT_EQ(cpuThreads(), 1);
    const int allCores = static_cast<int>(std::thread::hardware_concurrency());
    EXPECT_EQ(setCpuThreads(0), allCores > 0 ? allCores : 1);
    EXPECT_EQ(cpuThreads(), allCores > 0 ? allCores : 1);
    try {
        setCpuThreads(-2);
        ADD_FAILURE() << "a negative thread count was accepted";
    } catch (const DeviceError& error) {
        EXPECT_NE(std::string(error.what()).find("-2"), std::string::npos) << error.what();
    }
    setCpuThreads(original);
}

} // namespace
} // namespace relay
