// Parsing the engine's --json lines into events (lines copied from a real `relay train --json`).
#include "job_event.h"

#include <gtest/gtest.h>

using relay::JobEvent;

TEST(JobEvent, ParsesAStepEvent) {
    JobEvent event;
    ASSERT_TRUE(relay::parseJobEvent(
        R"({"elapsed_seconds":0.85,"eta_seconds":1.7,"event":"step","examples_per_second":748.8,)"
        R"("gradient_norm":1.69,"learning_rate":0.00217,"loss":6.968,"loss_answer":3.43,)"
        R"("loss_iteration":3.53,"run":1,"step":10,"total_steps":30})",
        event));
    EXPECT_EQ(event.type, "step");
    EXPECT_EQ(event.run, 1);
    EXPECT_EQ(event.body.value("step").toInt(), 10);
    const QString line = relay::describeJobEvent(event);
    EXPECT_TRUE(line.startsWith("step 10/30")) << line.toStdString();
    EXPECT_TRUE(line.contains("loss 6.968")) << line.toStdString();
}

TEST(JobEvent, DescribesEvalAndFinished) {
    JobEvent eval;
    ASSERT_TRUE(relay::parseJobEvent(
        R"({"event":"eval","in_distribution":{"answer_accuracy":0.064},)"
        R"("out_of_distribution":{"answer_accuracy":0.05},"run":1,"step":10,"stopping":"oracle"})",
        eval));
    EXPECT_EQ(relay::describeJobEvent(eval).toStdString(),
              "eval at step 10 (oracle): answer accuracy 6.4% in distribution, 5.0% longer");
    JobEvent finished;
    ASSERT_TRUE(relay::parseJobEvent(
        R"({"event":"finished","run":3,"status":"cancelled","steps":12,"wall_seconds":1.5})",
        finished));
    EXPECT_EQ(relay::describeJobEvent(finished).toStdString(),
              "run 3 cancelled after 12 steps in 1.5 s");
}

TEST(JobEvent, PlainLinesAreNotEvents) {
    JobEvent event;
    EXPECT_FALSE(relay::parseJobEvent("relay: error: config key model.heads: bad", event));
    EXPECT_FALSE(relay::parseJobEvent("[1, 2]", event));
    EXPECT_FALSE(relay::parseJobEvent(R"({"no_event": 1})", event));
}
