// The frontier chart: runs put in round order by their parent chain among the chosen runs,
// each run's frontier against hand-written accuracy tables, and the chart and table drawing
// one line, one drop line and one row per run.
#include "frontier_chart.h"

#include "qcustomplot_include.h"
#include "widget_test_support.h"

#include <gtest/gtest.h>

#include <QTableWidget>

using namespace relay;

namespace {

// A finished looped run trained on 2-4 operators whose last evaluation (step 100, oracle) has
// `accuracy` by length; an earlier evaluation (step 50) that must not count.
RunData runWith(std::int64_t id, std::optional<std::int64_t> parent,
                const std::map<int, double>& accuracy) {
    RunData data;
    data.run.id = id;
    data.run.kind = RunKind::Looped;
    data.run.name = "run-" + std::to_string(id);
    data.run.parentRun = parent;
    data.run.configJson = test::storedConfigJson(); // cpu-quick-ari: train_lengths.max 4
    for (const auto& [length, value] : accuracy) {
        EvalRecord early;
        early.step = 50;
        early.length = length;
        early.task = "ari";
        early.answerAccuracy = 0.0;
        data.evals.push_back(early);
        EvalRecord last = early;
        last.step = 100;
        last.answerAccuracy = value;
        data.evals.push_back(last);
    }
    return data;
}

} // namespace

TEST(FrontierChart, RoundsFollowTheParentChainAndFrontiersTheTables) {
    // Chosen out of order; run 7's parent 6 is not chosen, so it starts a chain of its own.
    const RunData second = runWith(9, 5, {{4, 1.0}, {5, 0.9}, {6, 0.55}, {7, 0.49}, {8, 0.6}});
    const RunData stageOne = runWith(1, std::nullopt, {{4, 1.0}, {5, 0.4}, {6, 0.2}});
    const RunData first = runWith(5, 1, {{4, 1.0}, {5, 0.7}, {6, 0.3}});
    const RunData other = runWith(7, 6, {{3, 0.1}, {4, 0.9}, {5, 0.8}, {6, 0.51}});
    FrontierChart chart;
    chart.setRuns({&second, &stageOne, &first, &other}, {QStringLiteral("oracle")});

    const auto& lines = chart.lines();
    ASSERT_EQ(lines.size(), 4u);
    std::vector<std::pair<std::int64_t, int>> order;
    for (const auto& line : lines)
        order.push_back({line.run, line.round});
    EXPECT_EQ(order, (std::vector<std::pair<std::int64_t, int>>{{1, 0}, {7, 0}, {5, 1}, {9, 2}}));
    EXPECT_EQ(lines[0].frontier, 5);
    EXPECT_EQ(lines[1].frontier, std::nullopt) << "0.1 at length 3 is within training";
    EXPECT_EQ(lines[2].frontier, 6);
    EXPECT_EQ(lines[3].frontier, 7);
    EXPECT_EQ(lines[3].accuracy.y, (QVector<double>{1.0, 0.9, 0.55, 0.49, 0.6}))
        << "the last evaluation's accuracy";

    EXPECT_EQ(chart.plot()->graphCount(), 4);
    // A drop line per frontier (three) and the one-half level.
    int dashed = 0, dotted = 0;
    for (int index = 0; index < chart.plot()->itemCount(); ++index)
        if (auto* line = qobject_cast<QCPItemLine*>(chart.plot()->item(index)))
            (line->pen().style() == Qt::DashLine ? dashed : dotted) += 1;
    EXPECT_EQ(dashed, 3);
    EXPECT_EQ(dotted, 1);
    ASSERT_EQ(chart.table()->rowCount(), 4);
    EXPECT_EQ(chart.table()->item(3, 0)->text(), QStringLiteral("2"));
    EXPECT_EQ(chart.table()->item(3, 1)->text(), QStringLiteral("9"));
    EXPECT_EQ(chart.table()->item(3, 2)->text(), QStringLiteral("7"));
    EXPECT_TRUE(chart.table()->item(1, 2)->text().startsWith(QStringLiteral("none")));
    chart.resize(900, 600);
    test::saveScreenshot(chart, QStringLiteral("frontier-chart.png"));
}

TEST(FrontierChart, ACycleOfParentsEnds) {
    // A damaged store: each run names the other as its parent.
    const RunData a = runWith(1, 2, {{5, 0.9}});
    const RunData b = runWith(2, 1, {{5, 0.9}});
    FrontierChart chart;
    chart.setRuns({&a, &b}, {QStringLiteral("oracle")});
    ASSERT_EQ(chart.lines().size(), 2u);
    EXPECT_EQ(chart.lines()[0].round, 1);
    EXPECT_EQ(chart.lines()[1].round, 1);
}
