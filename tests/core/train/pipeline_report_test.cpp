// The pipeline's report from a hand-built store: which rows and columns it has, and the
// self-improvement rounds' table, with every figure written in by hand.
#include "train/pipeline_report.h"

#include "train/pipeline_stage_names.h"

#include <gtest/gtest.h>

#include <filesystem>

#include <unistd.h>

namespace relay {
namespace {

namespace fs = std::filesystem;

class PipelineReportTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_folder = fs::temp_directory_path() /
                   ("relay-pipeline-report-" + std::to_string(getpid()) + "-" +
                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(m_folder);
        fs::create_directories(m_folder);
    }
    void TearDown() override { fs::remove_all(m_folder); }

    // A finished looped run with oracle answer accuracy `byLength` (token accuracy half of
    // it) at step 100, and an older evaluation at step 50 the report must ignore.
    std::int64_t loopedRun(RunStore& store, const std::map<int, double>& byLength) {
        RunRecord run;
        run.name = "looped";
        run.task = "ari";
        run.status = RunStatus::Finished;
        const auto id = store.createRun(run);
        std::vector<EvalRecord> old, last;
        for (const auto& [length, accuracy] : byLength) {
            old.push_back({50, "ari", length, 10, 0.0, 0.0, 0.0, "oracle"});
            last.push_back({100, "ari", length, 10, accuracy, 0.0, accuracy / 2, "oracle"});
            last.push_back({100, "ari", length, 10, 0.01, 0.0, 0.0, "adaptive"});
        }
        store.addEvaluation(id, old, {}, {});
        store.addEvaluation(id, last, {}, {});
        return id;
    }

    static ExperimentConfig config(int rounds) {
        auto config = experimentConfigFromJson(loadPreset("cpu-quick-ari"));
        config.trainLengths = {1, 4};
        config.testLengths = {2, 6};
        config.stage2.rounds = rounds;
        return config;
    }

    fs::path m_folder;
};

TEST_F(PipelineReportTest, ALengthWithoutTestProblemsHasNoRowAndTheNewestOracleEvaluationFills) {
    RunStore store((m_folder / "runs.db").string());
    PipelineReport report;
    // Lengths 2 and 4 have no test problems (all in training): no evaluation has them.
    report.runs[stageOf(RunKind::Looped)] = loopedRun(store, {{3, 1.0}, {5, 0.6}, {6, 0.2}});
    fillPipelineReport(store, config(0), report);
    ASSERT_EQ(report.columns.size(), 2u);
    EXPECT_EQ(report.columns[0].title, "looped (aligned)");
    EXPECT_EQ(report.columns[1].title, "looped tokens right");
    std::vector<int> lengths;
    for (const auto& row : report.rows)
        lengths.push_back(row.length);
    EXPECT_EQ(lengths, (std::vector<int>{3, 5, 6})) << "a row of no numbers at all is left out";
    EXPECT_TRUE(report.rows[0].inDistribution);
    EXPECT_FALSE(report.rows[1].inDistribution);
    EXPECT_DOUBLE_EQ(*report.rows[1].values[0], 0.6);
    EXPECT_DOUBLE_EQ(*report.rows[1].values[1], 0.3);
    EXPECT_TRUE(report.rounds.empty());
}

TEST_F(PipelineReportTest, RoundsTableHasEachRoundsAccuracyChainsAndFrontier) {
    RunStore store((m_folder / "runs.db").string());
    PipelineReport report;
    report.runs[stageOf(RunKind::Looped)] = loopedRun(store, {{5, 0.6}, {6, 0.2}});
    const auto round1 = loopedRun(store, {{5, 0.9}, {6, 0.7}});
    report.runs[loopedRoundStage(1)] = round1;
    // Round 1 wrote three chains at length 5: two kept by the label-free filter, one of them
    // exact.
    std::vector<ChainRecord> chains(3);
    for (std::size_t index = 0; index < chains.size(); ++index) {
        chains[index].task = "ari";
        chains[index].length = 5;
        chains[index].labelFreeKept = index < 2 ? 1 : 0;
        chains[index].verified = index == 0;
    }
    store.addChains(round1, chains);
    fillPipelineReport(store, config(2), report);
    ASSERT_EQ(report.rounds.size(), 2u); // round 2 has no run yet
    EXPECT_EQ(report.rounds[0].frontier, 6);
    EXPECT_EQ(report.rounds[1].frontier, std::nullopt); // 0.9, 0.7: none below 0.5
    EXPECT_EQ(report.rounds[1].chainLength, 5);
    EXPECT_EQ(report.rounds[1].written, 3);
    EXPECT_EQ(report.rounds[1].kept, 2);
    EXPECT_EQ(report.rounds[1].keptVerified, 1);
    const auto table = pipelineTable(report);
    const auto rounds = table.substr(table.find("round  run"));
    EXPECT_EQ(rounds.substr(0, rounds.find("\n(")),
              "round  run   task  chains at  kept        5      6      frontier\n"
              "0      1     ari   -          -           0.600  0.200  6\n"
              "1      2     ari   5          2/3         0.900  0.700  none");
}

} // namespace
} // namespace relay
