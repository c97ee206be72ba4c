// The report over seeds (`relay pipeline --seeds N`) from hand-written per-seed reports whose
// means, ranges and standard deviations are worked out by hand below.
#include "train/seed_spread.h"

#include <gtest/gtest.h>

#include <cmath>

namespace relay {
namespace {

using Values = std::vector<std::optional<double>>;

PipelineRow row(int length, bool inDistribution, Values values) {
    return {"ari", length, inDistribution, std::move(values)};
}

// Seed 8 has a column ("model B") and a row (length 3) the others lack; seed 9 was cancelled.
std::vector<PipelineReport> threeSeeds() {
    PipelineReport seven, eight, nine;
    seven.key = "p-7";
    seven.columns = {{"model A", 1}, {"chains ok", 1}};
    seven.rows = {row(1, true, {0.2, 0.5}), row(2, false, {0.4, std::nullopt})};
    eight.key = "p-8";
    eight.columns = {{"model A", 11}, {"model B", 12}, {"chains ok", 11}};
    eight.rows = {row(1, true, {0.4, 0.9, 0.7}), row(2, false, {0.6, 0.1, 0.3}),
                  row(3, false, {0.3, 0.2, 0.1})};
    nine.key = "p-9";
    nine.status = RunStatus::Cancelled;
    nine.message = "stage ar ended cancelled";
    nine.columns = {{"model A", 21}, {"chains ok", 21}};
    nine.rows = {row(1, true, {0.9, 0.6}), row(2, false, {0.2, 0.5})};
    return {seven, eight, nine};
}

void expectCell(const SeedSpread& cell, Values perSeed, std::optional<double> mean,
                std::optional<double> minimum, std::optional<double> maximum,
                std::optional<double> sd) {
    ASSERT_EQ(cell.perSeed.size(), perSeed.size());
    for (std::size_t index = 0; index < perSeed.size(); ++index) {
        ASSERT_EQ(cell.perSeed[index].has_value(), perSeed[index].has_value()) << index;
        if (perSeed[index]) {
            EXPECT_DOUBLE_EQ(*cell.perSeed[index], *perSeed[index]) << index;
        }
    }
    const std::pair<const std::optional<double>*, std::optional<double>> checks[] = {
        {&cell.mean, mean}, {&cell.minimum, minimum}, {&cell.maximum, maximum}, {&cell.sd, sd}};
    for (const auto& [got, want] : checks) {
        ASSERT_EQ(got->has_value(), want.has_value());
        if (want) {
            EXPECT_NEAR(**got, *want, 1e-12);
        }
    }
}

TEST(SeedSpread, CellsAreMeanRangeAndSampleSdOverTheSeedsThatHaveThem) {
    const auto report = aggregatePipelineSeeds({7, 8, 9}, threeSeeds());
    // A column only seed 8 has sits where seed 8 has it, between its neighbours.
    ASSERT_EQ(report.columns.size(), 3u);
    EXPECT_EQ(report.columns[0].title, "model A");
    EXPECT_EQ(report.columns[1].title, "model B");
    EXPECT_EQ(report.columns[2].title, "chains ok");
    const std::vector<std::optional<std::int64_t>> modelB = {std::nullopt, 12, std::nullopt};
    EXPECT_EQ(report.columns[1].runs, modelB);
    const std::vector<std::optional<std::int64_t>> chains = {1, 11, 21};
    EXPECT_EQ(report.columns[2].runs, chains);

    ASSERT_EQ(report.rows.size(), 3u);
    const auto& one = report.rows[0];
    EXPECT_EQ(one.length, 1);
    EXPECT_TRUE(one.inDistribution);
    // 0.2, 0.4, 0.9: mean 0.5, deviations -0.3, -0.1, 0.4, sd = sqrt(0.26 / 2).
    expectCell(one.cells[0], {0.2, 0.4, 0.9}, 0.5, 0.2, 0.9, std::sqrt(0.13));
    expectCell(one.cells[1], {std::nullopt, 0.9, std::nullopt}, 0.9, 0.9, 0.9, std::nullopt);
    // 0.5, 0.7, 0.6: mean 0.6, sd = sqrt(0.02 / 2) = 0.1.
    expectCell(one.cells[2], {0.5, 0.7, 0.6}, 0.6, 0.5, 0.7, 0.1);
    const auto& two = report.rows[1];
    EXPECT_FALSE(two.inDistribution);
    expectCell(two.cells[0], {0.4, 0.6, 0.2}, 0.4, 0.2, 0.6, 0.2);
    // Seed 7 has the column but no number in it: the statistics are over seeds 8 and 9.
    expectCell(two.cells[2], {std::nullopt, 0.3, 0.5}, 0.4, 0.3, 0.5, std::sqrt(0.02));
    const auto& three = report.rows[2];
    EXPECT_EQ(three.length, 3);
    expectCell(three.cells[0], {std::nullopt, 0.3, std::nullopt}, 0.3, 0.3, 0.3, std::nullopt);

    ASSERT_EQ(report.seeds.size(), 3u);
    EXPECT_EQ(report.seeds[1].seed, 8u);
    EXPECT_EQ(report.seeds[1].key, "p-8");
    EXPECT_EQ(report.seeds[2].status, RunStatus::Cancelled);
    EXPECT_EQ(report.status, RunStatus::Cancelled); // one seed that did not finish
    EXPECT_EQ(report.message, "seed 9: stage ar ended cancelled");
}

TEST(SeedSpread, NoValueAnywhereLeavesEveryStatisticEmpty) {
    const auto cell = SeedSpread::of({std::nullopt, std::nullopt});
    EXPECT_EQ(cell.present(), 0);
    expectCell(cell, {std::nullopt, std::nullopt}, std::nullopt, std::nullopt, std::nullopt,
               std::nullopt);
}

TEST(SeedSpread, TableShowsMeanWithRangeAndHowManySeedsHaveTheCell) {
    PipelineReport three, four;
    three.key = "p-3";
    three.columns = {{"acc", 1}};
    three.rows = {row(1, true, {0.25}), row(2, false, {0.5})};
    four.key = "p-4";
    four.columns = {{"acc", 2}};
    four.rows = {row(1, true, {0.75}), row(2, false, {std::nullopt})};
    const auto table = pipelineSeedsTable(aggregatePipelineSeeds({3, 4}, {three, four}));
    // The en dash is one column wide: the cells after it line up as in a single seed's table.
    const std::string singleLegend = [] {
        const auto single = pipelineTable(PipelineReport{});
        return single.substr(single.find('\n') + 1);
    }();
    EXPECT_EQ(table,
              "task  length  acc" + std::string(23, ' ') + "\n" +
                  "ari      1   0.500 (0.250\u20130.750)" + std::string(7, ' ') + "\n" +
                  "ari      2*  0.500 (0.500\u20130.500) 1/2" + std::string(3, ' ') + "\n" +
                  "(each cell: mean (min\u2013max) over seeds 3, 4; k/N: only k of the N seeds "
                  "have a number there)\n" +
                  singleLegend + "seed 3: pipeline p-3 finished\nseed 4: pipeline p-4 finished\n");
}

TEST(SeedSpread, JsonKeepsEverySeedsValueAndReadsBack) {
    auto report = aggregatePipelineSeeds({7, 8, 9}, threeSeeds());
    report.key = "p-seeds-00c0ffee";
    report.wallSeconds = 12.5;
    const auto json = pipelineSeedsReportToJson(report);
    EXPECT_EQ(json["key"], "p-seeds-00c0ffee");
    EXPECT_EQ(json["seeds"][2]["key"], "p-9");
    EXPECT_EQ(json["seeds"][2]["status"], "cancelled");
    EXPECT_EQ(json["columns"][1]["runs"], nlohmann::json::parse("[null, 12, null]"));
    const auto& cell = json["rows"][0]["cells"][0];
    EXPECT_EQ(cell["seeds"], nlohmann::json::parse("[0.2, 0.4, 0.9]"));
    EXPECT_NEAR(cell["mean"].get<double>(), 0.5, 1e-12);
    EXPECT_NEAR(cell["sd"].get<double>(), std::sqrt(0.13), 1e-12);
    EXPECT_EQ(cell["min"], 0.2);
    EXPECT_EQ(cell["max"], 0.9);
    EXPECT_TRUE(json["rows"][0]["cells"][1]["sd"].is_null());
    // `values` holds the means, where a single pipeline's report has its numbers.
    EXPECT_EQ(json["rows"][1]["values"][0], json["rows"][1]["cells"][0]["mean"]);
    EXPECT_EQ(json["rows"][2]["cells"][2]["seeds"], nlohmann::json::parse("[null, 0.1, null]"));

    const auto back = pipelineSeedsReportFromJson(json);
    EXPECT_EQ(pipelineSeedsReportToJson(back), json);
    EXPECT_EQ(back.seeds[0].seed, 7u);
    EXPECT_DOUBLE_EQ(back.wallSeconds, 12.5);
}

TEST(SeedSpread, JsonWithACellShortOfSeedsIsRefused) {
    auto json = pipelineSeedsReportToJson(aggregatePipelineSeeds({7, 8, 9}, threeSeeds()));
    json["rows"][1]["cells"][0]["seeds"].erase(0);
    try {
        pipelineSeedsReportFromJson(json);
        FAIL() << "a cell with 2 values for 3 seeds was read";
    } catch (const std::invalid_argument& error) {
        EXPECT_NE(std::string(error.what()).find("ari 2 has 2 values for 3 seeds"),
                  std::string::npos)
            << error.what();
    }
}

} // namespace
} // namespace relay
