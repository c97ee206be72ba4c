// Seed groups of the run comparison: which runs land in one group, the band's mean, minimum and
// maximum against hand-computed values (with a step one run lacks), and the comparison view
// drawing, toggling and exporting them over a store written with the store API.
#include "seed_groups.h"

#include "comparison_test_support.h"
#include "config/experiment_config.h"
#include "curve_plot.h"
#include "run_comparison_view.h"
#include "run_table_model.h"
#include "store/run_store.h"
#include "widget_test_support.h"

#include <gtest/gtest.h>

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QTemporaryDir>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <optional>

using namespace relay;
using namespace relay::test;
using nlohmann::json;

namespace {

RunRecord runOf(std::int64_t id, RunKind kind, std::string name, std::string configJson) {
    RunRecord run;
    run.id = id;
    run.kind = kind;
    run.name = std::move(name);
    run.configJson = std::move(configJson);
    return run;
}

XYSeries curve(QVector<double> x, QVector<double> y) {
    return {std::move(x), std::move(y)};
}

} // namespace

TEST(SeedGroups, RunsThatDifferOnlyInSeedAndNameShareAGroup) {
    const auto deeper = [](json& config) {
        config["model"]["layers"] = config["model"]["layers"].get<int>() + 1;
    };
    // A config stored without a key whose value is the default (an older version wrote fewer
    // keys) is the same experiment: compared raw, it would split from its seeds.
    json older = json::parse(withSeed(9));
    ASSERT_EQ(older["training"]["ema_decay"], defaultConfigJson()["training"]["ema_decay"]);
    older["training"].erase("ema_decay");
    const std::vector<RunRecord> runs = {
        runOf(1, RunKind::Looped, "sweep-s1", withSeed(1)),
        runOf(2, RunKind::Looped, "sweep-s2", withSeed(2)),
        runOf(3, RunKind::Looped, "sweep-s3", withSeed(3)),
        runOf(4, RunKind::Looped, "deeper", withSeed(1, deeper)),
        runOf(5, RunKind::Ar, "sweep-ar", withSeed(2)), // same config, another kind
        runOf(6, RunKind::Looped, "renamed",
              withSeed(4,
                       [](json& config) {
                           config["name"] = "another label"; // the config's own name key too
                       })),
        runOf(7, RunKind::Looped, "no config yet", "{}"),
        runOf(8, RunKind::Looped, "damaged", "not json"),
        runOf(9, RunKind::Looped, "deeper again", withSeed(7, deeper)),
        runOf(10, RunKind::Looped, "faster",
              withSeed(5, [](json& config) { config["optimizer"]["learning_rate"] = 2e-3; })),
        runOf(11, RunKind::Looped, "older", older.dump()),
        runOf(12, RunKind::Looped, "damaged too", "not json"),
    };
    const std::vector<std::vector<std::int64_t>> expected = {
        {1, 2, 3, 6, 11}, {4, 9}, {5}, {7}, {8}, {10}, {12}};
    EXPECT_EQ(groupRunsBySeed(runs), expected);
}

// Stage II fine-tunes of `relay pipeline --seeds N` each train on their own seed's file, in
// that seed's pipeline folder (pipelines/<name>-<hash> by default, F/seed-<seed> with --folder
// F), from their own seed's Stage I runs: the same file there, from Stage I runs of one group,
// groups. Another chain selection, another pipeline, a folder of another seed, Stage I runs
// trained differently or not compared, or an unrelated file does not.
TEST(SeedGroups, StageTwoFineTunesOfSeedsGroupAcrossTheirPipelineFolders) {
    const auto stageOne = [](std::int64_t id, RunKind kind, std::uint64_t seed, int steps) {
        return runOf(id, kind, "stage I " + std::to_string(id),
                     withSeed(seed, [&](json& c) { c["training"]["steps"] = steps; }));
    };
    // A fine-tune stores Stage II's steps, whatever Stage I's were.
    const auto fineTune = [](std::int64_t id, RunKind kind, std::uint64_t seed,
                             const std::string& file, std::optional<std::int64_t> parent,
                             std::optional<std::int64_t> generator) {
        RunRecord run = runOf(id, kind, "fine-tune " + std::to_string(id),
                              withSeed(seed, [&](json& c) { c["data"]["train_file"] = file; }));
        run.parentRun = parent;
        run.generatorRun = generator;
        return run;
    };
    const auto relay = [&](std::int64_t id, std::uint64_t seed, const std::string& file) {
        // Seed s's Stage I: looped run 10 + s, AR run 20 + s.
        return fineTune(id, RunKind::ArRelay, seed, file, 20 + std::int64_t(seed),
                        10 + std::int64_t(seed));
    };
    const std::string pipelines = "/runs/pipelines/";
    const std::vector<RunRecord> runs = {
        stageOne(11, RunKind::Looped, 1, 500),
        stageOne(12, RunKind::Looped, 2, 500),
        stageOne(13, RunKind::Looped, 3, 500),
        stageOne(21, RunKind::Ar, 1, 500),
        stageOne(22, RunKind::Ar, 2, 500),
        stageOne(23, RunKind::Ar, 3, 500),
        stageOne(31, RunKind::Looped, 1, 900), // a pipeline with longer Stage I training
        stageOne(32, RunKind::Looped, 2, 900),
        stageOne(41, RunKind::Ar, 1, 900),
        stageOne(42, RunKind::Ar, 2, 900),
        relay(1, 1, pipelines + "ari-1a2b3c4d/finetune-verified.jsonl"),
        relay(2, 2, pipelines + "ari-9f8e7d6c/finetune-verified.jsonl"),
        relay(3, 3, pipelines + "ari-0badc0de/finetune-label-free.jsonl"),
        relay(4, 3, pipelines + "ari-0badc0de/finetune-all.jsonl"),
        relay(5, 1, "/exp/seed-1/finetune-all.jsonl"),
        relay(6, 2, "/exp/seed-2/finetune-all.jsonl"),
        relay(7, 3, "/exp/seed-3/finetune-all.jsonl"),
        relay(8, 3, "/exp/seed-1/finetune-all.jsonl"), // seed 1's file
        // Self-chain phases: phase 1 from the AR run, phase 2 from phase 1.
        fineTune(51, RunKind::ArSelf, 1, pipelines + "ari-1a2b3c4d/self-finetune-phase-1.jsonl", 21,
                 std::nullopt),
        fineTune(52, RunKind::ArSelf, 2, pipelines + "ari-9f8e7d6c/self-finetune-phase-1.jsonl", 22,
                 std::nullopt),
        fineTune(53, RunKind::ArSelf, 2, pipelines + "ari-9f8e7d6c/self-finetune-phase-2.jsonl", 52,
                 std::nullopt),
        fineTune(54, RunKind::ArSelf, 1, pipelines + "ari-1a2b3c4d/self-finetune-phase-2.jsonl", 51,
                 std::nullopt),
        fineTune(61, RunKind::Ar, 1, "/data/a/train.jsonl", std::nullopt, std::nullopt),
        fineTune(62, RunKind::Ar, 2, "/data/b/train.jsonl", std::nullopt, std::nullopt),
        fineTune(63, RunKind::Ar, 1, "/data/x.jsonl", std::nullopt, std::nullopt),
        fineTune(64, RunKind::Ar, 2, "/data/y.jsonl", std::nullopt, std::nullopt),
        relay(71, 2, pipelines + "other-9f8e7d6c/finetune-verified.jsonl"),
        relay(72, 2, "/runs/elsewhere/ari-2c3d4e5f/finetune-verified.jsonl"),
        relay(73, 3, pipelines + "ari-notahash/finetune-verified.jsonl"),
        // The fine-tunes of the pipeline with longer Stage I store the same config as 1 and 2.
        fineTune(81, RunKind::ArRelay, 1, pipelines + "ari-5e6f7a8b/finetune-verified.jsonl", 41,
                 31),
        fineTune(82, RunKind::ArRelay, 2, pipelines + "ari-3c4d5e6f/finetune-verified.jsonl", 42,
                 32),
        // Stage I not among the compared runs: nothing to tell the two pipelines apart.
        fineTune(91, RunKind::ArRelay, 1, pipelines + "ari-aaaa1111/finetune-verified.jsonl", 301,
                 401),
        fineTune(92, RunKind::ArRelay, 2, pipelines + "ari-bbbb2222/finetune-verified.jsonl", 302,
                 402),
    };
    const std::vector<std::vector<std::int64_t>> expected = {
        {11, 12, 13}, {21, 22, 23}, {31, 32}, {41, 42}, {1, 2},   {3},  {4},
        {5, 6, 7},    {8},          {51, 52}, {53, 54}, {61},     {62}, {63},
        {64},         {71},         {72},     {73},     {81, 82}, {91}, {92}};
    EXPECT_EQ(groupRunsBySeed(runs), expected);
}

TEST(SeedGroups, BandAggregatesEachStepOverTheRunsThatHaveIt) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const SeedBand band = aggregateCurves({
        curve({0, 10, 20}, {1, 2, 3}), curve({0, 20}, {3, 5}), // no step 10
        curve({0, 10, 10, 20, 30}, {2, 9, 4, 1, 7}), // step 10 twice: the last value counts
        curve({30, 40}, {nan, nan}),                 // diverged: left out
    });
    // By hand: step 0 {1,3,2}; 10 {2,4}; 20 {3,5,1}; 30 {7}; 40 nothing finite.
    EXPECT_EQ(band.x, (QVector<double>{0, 10, 20, 30, 40}));
    EXPECT_EQ(band.runs, (QVector<int>{3, 2, 3, 1, 0}));
    const QVector<double> mean = {2, 3, 3, 7}, low = {1, 2, 1, 7}, high = {3, 4, 5, 7};
    for (int i = 0; i < 4; ++i) {
        EXPECT_DOUBLE_EQ(band.mean[i], mean[i]) << "x " << band.x[i];
        EXPECT_DOUBLE_EQ(band.min[i], low[i]) << "x " << band.x[i];
        EXPECT_DOUBLE_EQ(band.max[i], high[i]) << "x " << band.x[i];
    }
    EXPECT_TRUE(std::isnan(band.mean[4]) && std::isnan(band.min[4]) && std::isnan(band.max[4]));
}

TEST(SeedGroups, WallTimeLinesRunsUpByStepAtTheirMeanWallTime) {
    const auto point = [](std::int64_t step, double wall, double value) {
        return MetricPoint{step, wall, "loss", value};
    };
    RunData first, second;
    first.metrics = {point(10, 5, 1), point(20, 10, 3), {20, 10, "loss_answer", 99}};
    second.metrics = {point(10, 7, 3), point(20, 12, 5), point(30, 20, 6)};
    const SeedBand byWall = seedBandOfMetric({&first, &second}, "loss", XAxisMode::WallTime);
    EXPECT_EQ(byWall.x, (QVector<double>{6, 11, 20})); // (5+7)/2, (10+12)/2, 20
    EXPECT_EQ(byWall.mean, (QVector<double>{2, 4, 6}));
    EXPECT_EQ(byWall.min, (QVector<double>{1, 3, 6}));
    EXPECT_EQ(byWall.max, (QVector<double>{3, 5, 6}));
    const SeedBand byStep = seedBandOfMetric({&first, &second}, "loss", XAxisMode::Step);
    EXPECT_EQ(byStep.x, (QVector<double>{10, 20, 30}));
    EXPECT_EQ(byStep.mean, byWall.mean);
}

TEST(SeedGroups, CommonNameIsTheSharedWholeWords) {
    EXPECT_EQ(commonRunName({"sweep-s1", "sweep-s2", "sweep-s3"}), "sweep");
    EXPECT_EQ(commonRunName({"ari seed 1", "ari seed 2"}), "ari seed");
    EXPECT_EQ(commonRunName({"looped", "looped 2"}), "looped");
    EXPECT_EQ(commonRunName({"run10", "run11"}), ""); // no whole word in common
    EXPECT_EQ(commonRunName({"alpha", "beta"}), "");
    EXPECT_EQ(commonRunName({"alone"}), "alone");
}

// A store with three seeds of one looped config (run 2 lacks step 20) and one run of a deeper
// config, with hand-made loss curves and answer accuracies at lengths 1-3.
class SeedComparison : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_folder.isValid());
        m_path = m_folder.filePath(QStringLiteral("runs.db"));
        RunStore store(m_path.toStdString());
        const auto deeper = [](json& config) {
            config["model"]["layers"] = config["model"]["layers"].get<int>() + 1;
        };
        const std::vector<std::pair<std::string, std::string>> runs = {
            {"sweep-s1", withSeed(1)},
            {"sweep-s2", withSeed(2)},
            {"sweep-s3", withSeed(3)},
            {"deeper", withSeed(1, deeper)}};
        const std::vector<std::vector<std::pair<std::int64_t, double>>> losses = {
            {{10, 1.0}, {20, 0.8}, {30, 0.6}},
            {{10, 1.2}, {30, 0.4}},
            {{10, 0.8}, {20, 0.6}, {30, 0.5}},
            {{10, 2.0}, {20, 1.5}, {30, 1.0}}};
        const std::vector<std::vector<double>> accuracy = {
            {1.0, 0.9, 0.5}, {1.0, 0.7, 0.3}, {1.0, 0.8, 0.1}, {1.0, 1.0, 0.9}};
        for (std::size_t index = 0; index < runs.size(); ++index) {
            RunRecord run;
            run.name = runs[index].first;
            run.kind = RunKind::Looped;
            run.task = "ari";
            run.configJson = runs[index].second;
            const std::int64_t id = store.createRun(run);
            std::vector<MetricPoint> points;
            for (const auto& [step, value] : losses[index])
                points.push_back({step, static_cast<double>(step), "loss", value});
            store.addMetrics(id, points);
            std::vector<EvalRecord> evals;
            for (int length = 1; length <= 3; ++length) {
                EvalRecord eval;
                eval.step = 30;
                eval.task = "ari";
                eval.length = length;
                eval.samples = 10;
                eval.answerAccuracy = accuracy[index][std::size_t(length - 1)];
                evals.push_back(eval);
            }
            store.addEvaluation(id, evals, {}, {});
            store.setStatus(id, RunStatus::Finished);
        }
    }

    QTemporaryDir m_folder;
    QString m_path;
};

TEST_F(SeedComparison, GroupedSeedsDrawTheirMeanWithAMinMaxBandAndExportIt) {
    ShownComparison shown(m_path);
    ASSERT_TRUE(shown.comparingAll(4));
    RunComparisonView& view = shown.view;
    ASSERT_TRUE(view.groupSeeds()); // on by default
    EXPECT_EQ(view.drawnGroups(), (std::vector<std::vector<std::int64_t>>{{1, 2, 3}, {4}}));

    CurvePlot* overlay = view.overlayPlot();
    ASSERT_EQ(overlay->seriesCount(), 2);
    EXPECT_EQ(overlay->seriesName(0), QString::fromUtf8("1, 2, 3 · sweep ×3 seeds (looped)"));
    EXPECT_EQ(overlay->seriesName(1), QString::fromUtf8("4 · deeper (looped)"));
    // Loss by hand: step 10 {1.0, 1.2, 0.8}, step 20 {0.8, 0.6} (run 2 lacks it), 30 {.6 .4 .5}.
    expectValues(test::namedGraph(overlay, overlay->seriesName(0)), {1.0, 0.7, 0.5});
    expectValues(overlay->seriesBand(0).lower, {0.8, 0.6, 0.4});
    expectValues(overlay->seriesBand(0).upper, {1.2, 0.8, 0.6});
    EXPECT_EQ(overlay->seriesBand(0).upper->channelFillGraph(), overlay->seriesBand(0).lower);
    EXPECT_EQ(overlay->seriesBand(1).upper, nullptr); // a single run has no band
    expectValues(test::namedGraph(overlay, overlay->seriesName(1)), {2.0, 1.5, 1.0});

    // Accuracy by length, by hand: length 2 {.9 .7 .8}, length 3 {.5 .3 .1}.
    QCustomPlot* accuracy = view.accuracyPlot();
    EXPECT_EQ(accuracy->graphCount(), 4); // the group's band (2 bounds), its mean, run 4
    expectValues(test::namedGraph(accuracy, overlay->seriesName(0) + " [oracle]"), {1, 0.8, 0.3});
    const QCPGraph* upper = bandUpper(accuracy);
    expectValues(upper, {1, 0.9, 0.5});
    ASSERT_NE(upper, nullptr);
    expectValues(upper->channelFillGraph(), {1, 0.7, 0.1});
    test::saveScreenshot(view, QStringLiteral("comparison-seed-groups.png"));

    const QStringList grouped = csvLines(view, m_folder.filePath(QStringLiteral("grouped.csv")));
    ASSERT_FALSE(grouped.isEmpty());
    EXPECT_EQ(grouped.first(), "run,name,chart,x,y,y_min,y_max,seeds");
    EXPECT_EQ(grouped.size(), 1 + 2 * 3 + 2 * 3); // loss at 3 steps, accuracy at 3 lengths
    const QStringList step20 = grouped.filter(QStringLiteral("1 2 3,sweep ×3 seeds,loss,20,"));
    ASSERT_EQ(step20.size(), 1);
    const QStringList fields = step20.first().split(',');
    ASSERT_EQ(fields.size(), 8);
    EXPECT_NEAR(fields[4].toDouble(), 0.7, 1e-9);
    EXPECT_NEAR(fields[5].toDouble(), 0.6, 1e-9);
    EXPECT_NEAR(fields[6].toDouble(), 0.8, 1e-9);
    EXPECT_EQ(fields[7], "2");
    EXPECT_EQ(
        grouped.filter(QStringLiteral("4,deeper,answer_accuracy_by_length,3,0.9,0.9,0.9,1")).size(),
        1);

    // The toggle: one line per run again, no bands, and the export follows.
    auto* toggle = view.findChild<QCheckBox*>(QStringLiteral("groupSeeds"));
    ASSERT_NE(toggle, nullptr);
    toggle->click();
    EXPECT_FALSE(view.groupSeeds());
    EXPECT_EQ(view.drawnGroups(), (std::vector<std::vector<std::int64_t>>{{1}, {2}, {3}, {4}}));
    ASSERT_EQ(overlay->seriesCount(), 4);
    for (int series = 0; series < 4; ++series)
        EXPECT_EQ(overlay->seriesBand(series).upper, nullptr);
    EXPECT_EQ(overlay->seriesName(1), QString::fromUtf8("2 · sweep-s2 (looped)"));
    expectValues(test::namedGraph(overlay, overlay->seriesName(1)), {1.2, 0.4});
    EXPECT_EQ(accuracy->graphCount(), 4);
    EXPECT_EQ(bandUpper(accuracy), nullptr);
    test::saveScreenshot(view, QStringLiteral("comparison-per-run.png"));
    const QStringList perRun = csvLines(view, m_folder.filePath(QStringLiteral("runs.csv")));
    EXPECT_EQ(perRun.size(), 1 + (3 + 2 + 3 + 3) + 4 * 3);
    EXPECT_EQ(perRun.filter(QStringLiteral("2,sweep-s2,loss,30,0.4,0.4,0.4,1")).size(), 1);
}

// A two-seed pipeline as `relay pipeline --seeds 2` stores it (each seed's looped generator,
// AR baseline and AR fine-tune on its own folder's finetune-verified.jsonl): compared together,
// each stage's two seeds draw as one line; the fine-tunes alone cannot show they come from one
// pipeline, so they stay two lines.
TEST(SeedComparisonOfAPipeline, EachStageOfTwoSeedsIsOneLine) {
    QTemporaryDir folder;
    ASSERT_TRUE(folder.isValid());
    const QString path = folder.filePath(QStringLiteral("runs.db"));
    const std::string pipelines = folder.filePath(QStringLiteral("pipelines/")).toStdString();
    {
        RunStore store(path.toStdString());
        const std::vector<std::string> hashes = {"1a2b3c4d", "9f8e7d6c"};
        for (std::uint64_t seed = 1; seed <= 2; ++seed) {
            const auto add = [&](RunKind kind, const std::string& file,
                                 std::optional<std::int64_t> parent,
                                 std::optional<std::int64_t> generator, double loss) {
                RunRecord run;
                run.name = "ari " + textOf(kind) + " seed " + std::to_string(seed);
                run.kind = kind;
                run.task = "ari";
                run.parentRun = parent;
                run.generatorRun = generator;
                run.configJson = withSeed(seed, [&](json& c) { c["data"]["train_file"] = file; });
                const std::int64_t id = store.createRun(run);
                store.addMetrics(id, {{10, 10, "loss", loss}, {20, 20, "loss", loss / 2}});
                store.setStatus(id, RunStatus::Finished);
                return id;
            };
            const std::int64_t looped = add(RunKind::Looped, "", std::nullopt, std::nullopt, 2);
            const std::int64_t ar = add(RunKind::Ar, "", std::nullopt, std::nullopt, 3);
            add(RunKind::ArRelay,
                pipelines + "ari-" + hashes[seed - 1] + "/finetune-verified.jsonl", ar, looped,
                1.0 + 0.2 * static_cast<double>(seed));
        }
    }
    ShownComparison shown(path);
    ASSERT_TRUE(shown.listed(6));
    RunComparisonView& view = shown.view;
    view.setSelectedRuns({1, 2, 3, 4, 5, 6}); // seed 1: runs 1-3, seed 2: runs 4-6
    ASSERT_TRUE(test::waitFor([&] { return view.allLoaded(); }));
    EXPECT_EQ(view.drawnGroups(), (std::vector<std::vector<std::int64_t>>{{1, 4}, {2, 5}, {3, 6}}));
    CurvePlot* overlay = view.overlayPlot();
    ASSERT_EQ(overlay->seriesCount(), 3);
    // The fine-tunes' loss by hand: step 10 {1.2, 1.4}, step 20 {0.6, 0.7}.
    expectValues(test::namedGraph(overlay, overlay->seriesName(2)), {1.3, 0.65});
    test::saveScreenshot(view, QStringLiteral("comparison-pipeline-seeds.png"));

    view.setSelectedRuns({3, 6});
    ASSERT_TRUE(test::waitFor([&] { return view.allLoaded(); }));
    EXPECT_EQ(view.drawnGroups(), (std::vector<std::vector<std::int64_t>>{{3}, {6}}));
}
