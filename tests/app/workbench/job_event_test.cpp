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

// The runs the closing report of a pipeline names (shapes as `relay pipeline --json` writes
// them): columns first (one run each, or one per seed), then the rounds' looped models; round
// 0 is Stage I's run, already a column; a run two columns share and a seed without a run come
// once and not at all.
TEST(JobEvent, PipelineReportRunsAreTheColumnsThenTheRoundsOnceEach) {
    const auto parse = [](const char* text) {
        JobEvent event;
        EXPECT_TRUE(relay::parseJobEvent(text, event));
        return event.body.value("report").toObject();
    };
    const QJsonObject single = parse(
        R"({"event":"stage","stage":"report","report":{"columns":[{"title":"looped","run":1},)"
        R"({"title":"AR baseline","run":3},{"title":"chains verified","run":1},)"
        R"({"title":"none","run":null}],"rounds":[{"round":0,"run":1},{"round":1,"run":7},)"
        R"({"round":2,"run":8}]}})");
    EXPECT_EQ(relay::pipelineReportRuns(single), (QList<qint64>{1, 3, 7, 8}));
    const QJsonObject seeds =
        parse(R"({"event":"stage","stage":"report","report":{"columns":[{"title":"looped",)"
              R"("runs":[1,9]},{"title":"AR baseline","runs":[3,null]}],"rounds":[{"round":1,)"
              R"("seeds":[{"round":1,"run":7},null]}]}})");
    EXPECT_EQ(relay::pipelineReportRuns(seeds), (QList<qint64>{1, 9, 3, 7}));
}
