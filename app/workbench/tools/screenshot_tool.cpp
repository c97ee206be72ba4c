#include "screenshot_tool.h"

#include "closed_set_text.h"

#include "event_wait.h"
#include "experiment_form.h"
#include "experiment_setup_view.h"
#include "run_comparison_view.h"
#include "run_history_view.h"
#include "run_table_model.h"
#include "screenshot_inspection.h"
#include "training_dashboard.h"
#include "welcome_page.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QMap>
#include <QSet>
#include <QTabWidget>

#include <cstdio>

namespace relay {

namespace {

void settle() {
    // Queued replots and layout passes.
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 400)
        QApplication::processEvents(QEventLoop::AllEvents, 50);
}

bool save(QWidget& window, const QString& folder, const QString& name) {
    settle();
    const QString path = QDir(folder).filePath(name);
    const bool ok = window.grab().save(path, "PNG");
    std::printf("%s %s\n", ok ? "wrote" : "FAILED to write", qPrintable(path));
    return ok;
}

// The richest run for the dashboard: the newest finished looped run, else the newest run.
qint64 dashboardRun(const QVector<RunRow>& rows) {
    for (const RunRow& row : rows)
        if (row.run.kind == RunKind::Looped && row.run.status == RunStatus::Finished &&
            row.summary.lastEvaluatedStep >= 0)
            return row.run.id;
    return rows.isEmpty() ? -1 : rows.first().run.id;
}

// Up to four evaluated runs for the comparison, different kinds first.
QList<qint64> comparisonRuns(const QVector<RunRow>& rows) {
    QList<qint64> runs;
    QSet<QString> kinds;
    for (const RunRow& row : rows)
        if (row.summary.lastEvaluatedStep >= 0 && runs.size() < 4 &&
            !kinds.contains(screenText(row.run.kind))) {
            runs.append(row.run.id);
            kinds.insert(screenText(row.run.kind));
        }
    for (const RunRow& row : rows)
        if (row.summary.lastEvaluatedStep >= 0 && runs.size() < 3 && !runs.contains(row.run.id))
            runs.append(row.run.id);
    return runs;
}

// The longest chain of looped runs each fine-tuned from the one before (a pipeline's
// self-improvement rounds), oldest first; empty when no looped run has a looped parent.
QList<qint64> roundChain(const QVector<RunRow>& rows) {
    QMap<qint64, const RunRecord*> looped;
    for (const RunRow& row : rows)
        if (row.run.kind == RunKind::Looped)
            looped.insert(row.run.id, &row.run);
    QList<qint64> longest;
    for (const RunRecord* run : std::as_const(looped)) {
        QList<qint64> chain = {run->id};
        for (auto parent = run->parentRun;
             parent && looped.contains(*parent) && !chain.contains(*parent) && chain.size() < 100;
             parent = looped.value(*parent)->parentRun)
            chain.prepend(*parent);
        if (chain.size() > longest.size())
            longest = chain;
    }
    return longest.size() > 1 ? longest : QList<qint64>{};
}

} // namespace

int takeScreenshots(const MainWindow::Options& options, const QString& folder,
                    bool inspectionViews) {
    if (!QDir().mkpath(folder)) {
        std::fprintf(stderr, "cannot create %s\n", qPrintable(folder));
        return 1;
    }
    MainWindow window(options);
    window.resize(1600, 1000);
    window.show();
    bool refreshed = false;
    QObject::connect(&window, &MainWindow::runsRefreshed, [&] { refreshed = true; });
    if (!waitUntil([&] { return refreshed; }, 20000)) {
        std::fprintf(stderr, "the run store %s did not load\n", qPrintable(options.storePath));
        return 1;
    }
    const QVector<RunRow> rows = window.runModel()->rows();
    bool ok = true;

    window.showView(MainWindow::View::Welcome);
    ok &= save(window, folder, QStringLiteral("welcome.png"));
    if (!rows.isEmpty()) // as the user sees a store with runs: no welcome tab
        window.views()->removeTab(window.views()->indexOf(window.welcome()));

    window.showView(MainWindow::View::Setup);
    ok &= save(window, folder, QStringLiteral("setup.png"));
    ExperimentForm* form = window.setup()->form();
    const nlohmann::json heads = form->document()["model"]["heads"];
    form->setValue(QStringLiteral("model.heads"), 3); // an inline validation message
    ok &= save(window, folder, QStringLiteral("setup-validation.png"));
    form->setValue(QStringLiteral("model.heads"), heads);

    const qint64 run = dashboardRun(rows);
    if (run >= 0) {
        bool loaded = false;
        QObject::connect(window.dashboard(), &TrainingDashboard::runLoaded,
                         [&](qint64 id) { loaded = loaded || id == run; });
        window.openRun(run);
        window.showView(MainWindow::View::Dashboard);
        waitUntil([&] { return loaded; }, 30000);
        window.dashboard()->setSmoothing(0.6);
        ok &= save(window, folder, QStringLiteral("dashboard.png"));
        ok &= save(window, folder, QStringLiteral("workbench.png"));
    }

    window.showView(MainWindow::View::History);
    if (run >= 0)
        window.history()->selectRun(run);
    ok &= save(window, folder, QStringLiteral("history.png"));

    const QList<qint64> compared = comparisonRuns(rows);
    if (!compared.isEmpty()) {
        window.compareRuns(compared);
        waitUntil([&] { return window.comparison()->allLoaded(); }, 30000);
        ok &= save(window, folder, QStringLiteral("comparison.png"));
        window.comparison()->setMeasure(EvalMeasure::TokenAccuracy); // the paper's Fig. 7
        ok &= save(window, folder, QStringLiteral("comparison-tokens.png"));
        window.comparison()->setMeasure(EvalMeasure::StepAccuracy); // at the first length beyond
        ok &= save(window, folder, QStringLiteral("comparison-steps.png"));
        window.comparison()->setMeasure(EvalMeasure::AnswerAccuracy);
    }
    const QList<qint64> rounds = roundChain(rows);
    if (!rounds.isEmpty()) {
        window.compareRuns(rounds);
        waitUntil([&] { return window.comparison()->allLoaded(); }, 30000);
        window.comparison()->showFrontier();
        ok &= save(window, folder, QStringLiteral("frontier.png"));
    }

    if (inspectionViews)
        ok &= screenshotInspectionViews(
            window, [&](const QString& name) { return save(window, folder, name); });
    return ok ? 0 : 1;
}

} // namespace relay
