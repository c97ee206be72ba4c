// The main window over a store filled by tiny real engine runs: the run list, the dashboard,
// the history's edits and the comparison with its exports.
#include "widget_test_support.h"

#include "curve_plot.h"
#include "main_window.h"
#include "run_comparison_view.h"
#include "run_history_view.h"
#include "run_table_model.h"
#include "store/run_store.h"
#include "training_dashboard.h"

#include <gtest/gtest.h>

#include <QFile>
#include <QImage>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTreeView>

#include <optional>
#include <vector>

using namespace relay;

class RunViews : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_folder.isValid());
        MainWindow::Options options;
        options.storePath = test::copySharedStore(m_folder.path());
        options.enginePath = test::enginePath();
        options.rememberLayout = false;
        m_window = std::make_unique<MainWindow>(options);
        m_window->resize(1400, 900);
        m_window->show();
        ASSERT_TRUE(test::waitFor([this] { return m_window->runModel()->rowCount() == 2; }));
    }

    qint64 runNamed(const char* name) const {
        for (const RunRow& row : m_window->runModel()->rows())
            if (row.run.name == name)
                return row.run.id;
        return -1;
    }

    QTemporaryDir m_folder;
    std::unique_ptr<MainWindow> m_window;
};

TEST_F(RunViews, RunListShowsTheEngineRuns) {
    QTreeView* list = m_window->runList();
    ASSERT_EQ(list->model()->rowCount(), 2);
    QStringList names;
    for (int row = 0; row < 2; ++row)
        names.append(list->model()->index(row, RunTableModel::Name).data().toString());
    EXPECT_TRUE(names.contains("tiny-looped"));
    EXPECT_TRUE(names.contains("tiny-ar"));
    const RunRow* looped = m_window->runModel()->findRun(runNamed("tiny-looped"));
    ASSERT_NE(looped, nullptr);
    EXPECT_EQ(looped->run.status, RunStatus::Finished);
    EXPECT_TRUE(looped->summary.bestInDistribution.has_value());
    EXPECT_FALSE(m_window->welcomeShown()); // the store is not empty
}

TEST_F(RunViews, DashboardPlotsTheRunsMetrics) {
    const qint64 run = runNamed("tiny-looped");
    m_window->openRun(run);
    TrainingDashboard* dashboard = m_window->dashboard();
    ASSERT_TRUE(test::waitFor([&] { return dashboard->lossPlot()->seriesCount() == 3; }));
    CurvePlot* loss = dashboard->lossPlot();
    EXPECT_EQ(loss->seriesName(0), "loss");
    EXPECT_EQ(loss->pointCount(0), 20); // every one of the 20 steps
    // Unsmoothed, and with far fewer points than pixels, the drawn line is the store's loss
    // point for point: a curve fed another metric, shifted by a step or decimated away fails.
    dashboard->setSmoothing(0.0);
    const auto stored = RunStore(m_window->store()->path().toStdString()).metrics(run, "loss");
    ASSERT_EQ(stored.size(), 20u);
    ASSERT_EQ(loss->drawnPointCount(0), 20);
    const QCPGraph* line = test::namedGraph(loss, loss->seriesName(0));
    ASSERT_NE(line, nullptr);
    for (int index = 0; index < 20; ++index) {
        const auto point = line->data()->at(index);
        EXPECT_DOUBLE_EQ(point->key, static_cast<double>(stored[std::size_t(index)].step));
        EXPECT_DOUBLE_EQ(point->value, stored[std::size_t(index)].value);
    }
    // Loss by loop iteration: one series per t (ARI lengths up to 4 → 4 iterations).
    EXPECT_EQ(dashboard->iterationPlot()->seriesCount(), 4);
    EXPECT_EQ(dashboard->learningRatePlot()->seriesCount(), 1);
    EXPECT_EQ(dashboard->gradientPlot()->seriesCount(), 1);
    // Accuracy by length: test lengths 1..5, evaluated at steps 10 and 20.
    CurvePlot* accuracy = dashboard->accuracyPlot();
    ASSERT_EQ(accuracy->seriesCount(), 5);
    EXPECT_EQ(accuracy->pointCount(0), 2);
    EXPECT_EQ(accuracy->seriesName(4), "length 5 (OOD)");
    dashboard->setSmoothing(0.9); // smoothing keeps the full data
    EXPECT_EQ(loss->pointCount(0), 20);
}

TEST_F(RunViews, HistoryFiltersRenamesTagsAndDeletes) {
    RunHistoryView* history = m_window->history();
    history->setFilterText("tiny-ar");
    EXPECT_EQ(history->proxy()->rowCount(), 1);
    history->setFilterText({});
    EXPECT_EQ(history->proxy()->rowCount(), 2);

    const qint64 ar = runNamed("tiny-ar");
    history->renameRun(ar, "renamed baseline");
    history->setRunTags(ar, "baseline,tiny");
    history->setRunNotes(ar, "a note");
    ASSERT_TRUE(test::waitFor([&] {
        const RunRow* row = m_window->runModel()->findRun(ar);
        return row && row->run.name == "renamed baseline" && row->run.tags == "baseline,tiny" &&
               row->run.notes == "a note";
    }));

    const qint64 looped = runNamed("tiny-looped");
    RunStore store(m_window->store()->path().toStdString());
    const auto checkpoints = store.checkpoints(looped);
    ASSERT_FALSE(checkpoints.empty());
    history->deleteRuns({looped}, /*deleteCheckpoints=*/false);
    ASSERT_TRUE(test::waitFor([&] { return m_window->runModel()->rowCount() == 1; }));
    EXPECT_EQ(m_window->runModel()->findRun(looped), nullptr);
}

TEST_F(RunViews, ComparisonDrawsOneLinePerRunAndTheConfigDiff) {
    const qint64 looped = runNamed("tiny-looped"), ar = runNamed("tiny-ar");
    m_window->compareRuns({looped, ar});
    RunComparisonView* comparison = m_window->comparison();
    ASSERT_TRUE(test::waitFor([&] { return comparison->allLoaded(); }));
    EXPECT_EQ(m_window->views()->currentWidget(), comparison);
    EXPECT_EQ(comparison->overlayPlot()->seriesCount(), 2);
    EXPECT_EQ(comparison->overlayPlot()->pointCount(0), 20);
    ASSERT_EQ(comparison->accuracyPlot()->graphCount(), 2);
    for (int graph = 0; graph < 2; ++graph)
        EXPECT_EQ(comparison->accuracyPlot()->graph(graph)->dataCount(), 5); // lengths 1..5
    EXPECT_EQ(comparison->accuracyPlot()->itemCount(), 2); // training range shade + its label
    // Same config, different kind: the diff lists the kind (and only what differs).
    QTableWidget* diff = comparison->diffTable();
    ASSERT_GE(diff->rowCount(), 1);
    QStringList keys;
    for (int row = 0; row < diff->rowCount(); ++row)
        keys.append(diff->item(row, 0)->text());
    EXPECT_TRUE(keys.contains("(kind)"));
    EXPECT_FALSE(keys.contains("model.heads"));
}

TEST_F(RunViews, ComparisonExportsWriteValidFiles) {
    m_window->compareRuns({runNamed("tiny-looped"), runNamed("tiny-ar")});
    RunComparisonView* comparison = m_window->comparison();
    ASSERT_TRUE(test::waitFor([&] { return comparison->allLoaded(); }));
    const QString png = m_folder.filePath("comparison.png");
    const QString pdf = m_folder.filePath("comparison.pdf");
    const QString csv = m_folder.filePath("comparison.csv");
    QString error;
    ASSERT_TRUE(comparison->exportPng(png, &error)) << error.toStdString();
    ASSERT_TRUE(comparison->exportPdf(pdf, &error)) << error.toStdString();
    ASSERT_TRUE(comparison->exportCsv(csv, &error)) << error.toStdString();

    QImage image(png);
    EXPECT_FALSE(image.isNull());
    EXPECT_EQ(image.width(), 1200);

    QFile pdfFile(pdf);
    ASSERT_TRUE(pdfFile.open(QIODevice::ReadOnly));
    const QByteArray pdfBytes = pdfFile.readAll();
    EXPECT_TRUE(pdfBytes.startsWith("%PDF-"));
    EXPECT_TRUE(pdfBytes.trimmed().endsWith("%%EOF"));

    QFile csvFile(csv);
    ASSERT_TRUE(csvFile.open(QIODevice::ReadOnly | QIODevice::Text));
    const QStringList lines = QString::fromUtf8(csvFile.readAll()).split('\n', Qt::SkipEmptyParts);
    ASSERT_FALSE(lines.isEmpty());
    EXPECT_EQ(lines.first(), "run,name,chart,x,y,y_min,y_max,seeds");
    EXPECT_EQ(lines.size(), 1 + 2 * 20 + 2 * 5); // loss per step and accuracy per length, 2 runs
    for (const QString& line : lines)
        EXPECT_EQ(line.count(','), 7) << line.toStdString();

    EXPECT_FALSE(comparison->exportCsv("/nonexistent-folder/x.csv", &error));
    EXPECT_FALSE(error.isEmpty());
}

// Sorting by the out-of-distribution column uses the numbers, not the text shown: as text
// "10.0%" and "100.0%" sort before "9.0%", and a run without the number must come first, not
// wherever its dash sorts.
TEST(RunHistorySorting, TheOodColumnSortsByNumber) {
    QVector<RunRow> rows;
    const std::vector<std::optional<double>> best = {0.10, std::nullopt, 1.0, 0.09};
    for (std::size_t index = 0; index < best.size(); ++index) {
        RunRow row;
        row.run.id = static_cast<std::int64_t>(index) + 1;
        row.run.name = "run " + std::to_string(index + 1);
        row.summary.bestOutOfDistribution = best[index];
        rows.append(row);
    }
    RunTableModel model;
    model.setRows(rows);
    RunHistoryView history(nullptr, &model);
    const auto order = [&] {
        std::vector<qint64> ids;
        for (int row = 0; row < history.proxy()->rowCount(); ++row)
            ids.push_back(history.proxy()
                              ->index(row, RunTableModel::Id)
                              .data(RunTableModel::RunIdRole)
                              .toLongLong());
        return ids;
    };
    history.table()->sortByColumn(RunTableModel::BestOut, Qt::AscendingOrder);
    EXPECT_EQ(order(), (std::vector<qint64>{2, 4, 1, 3}));
    history.table()->sortByColumn(RunTableModel::BestOut, Qt::DescendingOrder);
    EXPECT_EQ(order(), (std::vector<qint64>{3, 1, 4, 2}));
}
