// The report over seeds beyond its accuracy table: Stage II's label-free filter and the
// self-improvement rounds, from hand-written per-seed reports whose figures are worked out by
// hand below.
#include "train/seed_rounds.h"

#include <gtest/gtest.h>

namespace relay {
namespace {

ChainCorrectness lengthRow(int length, int kept, int keptVerified, int verified) {
    ChainCorrectness row;
    row.task = "ari";
    row.length = length;
    row.labelFree = {kept, keptVerified, verified};
    return row;
}

PipelineRound round(int number, std::map<int, double> accuracy, std::optional<int> frontier) {
    PipelineRound row;
    row.round = number;
    row.run = 10 + number;
    row.task = "ari";
    if (number > 0)
        row.chainLength = 4 + number;
    row.accuracy = std::move(accuracy);
    row.frontier = frontier;
    row.written = number > 0 ? 100 : 0;
    row.kept = number > 0 ? 40 : 0;
    row.keptVerified = number > 0 ? 30 : 0;
    return row;
}

// Seed 1 ran Stage II (two lengths) and two rounds; seed 2 Stage II and round 0; seed 3 neither.
std::vector<PipelineReport> threeSeeds() {
    PipelineReport one, two, three;
    one.stageTwo = StageTwoResult{};
    one.stageTwo->generated = 200;
    // Kept 6 + 4 = 10, of them verified 3 + 2 = 5; the verifier accepts 4 + 4 = 8 checked
    // chains: precision 5/10 = 0.5, recall 5/8 = 0.625.
    one.stageTwo->correctness = {lengthRow(5, 6, 3, 4), lengthRow(6, 4, 2, 4)};
    one.rounds = {round(0, {{4, 1.0}, {5, 0.6}, {6, 0.2}}, 6), round(1, {{5, 0.9}, {6, 0.7}}, {})};
    two.stageTwo = StageTwoResult{};
    two.stageTwo->generated = 150;
    // Precision 3/4 = 0.75, recall 3/6 = 0.5.
    two.stageTwo->correctness = {lengthRow(5, 4, 3, 6)};
    two.rounds = {round(0, {{4, 0.8}, {5, 0.4}}, 5)};
    return {one, two, three};
}

TEST(SeedRounds, LabelFreePrecisionAndRecallAreOverTheSeedsThatRanStageTwo) {
    const auto labelFree = aggregateLabelFree(threeSeeds());
    ASSERT_TRUE(labelFree.has_value());
    ASSERT_EQ(labelFree->perSeed.size(), 3u);
    EXPECT_FALSE(labelFree->perSeed[2].has_value());
    EXPECT_EQ(labelFree->perSeed[0]->selected, 10);
    EXPECT_NEAR(*labelFree->precision.mean, 0.625, 1e-12);
    EXPECT_NEAR(*labelFree->precision.minimum, 0.5, 1e-12);
    EXPECT_NEAR(*labelFree->precision.maximum, 0.75, 1e-12);
    EXPECT_NEAR(*labelFree->recall.mean, 0.5625, 1e-12);
    EXPECT_EQ(seedsLabelFreeText(*labelFree),
              "label-free filter over all lengths, against the exact verifier: precision 0.625 "
              "(0.500\u20130.750) 2/3, recall 0.562 (0.500\u20130.625) 2/3; kept 10 of 200, 4 of "
              "150, - chains (per seed)\n");
    EXPECT_FALSE(aggregateLabelFree({PipelineReport{}, PipelineReport{}}).has_value());
}

TEST(SeedRounds, EachRoundsAccuracyIsOverTheSeedsThatHaveItAndItsFrontierPerSeed) {
    const auto rounds = aggregateRounds(threeSeeds());
    ASSERT_EQ(rounds.size(), 2u);
    EXPECT_EQ(rounds[0].round, 0);
    EXPECT_EQ(rounds[1].round, 1);
    EXPECT_EQ(rounds[1].chainLength, 5);
    // Round 0, length 5: 0.6 and 0.4; length 6 only seed 1 has.
    EXPECT_NEAR(*rounds[0].accuracy.at(5).mean, 0.5, 1e-12);
    EXPECT_EQ(rounds[0].accuracy.at(6).present(), 1);
    EXPECT_EQ(rounds[1].accuracy.count(4), 0u);
    EXPECT_EQ(seedsRoundsTable(rounds),
              "\nself-improvement rounds: the looped model after each round (answer accuracy, "
              "oracle T, mean (min\u2013max) over seeds)\n"
              "round  task  chains at  4                     5                     6           "
              "          frontier per seed\n"
              "0      ari   -          0.900 (0.800\u20131.000) 2/3 0.500 (0.400\u20130.600) "
              "2/3 0.200 (0.200\u20130.200) 1/3 6 5 -\n"
              "1      ari   5          -                     0.900 (0.900\u20130.900) 1/3 0.700 "
              "(0.700\u20130.700) 1/3 none - -\n"
              "(frontier: the first length beyond training with accuracy below 0.5; none: every "
              "tested length stays at or above it; -: that seed has no such round)\n");
}

TEST(SeedRounds, JsonReadsBackAndRefusesARoundShortOfSeeds) {
    const auto reports = threeSeeds();
    const auto labelFree = *aggregateLabelFree(reports);
    const auto labelFreeJson = seedsLabelFreeToJson(labelFree);
    EXPECT_EQ(labelFreeJson["seeds"][0]["kept_verified"], 5);
    EXPECT_TRUE(labelFreeJson["seeds"][2].is_null());
    EXPECT_EQ(seedsLabelFreeToJson(seedsLabelFreeFromJson(labelFreeJson, 3)), labelFreeJson);

    const auto rounds = aggregateRounds(reports);
    auto json = seedsRoundsToJson(rounds);
    EXPECT_EQ(json[1]["seeds"][0]["chains_kept_verified"], 30);
    EXPECT_EQ(json[0]["accuracy"][1]["length"], 5);
    const auto back = seedsRoundsFromJson(json, 3);
    EXPECT_EQ(seedsRoundsToJson(back), json);
    EXPECT_EQ(seedsRoundsTable(back), seedsRoundsTable(rounds));

    json[0]["seeds"].erase(2);
    EXPECT_THROW(seedsRoundsFromJson(json, 3), std::invalid_argument);
    EXPECT_THROW(seedsLabelFreeFromJson(labelFreeJson, 2), std::invalid_argument);
}

} // namespace
} // namespace relay
