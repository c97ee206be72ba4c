// What the trainer tests share: a fresh store folder per test, the tiny looped config they
// train (seconds on a CPU), a cancel at a checkpoint, and a run's loss curve.
#pragma once

#include "config/experiment_config.h"
#include "store/run_store.h"
#include "train/trainer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

namespace relay::test {

class TinyRunTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_folder = std::filesystem::temp_directory_path() /
                   ("relay-trainer-" + std::to_string(getpid()) + "-" +
                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(m_folder);
        std::filesystem::create_directories(m_folder);
    }
    void TearDown() override { std::filesystem::remove_all(m_folder); }
    std::string storeFile() const { return (m_folder / "runs.db").string(); }

    std::filesystem::path m_folder;
};

// ARI mod 5, lengths 1-2, d = 16, one layer, dropout 0.1, 12 steps of 8, evaluations and
// checkpoints every 4 steps; `changes` are merged over it.
inline ExperimentConfig tinyConfig(const nlohmann::json& changes = nlohmann::json::object()) {
    nlohmann::json json = {
        {"tasks", {{{"task", "ari"}, {"modulus", 5}}}},
        {"train_lengths", {{"min", 1}, {"max", 2}}},
        {"test_lengths", {{"min", 1}, {"max", 3}}},
        {"data", {{"train_samples", 64}, {"test_samples_per_length", 8}, {"probe_count", 2}}},
        {"model", {{"hidden_size", 16}, {"layers", 1}, {"heads", 2}, {"dropout", 0.1}}},
        {"optimizer", {{"learning_rate", 3e-3}}},
        {"training", {{"batch_size", 8}, {"steps", 12}}},
        {"eval", {{"every", 4}}},
        {"checkpoint", {{"every", 4}}},
        {"device", "cpu"},
        {"threads", 1},
        {"seed", 7}};
    json.merge_patch(changes);
    return experimentConfigFromJson(json);
}

// Requests a cancel when the checkpoint of `step` is written (step events are throttled in
// time, checkpoints are not); the trainer notices after the next step.
class CancelAt : public TrainingEvents {
public:
    CancelAt(std::int64_t step, std::atomic<bool>& flag) : m_step(step), m_flag(flag) {}
    void emit(const nlohmann::json& event) override {
        if (event.value("event", "") == "checkpoint" && event.value("step", 0) >= m_step)
            m_flag.store(true);
    }

private:
    std::int64_t m_step;
    std::atomic<bool>& m_flag;
};

inline std::vector<double> losses(RunStore& store, std::int64_t run) {
    std::vector<double> values;
    for (const auto& point : store.metrics(run, "loss"))
        values.push_back(point.value);
    return values;
}

} // namespace relay::test
