#include "store/run_summary.h"

#include <gtest/gtest.h>

using namespace relay;

TEST(RunSummary, BestMeansSplitAtTheTrainingLength) {
    RunRecord run;
    run.configJson = R"({"train_lengths": {"min": 1, "max": 4}})";
    run.createdAt = 100;
    run.finishedAt = 160;
    std::vector<EvalRecord> evals = {
        // step 10: in-distribution mean (1.0 + 0.5) / 2 = 0.75, out 0.2
        {10, "ari", 3, 10, 1.0, 0, 0, "oracle"},
        {10, "ari", 4, 10, 0.5, 0, 0, "oracle"},
        {10, "ari", 5, 10, 0.2, 0, 0, "oracle"},
        // step 20: in 0.7, out (0.4 + 0.0) / 2 = 0.2 ... and adaptive out 0.3
        {20, "ari", 4, 10, 0.7, 0, 0, "oracle"},
        {20, "ari", 5, 10, 0.4, 0, 0, "oracle"},
        {20, "ari", 6, 10, 0.0, 0, 0, "oracle"},
        {20, "ari", 5, 10, 0.3, 0, 0, "adaptive"},
    };
    auto summary = summarizeRun(run, evals, 1000);
    ASSERT_TRUE(summary.bestInDistribution);
    ASSERT_TRUE(summary.bestOutOfDistribution);
    EXPECT_DOUBLE_EQ(*summary.bestInDistribution, 0.75);
    EXPECT_DOUBLE_EQ(*summary.bestOutOfDistribution, 0.3);
    EXPECT_EQ(summary.lastEvaluatedStep, 20);
    EXPECT_DOUBLE_EQ(summary.durationSeconds, 60);
}

TEST(RunSummary, NoEvalsNoAccuracy) {
    RunRecord run;
    run.createdAt = 100;
    auto summary = summarizeRun(run, {}, 130);
    EXPECT_FALSE(summary.bestInDistribution);
    EXPECT_FALSE(summary.bestOutOfDistribution);
    EXPECT_DOUBLE_EQ(summary.durationSeconds, 30); // still running: until now
}
