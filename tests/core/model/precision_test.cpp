// What the `precision` key does to a run: bf16 autocast only on CUDA and only when asked, fp32
// leaving autocast off, and the precision recorded with the run (its stored config and the
// "started" event). The bf16 path itself needs CUDA: cuda_test.cpp.
#include "checkpoint_test_support.h"

#include "config/experiment_config.h"
#include "model/autocast.h"
#include "model/device.h"
#include "store/run_store.h"
#include "train/trainer.h"

#include <torch/torch.h>

#include <gtest/gtest.h>

using namespace relay;

namespace {

// Keeps the "started" events of a run.
class StartedEvents : public TrainingEvents {
public:
    void emit(const nlohmann::json& event) override {
        if (event.value("event", "") == "started")
            started.push_back(event);
    }
    std::vector<nlohmann::json> started;
};

} // namespace

TEST(Precision, Bf16AutocastOnlyOnCudaAndOnlyWhenAsked) {
    EXPECT_EQ(effectivePrecision(Precision::Bf16Autocast, true), Precision::Bf16Autocast);
    EXPECT_EQ(effectivePrecision(Precision::Fp32, true), Precision::Fp32);
    EXPECT_EQ(effectivePrecision(Precision::Bf16Autocast, false), Precision::Fp32);
    EXPECT_EQ(effectivePrecision(Precision::Fp32, false), Precision::Fp32);
}

// The trainer's scope for a CPU run (either setting) and for fp32 on this machine's best
// device: autocast stays off and a float32 matmul stays float32.
TEST(Precision, Fp32LeavesAutocastOff) {
    const std::vector<std::pair<Precision, bool>> runs = {{Precision::Fp32, false},
                                                          {Precision::Bf16Autocast, false},
                                                          {Precision::Fp32, cudaAvailable()}};
    for (const auto& [setting, onCuda] : runs) {
        const std::string precision = textOf(setting);
        Bf16AutocastScope scope(effectivePrecision(setting, onCuda) == Precision::Bf16Autocast);
        EXPECT_FALSE(scope.active()) << precision;
        EXPECT_FALSE(cudaAutocastActive()) << precision;
        const auto a = torch::randn(
            {4, 4}, torch::TensorOptions().device(onCuda ? torch::kCUDA : torch::kCPU));
        EXPECT_EQ(a.mm(a).scalar_type(), torch::kFloat32) << precision;
    }
}

TEST(Precision, RecordedWithTheRun) {
    checkpoint_fixture::ScratchFolder folder;
    {
        RunStore store(folder.file("runs.db"));
        TrainingRequest request;
        request.config = experimentConfigFromJson(
            {{"tasks", {{{"task", "ari"}, {"modulus", 5}}}},
             {"train_lengths", {{"min", 1}, {"max", 2}}},
             {"test_lengths", {{"min", 1}, {"max", 2}}},
             {"data", {{"train_samples", 16}, {"test_samples_per_length", 4}, {"probe_count", 0}}},
             {"model", {{"hidden_size", 8}, {"layers", 1}, {"heads", 2}}},
             {"training", {{"batch_size", 4}, {"steps", 1}}},
             {"device", "cpu"},
             {"threads", 1},
             {"precision", "bf16-autocast"}});
        StartedEvents events;
        std::atomic<bool> cancel{false};
        const auto outcome = trainNewRun(store, request, events, cancel);
        // The config as asked, and what a CPU run computes in.
        const auto stored = nlohmann::json::parse(store.run(outcome.run).configJson);
        EXPECT_EQ(stored.at("precision"), "bf16-autocast");
        ASSERT_EQ(events.started.size(), 1u);
        EXPECT_EQ(events.started[0].at("precision"), "fp32");
    }
}
