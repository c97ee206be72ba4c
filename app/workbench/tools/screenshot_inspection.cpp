#include "screenshot_inspection.h"

#include "chain_inspector.h"
#include "event_wait.h"
#include "finetune_launcher.h"
#include "hit_matrix_panel.h"
#include "hit_matrix_view.h"
#include "inspection_views.h"
#include "iteration_grid.h"
#include "iteration_viewer.h"
#include "run_table_model.h"

#include <QComboBox>
#include <QLabel>
#include <QSlider>

#include "config/stored_config.h"

#include <cstdio>

namespace relay {

namespace {

// The newest finished looped run (the best trained one in a normal store), else any looped run.
const RunRow* viewerRun(const QVector<RunRow>& rows) {
    const RunRow* any = nullptr;
    for (const RunRow& row : rows) {
        if (row.run.kind != RunKind::Looped)
            continue;
        if (row.run.status == RunStatus::Finished)
            return &row;
        if (!any)
            any = &row;
    }
    return any;
}

int trainLengthMax(const RunRow& row) {
    return tryStoredExperimentConfig(row.run.configJson, "run " + std::to_string(row.run.id))
        .value_or(ExperimentConfig{})
        .trainLengths.max;
}

bool waitInspected(IterationViewer* viewer, int count) {
    return waitUntil([&] { return viewer->inspectionsShown() >= count && !viewer->busy(); }, 60000);
}

} // namespace

const RunRow* snapshotRun(const QVector<RunRow>& rows) {
    for (const RunRow& row : rows)
        if (row.run.kind == RunKind::Looped && !row.run.parentRun &&
            row.run.status == RunStatus::Finished)
            return &row;
    return nullptr;
}

bool screenshotInspectionViews(MainWindow& window,
                               const std::function<bool(const QString&)>& save) {
    auto* views = window.findChild<InspectionViews*>();
    if (!views)
        return false;
    const QVector<RunRow> rows = window.runModel()->rows();
    bool ok = true;
    IterationViewer* viewer = views->viewer();
    const RunRow* looped = viewerRun(rows);
    window.showView(MainWindow::View::Iterations);
    views->showHitMatrices(false);
    if (looped) {
        viewer->selectRun(looped->run.id);
        // One length past training: where the interesting failures begin.
        const int length = trainLengthMax(*looped) + 1;
        int shown = viewer->inspectionsShown();
        viewer->setLength(length);
        waitUntil(
            [&] {
                return viewer->grid()->inspection().truth.complexity == length && !viewer->busy();
            },
            60000);
        // Prefer a problem whose chain goes wrong somewhere: that is what the view is for.
        for (int index = 0; index < viewer->problemList()->count() && index < 8; ++index) {
            bool mixed = false, right = false;
            for (const InspectedIteration& row : viewer->grid()->inspection().iterations) {
                mixed = mixed || !row.stepCorrect;
                right = right || row.stepCorrect;
            }
            if (mixed && right)
                break;
            shown = viewer->inspectionsShown();
            viewer->problemList()->setCurrentIndex(index + 1);
            waitInspected(viewer, shown + 1);
        }
        viewer->goTo(std::max(1, viewer->grid()->iterationCount() / 2 + 1));
        std::printf("viewer: run %lld, length %d, inference %.1f ms\n",
                    static_cast<long long>(looped->run.id), length,
                    viewer->grid()->inspection().milliseconds);
        ok &= save(QStringLiteral("iterations.png"));

        shown = viewer->inspectionsShown();
        viewer->setRule(QStringLiteral("adaptive"));
        waitInspected(viewer, shown + 1);
        viewer->goTo(viewer->grid()->inspection().chosenIterations);
        ok &= save(QStringLiteral("iterations-adaptive.png"));

        viewer->setRule(QStringLiteral("oracle"));
        viewer->typeProblem(QStringLiteral("3 * ( 4 + ) - 2 ="));
        waitUntil([&] { return viewer->errorLabel()->isVisible(); }, 20000);
        ok &= save(QStringLiteral("iterations-parse-error.png"));

        if (const RunRow* trained = snapshotRun(rows); trained && trained != looped) {
            viewer->selectRun(trained->run.id);
            waitUntil([&] { return viewer->runInfo().run == trained->run.id; }, 20000);
        }
        if (viewer->snapshotSlider()->maximum() > 0) {
            viewer->setSnapshotMode(true);
            viewer->setSnapshotIndex(viewer->snapshotSlider()->maximum() / 3);
            waitUntil([&] { return viewer->grid()->iterationCount() > 0; }, 20000);
            viewer->setSnapshotProblem(viewer->snapshotProblemCount() - 1); // the longest
            viewer->goTo(2);
            ok &= save(QStringLiteral("iterations-snapshots.png"));
            viewer->setSnapshotMode(false);
        }
    }

    views->showHitMatrices(true);
    HitMatrixView* matrices = views->hitMatrices();
    matrices->setLength(looped ? trainLengthMax(*looped) + 2 : 6);
    waitUntil([&] { return matrices->left()->loaded() && matrices->right()->loaded(); }, 20000);
    ok &= save(QStringLiteral("hit-matrix.png"));
    views->showHitMatrices(false);

    ChainInspector* chains = views->chains();
    window.showView(MainWindow::View::Chains);
    if (looped)
        chains->selectRun(looped->run.id);
    waitUntil([&] { return chains->loaded(); }, 30000);
    chains->setVerdictFilter(ChainFilter::Wrong);
    if (chains->shownCount() > 0)
        chains->selectChain(0);
    ok &= save(QStringLiteral("chains.png"));
    chains->setVerdictFilter(ChainFilter::All);

    window.showView(MainWindow::View::FineTuning);
    ok &= save(QStringLiteral("finetune.png"));
    return ok;
}

} // namespace relay
