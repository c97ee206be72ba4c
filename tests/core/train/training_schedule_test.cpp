// The learning-rate schedule and the batch sampler: pure functions of the step, checked
// against hand-computed values and independent counts.
#include "train/batch_sampler.h"
#include "train/learning_rate_schedule.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

using namespace relay;

TEST(LearningRateSchedule, LinearWarmupThenLinearDecayToZero) {
    LearningRateSchedule schedule{1.0, 4, 12};
    // Warmup: (step + 1) / 4.
    EXPECT_DOUBLE_EQ(schedule.at(0), 0.25);
    EXPECT_DOUBLE_EQ(schedule.at(3), 1.0);
    // Decay over the remaining 8 steps: (12 - step) / 8.
    EXPECT_DOUBLE_EQ(schedule.at(4), 1.0);
    EXPECT_DOUBLE_EQ(schedule.at(8), 0.5);
    EXPECT_DOUBLE_EQ(schedule.at(11), 0.125);
    EXPECT_DOUBLE_EQ(schedule.at(12), 0.0);
    EXPECT_DOUBLE_EQ(schedule.at(50), 0.0);
}

TEST(LearningRateSchedule, RatioRoundsWarmupUp) {
    auto schedule = LearningRateSchedule::fromRatio(5e-4, 0.01, 1000);
    EXPECT_EQ(schedule.warmupSteps, 10);
    EXPECT_EQ(LearningRateSchedule::fromRatio(1, 0.01, 50).warmupSteps, 1); // ceil(0.5)
    EXPECT_EQ(LearningRateSchedule::fromRatio(1, 0.0, 50).warmupSteps, 0);
    EXPECT_DOUBLE_EQ(LearningRateSchedule::fromRatio(2, 0.0, 50).at(0), 2.0);
}

TEST(LearningRateSchedule, AbsoluteWarmupOverridesRatioAndIsCapped) {
    auto schedule = LearningRateSchedule::fromConfig(3e-3, 0.017, 200, 3000);
    EXPECT_EQ(schedule.warmupSteps, 200); // the ratio alone: ceil(0.017 * 3000) = 52 (51.000…01)
    EXPECT_DOUBLE_EQ(schedule.at(99), 3e-3 * 100 / 200);
    EXPECT_DOUBLE_EQ(schedule.at(200), 3e-3 * 2800.0 / 2800.0);
    EXPECT_EQ(LearningRateSchedule::fromConfig(1, 0.5, 0, 3000).warmupSteps, 1500);
    EXPECT_EQ(LearningRateSchedule::fromConfig(1, 0.0, 500, 100).warmupSteps, 100);
}

namespace {

std::vector<DatasetExample> examplesOfLengths(const std::vector<int>& lengths) {
    std::vector<DatasetExample> examples;
    for (int length : lengths) {
        DatasetExample example;
        example.problem.complexity = length;
        examples.push_back(example);
    }
    return examples;
}

} // namespace

TEST(BatchSampler, SameStepSameBatchAndStepsDiffer) {
    auto examples = examplesOfLengths({1, 2, 3, 4, 1, 2, 3, 4, 2, 3});
    BatchSampler first(examples, 7, {}), second(examples, 7, {});
    EXPECT_EQ(first.batch(5, 16), second.batch(5, 16)); // no hidden state: resumable
    EXPECT_NE(first.batch(5, 16), first.batch(6, 16));
    BatchSampler otherSeed(examples, 8, {});
    EXPECT_NE(first.batch(5, 16), otherSeed.batch(5, 16));
}

TEST(BatchSampler, DrawsUniformlyOverExamples) {
    auto examples = examplesOfLengths({1, 1, 2, 2, 3});
    BatchSampler sampler(examples, 1, {});
    std::map<std::size_t, int> counts;
    constexpr int kSteps = 2000, kBatch = 10;
    for (int step = 0; step < kSteps; ++step)
        for (auto index : sampler.batch(step, kBatch))
            ++counts[index];
    ASSERT_EQ(counts.size(), 5u);
    for (const auto& [index, count] : counts) // expected 4000 each; 5 sigma is ~ 280
        EXPECT_NEAR(count, kSteps * kBatch / 5, 300) << index;
}

TEST(BatchSampler, CurriculumWidensTheLengthRange) {
    auto examples = examplesOfLengths({1, 2, 3, 4, 1, 2, 3, 4});
    CurriculumPlan plan{true, 2, 10, 4};
    BatchSampler sampler(examples, 3, plan);
    EXPECT_EQ(sampler.allowedLength(0), 2);
    EXPECT_EQ(sampler.allowedLength(9), 2);
    EXPECT_EQ(sampler.allowedLength(10), 3);
    EXPECT_EQ(sampler.allowedLength(25), 4);
    EXPECT_EQ(sampler.allowedLength(1000), 4); // never past K_train
    for (auto index : sampler.batch(3, 64))
        EXPECT_LE(examples[index].problem.complexity, 2);
    std::set<int> seen;
    for (auto index : sampler.batch(30, 256))
        seen.insert(examples[index].problem.complexity);
    EXPECT_EQ(seen, (std::set<int>{1, 2, 3, 4}));
}

TEST(BatchSampler, EmptyTrainingSetIsAnError) {
    EXPECT_THROW(BatchSampler({}, 1, {}), std::invalid_argument);
}
