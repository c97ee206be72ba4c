// The loop-iteration viewer against a tiny real looped run: generated problems, stepping with
// buttons and arrow keys, a deliberately wrong token painted red, typed problems (good and
// malformed), and the training-time slider over probe snapshots.
#include "inspection_test_store.h"
#include "widget_test_support.h"

#include "inspection_worker.h"
#include "iteration_grid.h"
#include "iteration_viewer.h"
#include "iteration_viewer_wiring.h"
#include "probe_inspections.h"
#include "store_access.h"

#include <gtest/gtest.h>

#include <QLabel>
#include <QSlider>
#include <QTest>

#include <algorithm>

namespace relay {
namespace {

struct ViewerFixture {
    ViewerFixture() : path(test::inspectionStorePath()), store(path), worker(path) {
        wireIterationViewer(&viewer, &worker, &store);
        viewer.resize(1300, 800);
        viewer.show();
        viewer.setRuns(test::storeRows(path));
    }
    bool waitShown(int count) {
        return test::waitFor([&] { return viewer.inspectionsShown() >= count && !viewer.busy(); },
                             60000);
    }
    QString path;
    StoreAccess store;
    InspectionWorker worker;
    IterationViewer viewer;
};

bool sameRgb(const QColor& a, const QColor& b) {
    return a.red() == b.red() && a.green() == b.green() && a.blue() == b.blue();
}

TEST(IterationViewer, StepsForwardAndBackAndMarksAWrongTokenRed) {
    if (!InspectionWorker::engineAvailable())
        GTEST_SKIP() << "this build has no engine";
    ViewerFixture fixture;
    IterationViewer& viewer = fixture.viewer;
    viewer.setLength(3);
    ASSERT_TRUE(fixture.waitShown(1)) << viewer.errorLabel()->text().toStdString();
    // Wait for the length-3 problems (the first answer may be of the default length).
    ASSERT_TRUE(test::waitFor(
        [&] { return viewer.grid()->inspection().truth.complexity == 3 && !viewer.busy(); }));
    const ProblemInspection inspection = viewer.grid()->inspection();
    const int count = viewer.grid()->iterationCount();
    ASSERT_GE(count, 3);
    EXPECT_EQ(inspection.truth.iterations(), count); // oracle: T rows
    EXPECT_EQ(viewer.currentIteration(), 1);
    viewer.next();
    EXPECT_EQ(viewer.currentIteration(), 2);
    QTest::keyClick(&viewer, Qt::Key_Right);
    EXPECT_EQ(viewer.currentIteration(), 3);
    QTest::keyClick(&viewer, Qt::Key_Left);
    EXPECT_EQ(viewer.currentIteration(), 2);
    viewer.previous();
    viewer.previous(); // stays at the first
    EXPECT_EQ(viewer.currentIteration(), 1);
    QTest::keyClick(&viewer, Qt::Key_End);
    EXPECT_EQ(viewer.currentIteration(), count);
    viewer.first();
    EXPECT_EQ(viewer.grid()->currentIteration(), 1);

    // A deliberately wrong read-out token is red; the true token in its place is green.
    ProblemInspection edited = inspection;
    InspectedIteration& row = edited.iterations.front();
    const int position = static_cast<int>(row.readOut.size()) - 1; // the step's last token
    ASSERT_GE(position, 0);
    row.readOut[static_cast<std::size_t>(position)] = "(";
    row.readOut[static_cast<std::size_t>(position - 1)] = row.target[std::size_t(position - 1)];
    ASSERT_NE(row.readOut[std::size_t(position)], row.target[std::size_t(position)]);
    row.marks = markTokens(row.readOut, row.target);
    viewer.showInspection(edited);
    EXPECT_EQ(row.marks[std::size_t(position)], TokenMark::Wrong);
    EXPECT_TRUE(sameRgb(viewer.grid()->cellColor(1, position), IterationGrid::wrongColor()));
    EXPECT_TRUE(sameRgb(viewer.grid()->cellColor(1, position - 1), IterationGrid::rightColor()));
    // Left padding is not scored, and it is hidden up to the boundary pad: the first column
    // drawn is the leftmost last-<pad> of any read-out or true step, the row's start for a row
    // without one (a grid that hides a step's first token, or shows all the padding, fails).
    int boundary = static_cast<int>(edited.width);
    for (const InspectedIteration& shown : edited.iterations)
        for (const Tokens* tokens : {&shown.readOut, &shown.target}) {
            if (tokens->empty())
                continue; // past T there is no true step
            int last = static_cast<int>(tokens->size()) - 1;
            while (last > 0 && (*tokens)[std::size_t(last)] != "<pad>")
                --last;
            boundary = std::min(boundary, last);
        }
    EXPECT_EQ(viewer.grid()->firstShownPosition(), boundary);
    EXPECT_EQ(row.marks.front(), TokenMark::Unscored);

    // Adaptive: the stop-score trace has a point per iteration, and rows go past T.
    const int shown = viewer.inspectionsShown();
    viewer.setRule(QStringLiteral("adaptive"));
    ASSERT_TRUE(fixture.waitShown(shown + 1));
    EXPECT_GT(viewer.grid()->iterationCount(), inspection.truth.iterations());
    EXPECT_TRUE(viewer.grid()->inspection().iterations.back().target.empty()); // past T
    // Adaptive stops at the most confident iteration (the lowest stop score, the first on ties).
    const auto& adaptive = viewer.grid()->inspection().iterations;
    const auto confident =
        std::min_element(adaptive.begin(), adaptive.end(), [](const auto& a, const auto& b) {
            return a.uncertainty < b.uncertainty;
        });
    EXPECT_EQ(viewer.grid()->inspection().chosenIterations, confident->iteration);

    // Play advances on its own, one iteration per tick, and stops at the last one: a timer
    // that never fires, skips rows or runs past the end fails here.
    const int rows = viewer.grid()->iterationCount();
    viewer.goTo(rows - 2);
    QVector<int> visited;
    const auto record =
        QObject::connect(&viewer, &IterationViewer::currentIterationChanged, &viewer,
                         [&](int iteration) { visited.append(iteration); });
    viewer.setPlaying(true);
    EXPECT_TRUE(viewer.playing());
    ASSERT_TRUE(test::waitFor([&] { return !viewer.playing(); }, 20000)) << "play never stopped";
    EXPECT_EQ(visited, (QVector<int>{rows - 1, rows}));
    EXPECT_EQ(viewer.currentIteration(), rows);
    // Play at the end starts again from the first iteration; pause holds the view still.
    viewer.setPlaying(true);
    EXPECT_EQ(viewer.currentIteration(), 1);
    ASSERT_TRUE(test::waitFor([&] { return viewer.currentIteration() == 2; }, 20000));
    viewer.setPlaying(false);
    visited.clear();
    QTest::qWait(1200); // longer than two ticks at the default speed
    EXPECT_TRUE(visited.isEmpty()) << "the view moved while paused";
    EXPECT_EQ(viewer.currentIteration(), 2);
    QObject::disconnect(record);
}

TEST(IterationViewer, MalformedTypedProblemShowsAnErrorAndNoCrash) {
    if (!InspectionWorker::engineAvailable())
        GTEST_SKIP() << "this build has no engine";
    ViewerFixture fixture;
    IterationViewer& viewer = fixture.viewer;
    ASSERT_TRUE(fixture.waitShown(1));
    const int shown = viewer.inspectionsShown();
    viewer.typeProblem(QStringLiteral("3 + + 4 ="));
    ASSERT_TRUE(test::waitFor([&] { return viewer.errorLabel()->isVisible(); }));
    const QString error = viewer.errorLabel()->text();
    EXPECT_TRUE(error.contains(QStringLiteral("+"))) << error.toStdString();
    EXPECT_EQ(viewer.inspectionsShown(), shown); // the grid keeps the last good problem
    viewer.typeProblem(QStringLiteral("3 + banana ="));
    ASSERT_TRUE(test::waitFor([&] {
        return viewer.errorLabel()->isVisible() &&
               viewer.errorLabel()->text().contains(QStringLiteral("banana"));
    })) << viewer.errorLabel()->text().toStdString();
    viewer.typeProblem(QStringLiteral("( 3 + 4 ) * 2 ="));
    ASSERT_TRUE(fixture.waitShown(shown + 1));
    EXPECT_FALSE(viewer.errorLabel()->isVisible());
    EXPECT_EQ(viewer.grid()->inspection().truth.answer, "3"); // 14 mod 11
}

TEST(IterationViewer, TrainingTimeSliderShowsProbeSnapshots) {
    ViewerFixture fixture;
    IterationViewer& viewer = fixture.viewer;
    ASSERT_TRUE(test::waitFor([&] { return viewer.snapshotSlider()->maximum() > 0; }));
    viewer.setSnapshotMode(true);
    ASSERT_TRUE(test::waitFor([&] { return viewer.grid()->iterationCount() > 0; }));
    const int rows = viewer.grid()->iterationCount();
    viewer.setSnapshotIndex(0); // the earliest evaluation
    EXPECT_EQ(viewer.snapshotSlider()->value(), 0);
    ASSERT_TRUE(test::waitFor([&] { return viewer.grid()->iterationCount() == rows; }));
    for (const InspectedIteration& row : viewer.grid()->inspection().iterations)
        EXPECT_EQ(row.marks.size(), row.readOut.size());
    viewer.setSnapshotMode(false);
}

} // namespace
} // namespace relay
