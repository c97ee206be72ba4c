// training.curriculum_gate: the longest allowed length grows by one after a window of steps
// whose mean answer loss is below the threshold. The rule by hand, then the trainer against a
// brute-force replay of the rule over the losses it stored, and a resume in mid-window.
#include "tiny_run_support.h"

#include "model/checkpoint_metadata.h"
#include "store/run_store.h"
#include "train/curriculum_gate.h"
#include "train/trainer.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace relay {
namespace {

using test::CancelAt;
using test::tinyConfig;

TEST(CurriculumGate, GrowsAfterAWindowBelowTheThresholdAndStartsTheNextAfresh) {
    CurriculumGate gate(/*threshold=*/1.0, /*window=*/3, /*start=*/2, /*maximum=*/4);
    EXPECT_EQ(gate.length(), 2);
    // Window 1: mean (2 + 1 + 0.5) / 3 = 1.17, not below 1: stays.
    EXPECT_FALSE(gate.observe(2.0));
    EXPECT_FALSE(gate.observe(1.0));
    EXPECT_TRUE(gate.observe(0.5));
    EXPECT_EQ(gate.length(), 2);
    // Window 2: mean 0.9: grows. The low losses of window 2 do not count toward window 3.
    gate.observe(0.9);
    gate.observe(0.9);
    gate.observe(0.9);
    EXPECT_EQ(gate.length(), 3);
    // Window 3: mean exactly 1.0 is not below: stays.
    gate.observe(1.5);
    gate.observe(0.5);
    gate.observe(1.0);
    EXPECT_EQ(gate.length(), 3);
    // Windows 4 and 5 both pass; the length stops at the maximum.
    for (int step = 0; step < 6; ++step)
        gate.observe(0.0);
    EXPECT_EQ(gate.length(), 4);
}

TEST(CurriculumGate, ContinuesFromASavedStateAsIfNeverStopped) {
    CurriculumGate whole(1.0, 4, 1, 3);
    CurriculumGate first(1.0, 4, 1, 3);
    const double losses[] = {0.5, 0.7, 1.9, 0.1, 3.0, 0.2, 0.2, 0.2, 0.9, 0.9, 1.2, 0.9};
    for (int step = 0; step < 6; ++step) {
        whole.observe(losses[step]);
        first.observe(losses[step]);
    }
    CurriculumGate resumed(1.0, 4, 1, 3);
    resumed.resume(first.state());
    for (int step = 6; step < 12; ++step) {
        whole.observe(losses[step]);
        resumed.observe(losses[step]);
    }
    EXPECT_EQ(resumed.state(), whole.state());
    EXPECT_EQ(whole.length(), 3); // windows 1 (0.8) and 3 (0.975) pass, window 2 (0.9 + 3) not
    // A start below 1 or above the maximum is clamped.
    EXPECT_EQ(CurriculumGate(1.0, 4, 0, 3).length(), 1);
    EXPECT_EQ(CurriculumGate(1.0, 4, 9, 3).length(), 3);
    // An older checkpoint has no curriculum state (length 0): the gate keeps its own.
    CurriculumGate older(1.0, 4, 2, 3);
    older.resume({});
    EXPECT_EQ(older.length(), 2);
}

class CurriculumGateRun : public test::TinyRunTest {};

// ARI lengths 1-3 from length 1, windows of 4 steps, 48 steps of 8.
ExperimentConfig gatedConfig(double threshold) {
    return tinyConfig({{"train_lengths", {{"min", 1}, {"max", 3}}},
                       {"training",
                        {{"steps", 48},
                         {"curriculum", true},
                         {"curriculum_start", 1},
                         {"curriculum_gate", threshold},
                         {"curriculum_gate_window", 4}}}});
}

std::int64_t trainGated(RunStore& store, double threshold) {
    TrainingRequest request;
    request.config = gatedConfig(threshold);
    request.kind = RunKind::Looped;
    SilentEvents silent;
    std::atomic<bool> never{false};
    auto outcome = trainNewRun(store, request, silent, never);
    EXPECT_EQ(outcome.status, RunStatus::Finished);
    return outcome.run;
}

// Per step (1-based), the most loop iterations any example of its batch ran: the largest t of
// the loss_iteration_t terms (ARI runs T = its length in iterations).
std::map<std::int64_t, int> longestPerStep(RunStore& store, std::int64_t run) {
    std::map<std::int64_t, int> longest;
    for (int t = 1; t <= 3; ++t)
        for (const auto& point : store.metrics(run, "loss_iteration_" + std::to_string(t)))
            longest[point.step] = std::max(longest[point.step], t);
    return longest;
}

// The gate's rule replayed by hand over the stored answer losses: the length each step's
// batch was allowed, and the length after each window's decision (by its last step).
struct Replayed {
    std::map<std::int64_t, int> allowed, afterWindow;
};
Replayed replayedLengths(RunStore& store, std::int64_t run, double threshold) {
    Replayed replayed;
    int length = 1;
    double sum = 0;
    for (const auto& point : store.metrics(run, "loss_answer")) {
        replayed.allowed[point.step] = length;
        sum += point.value;
        if (point.step % 4 == 0) {
            if (sum / 4 < threshold && length < 3)
                ++length;
            sum = 0;
            replayed.afterWindow[point.step] = length;
        }
    }
    return replayed;
}

void expectBatchesWithin(const std::map<std::int64_t, int>& longest,
                         const std::map<std::int64_t, int>& allowed) {
    ASSERT_EQ(longest.size(), 48u);
    ASSERT_EQ(allowed.size(), 48u);
    int reached = 0;
    for (const auto& [step, length] : longest) {
        EXPECT_LE(length, allowed.at(step)) << "step " << step;
        reached += length == allowed.at(step);
    }
    // A batch of 8 almost always holds a problem of the longest allowed length.
    EXPECT_GE(reached, 44);
}

TEST_F(CurriculumGateRun, BatchesFollowTheGateAndTheGateFollowsTheLosses) {
    RunStore store(storeFile());
    // A threshold no loss reaches: the batches keep length 1; one every loss is below: one
    // length more after each window (1 for steps 1-4, 2 for 5-8, 3 from 9).
    auto never = longestPerStep(store, trainGated(store, 1e-9));
    for (const auto& [step, length] : never)
        EXPECT_EQ(length, 1) << "step " << step;
    ASSERT_EQ(never.size(), 48u);
    std::map<std::int64_t, int> always;
    for (std::int64_t step = 1; step <= 48; ++step)
        always[step] = step <= 4 ? 1 : step <= 8 ? 2 : 3;
    const auto everyWindowRun = trainGated(store, 1e9);
    expectBatchesWithin(longestPerStep(store, everyWindowRun), always);

    // A threshold just below the first window's mean (the same in every run: the first window
    // trains on length 1 whatever the threshold): the first window does not grow; later ones
    // grow as the losses say, and the stored curriculum_length is what the rule gives.
    double firstWindow = 0;
    for (const auto& point : store.metrics(everyWindowRun, "loss_answer"))
        if (point.step <= 4)
            firstWindow += point.value / 4;
    const double threshold = firstWindow - 1e-6;
    const auto run = trainGated(store, threshold);
    const auto replayed = replayedLengths(store, run, threshold);
    expectBatchesWithin(longestPerStep(store, run), replayed.allowed);
    EXPECT_EQ(replayed.allowed.at(5), 1);
    EXPECT_GE(replayed.allowed.at(48), 2)
        << "the losses fell below the first window's; expected growth";
    const auto stored = store.metrics(run, "curriculum_length");
    ASSERT_EQ(stored.size(), 12u);
    for (const auto& point : stored)
        EXPECT_EQ(point.value, replayed.afterWindow.at(point.step)) << "after step " << point.step;
}

TEST_F(CurriculumGateRun, AResumeInMidWindowContinuesAsTheUninterruptedRun) {
    RunStore store(storeFile());
    const double threshold = 1.55;
    const auto whole = test::losses(store, trainGated(store, threshold));
    SilentEvents silent;
    // Checkpoints every 4 steps; the cancel lands on the step after one, inside a window.
    for (std::int64_t cancelStep : {8, 20}) {
        TrainingRequest request;
        request.config = gatedConfig(threshold);
        request.kind = RunKind::Looped;
        std::atomic<bool> cancel{false};
        CancelAt cancelAt(cancelStep, cancel);
        auto first = trainNewRun(store, request, cancelAt, cancel);
        ASSERT_EQ(first.status, RunStatus::Cancelled);
        const auto checkpoints = store.checkpoints(first.run);
        ASSERT_FALSE(checkpoints.empty());
        EXPECT_NE(checkpoints.back().step % 4, 0) << "the cancel should fall inside a window";
        std::atomic<bool> go{false};
        ASSERT_EQ(resumeRun(store, first.run, silent, go).status, RunStatus::Finished);
        const auto resumed = test::losses(store, first.run);
        ASSERT_EQ(resumed.size(), whole.size());
        for (std::size_t index = 0; index < whole.size(); ++index)
            EXPECT_DOUBLE_EQ(resumed[index], whole[index])
                << "cancelled at " << cancelStep << ", step " << index + 1;
    }
}

} // namespace
} // namespace relay
