// Hit matrix, chain inspector and fine-tuning launcher against a tiny real store: dimensions
// from the store, filters, an export that `relay data verify` re-imports, and the launcher
// running both engine stages through the main window.
#include "inspection_test_store.h"
#include "widget_test_support.h"

#include "chain_inspector.h"
#include "chain_inspector_wiring.h"
#include "finetune_jobs.h"
#include "finetune_launcher.h"
#include "hit_matrix_panel.h"
#include "hit_matrix_view.h"
#include "inspection_views.h"
#include "job.h"
#include "main_window.h"
#include "qcustomplot_include.h"
#include "run_comparison_view.h"
#include "run_table_model.h"
#include "store/run_store.h"
#include "tasks/task.h"

#include <gtest/gtest.h>

#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>

#include <nlohmann/json.hpp>

namespace relay {
namespace {

TEST(HitMatrixView, HasTheStoredDimensions) {
    const QString path = test::inspectionStorePath();
    RunStore runs(path.toStdString());
    const HitMatrixRecord stored = runs.hitMatrix(1, 3);
    ASSERT_FALSE(stored.cells.empty()) << "the tiny run stored no hit matrix of length 3";
    int rows = 0, columns = 0;
    for (const HitCell& cell : stored.cells) {
        rows = std::max(rows, cell.cotStep);
        columns = std::max(columns, cell.position + 1);
    }
    StoreAccess store(path);
    HitMatrixView view(&store);
    view.resize(1200, 600);
    view.show();
    view.setRuns(test::storeRows(path));
    view.left()->selectRun(1);
    view.setLength(3);
    HitMatrixPanel* panel = view.left();
    ASSERT_TRUE(test::waitFor([&] { return panel->loaded() && panel->rowCount() > 0; }));
    EXPECT_EQ(panel->rowCount(), rows);
    EXPECT_EQ(panel->columnCount(), columns);
    EXPECT_EQ(panel->colorMap()->data()->keySize(), columns);
    EXPECT_EQ(panel->colorMap()->data()->valueSize(), rows);
    // Every cell holds its stored accuracy, and the hover over it names that cell's own
    // numbers: catches rows and columns swapped, an off-by-one CoT step, or a hover that reads
    // the neighbouring cell. Off the matrix the hover is empty.
    for (const HitCell& cell : stored.cells) {
        EXPECT_DOUBLE_EQ(panel->valueAt(cell.cotStep, cell.position), cell.accuracy);
        EXPECT_EQ(panel->hoverText(cell.position, cell.cotStep),
                  QStringLiteral("step %1, position %2: accuracy %3 (%4 samples)")
                      .arg(cell.cotStep)
                      .arg(cell.position)
                      .arg(cell.accuracy, 0, 'f', 3)
                      .arg(cell.samples));
    }
    EXPECT_TRUE(panel->hoverText(columns + 1, 1).isEmpty());
    EXPECT_FALSE(panel->computeButton()->isVisible());

    view.setLength(40); // never evaluated: the engine is offered
    ASSERT_TRUE(test::waitFor([&] { return panel->loaded(); }));
    EXPECT_EQ(panel->rowCount(), 0);
    EXPECT_TRUE(panel->computeButton()->isVisible());
}

// Adds a chain that is right (the solver's own) and one with a wrong first step, so both
// filters have a chain every format can hold (the tiny model's own chains often have an empty
// step, which neither format can write).
void addKnownChains(const QString& path) {
    RunStore store(path.toStdString());
    const auto task = makeTask("ari");
    const Problem truth = task->solve(splitTokens("( 3 + 4 ) * 2 ="));
    ChainRecord chain;
    chain.task = "ari";
    chain.length = truth.complexity;
    chain.input = joinTokens(truth.input);
    auto steps = nlohmann::json::array();
    for (const Tokens& step : truth.steps)
        steps.push_back(joinTokens(step));
    chain.stepsJson = steps.dump();
    chain.answer = truth.answer;
    chain.verified = true;
    chain.answerCorrect = true;
    ChainRecord wrong = chain;
    Tokens first = truth.steps.front();
    first.front() = first.front() == "5" ? "6" : "5";
    steps[0] = joinTokens(first);
    wrong.stepsJson = steps.dump();
    wrong.verified = false;
    wrong.firstWrongStep = 1;
    store.addChains(1, {chain, wrong});
}

TEST(ChainInspector, FiltersAndItsExportReimports) {
    QTemporaryDir folder;
    const QString path = test::copyInspectionStore(folder.path());
    addKnownChains(path);
    const auto chains = RunStore(path.toStdString()).chains(1);
    ASSERT_GT(chains.size(), 1u);

    StoreAccess store(path);
    ChainInspector inspector;
    wireChainInspector(&inspector, &store);
    inspector.resize(1300, 800);
    inspector.show();
    inspector.setRuns(test::storeRows(path));
    inspector.selectRun(1);
    ASSERT_TRUE(test::waitFor([&] { return inspector.loaded(); }));
    EXPECT_EQ(inspector.reviews().size(), chains.size());
    EXPECT_EQ(inspector.shownCount(), static_cast<int>(chains.size()));

    const int length = chains.front().length;
    const auto count = [&](auto keep) {
        return static_cast<int>(std::count_if(chains.begin(), chains.end(), keep));
    };
    inspector.setLengthFilter(length);
    EXPECT_EQ(inspector.shownCount(),
              count([&](const ChainRecord& chain) { return chain.length == length; }));
    for (int row = 0; row < inspector.shownCount(); ++row)
        EXPECT_EQ(inspector.shownChain(row)->chain.length, length);
    inspector.setLengthFilter(0);
    inspector.setVerdictFilter(ChainFilter::Wrong);
    EXPECT_EQ(inspector.shownCount(),
              count([](const ChainRecord& chain) { return !chain.verified; }));
    inspector.setVerdictFilter(ChainFilter::Verified);
    const int verified = count([](const ChainRecord& chain) { return chain.verified; });
    ASSERT_EQ(inspector.shownCount(), verified);
    ASSERT_GE(verified, 1);
    // The per-length bars add up to every chain.
    int total = 0;
    for (const LengthCorrectness& row : inspector.correctness())
        total += row.chains;
    EXPECT_EQ(total, static_cast<int>(chains.size()));
    // Each length's token accuracy is the mean over its measured chains; the known chains
    // added above were never measured (-1) and stay out of it.
    for (const LengthCorrectness& row : inspector.correctness()) {
        double sum = 0;
        int measured = 0;
        for (const ChainRecord& chain : chains)
            if (chain.length == row.length && chain.tokenAccuracy >= 0) {
                sum += chain.tokenAccuracy;
                ++measured;
            }
        if (measured > 0)
            EXPECT_NEAR(row.tokenAccuracy, sum / measured, 1e-12) << "length " << row.length;
        else
            EXPECT_LT(row.tokenAccuracy, 0) << "length " << row.length;
    }

    // The verified set re-imports and verifies (exit 0), in both formats.
    const QString jsonl = folder.filePath(QStringLiteral("verified.jsonl"));
    const QString text = folder.filePath(QStringLiteral("verified.txt"));
    ASSERT_TRUE(inspector.exportTo(jsonl, DatasetFormat::Jsonl));
    ASSERT_TRUE(inspector.exportTo(text, DatasetFormat::Cotbench));
    QString output;
    EXPECT_EQ(test::runEngine({QStringLiteral("data"), QStringLiteral("verify"), jsonl}, &output),
              0)
        << output.toStdString();
    EXPECT_EQ(test::runEngine({QStringLiteral("data"), QStringLiteral("verify"),
                               QStringLiteral("--task"), QStringLiteral("ari"), text},
                              &output),
              0)
        << output.toStdString();

    // A wrong chain is shown against the truth with its first wrong step marked, and an
    // export holding it fails verification (exit 1), not parsing (exit 2).
    inspector.setVerdictFilter(ChainFilter::Wrong);
    if (inspector.shownCount() > 0) {
        inspector.selectChain(0);
        EXPECT_TRUE(inspector.detail()->toHtml().contains(QStringLiteral("first wrong step")));
        const QString wrong = folder.filePath(QStringLiteral("wrong.jsonl"));
        int skipped = 0;
        ASSERT_TRUE(inspector.exportTo(wrong, DatasetFormat::Jsonl, nullptr, &skipped));
        EXPECT_LT(skipped, inspector.shownCount()); // chains with an empty step stay out
        EXPECT_EQ(
            test::runEngine({QStringLiteral("data"), QStringLiteral("verify"), wrong}, &output), 1)
            << output.toStdString();
    }
}

TEST(ChainInspector, RendersOnlyTheChainsItIsHandedForItsRun) {
    // No store: the inspector asks for a run's chains and shows what it is given.
    ChainInspector inspector;
    QSignalSpy requested(&inspector, &ChainInspector::chainsRequested);
    RunRow looped;
    looped.run.id = 4;
    looped.run.kind = RunKind::Looped;
    RunRow ar;
    ar.run.id = 5;
    ar.run.kind = RunKind::Ar;
    inspector.setRuns({looped, ar});
    EXPECT_EQ(inspector.currentRun(), 4); // AR runs write no chains
    ASSERT_EQ(requested.size(), 1);
    EXPECT_EQ(requested[0][0].toLongLong(), 4);
    EXPECT_FALSE(inspector.loaded());

    std::vector<ChainReview> reviews(3);
    const int lengths[] = {2, 2, 3};
    const bool verified[] = {true, false, true};
    for (std::size_t i = 0; i < reviews.size(); ++i) {
        reviews[i].chain.id = static_cast<std::int64_t>(i + 1);
        reviews[i].chain.length = lengths[i];
        reviews[i].chain.verified = verified[i];
        reviews[i].chain.answerCorrect = verified[i];
    }
    inspector.setChains(9, reviews, "{}"); // an answer for a run no longer chosen
    EXPECT_FALSE(inspector.loaded());
    inspector.setChains(4, reviews, "{}");
    ASSERT_TRUE(inspector.loaded());
    EXPECT_EQ(inspector.shownCount(), 3);
    ASSERT_EQ(inspector.correctness().size(), 2u);
    EXPECT_EQ(inspector.correctness()[0].length, 2);
    EXPECT_EQ(inspector.correctness()[0].chains, 2);
    EXPECT_EQ(inspector.correctness()[0].verified, 1);
    EXPECT_EQ(inspector.correctness()[1].chains, 1);
    inspector.setVerdictFilter(ChainFilter::Wrong);
    ASSERT_EQ(inspector.shownCount(), 1);
    EXPECT_EQ(inspector.shownChain(0)->chain.id, 2);

    inspector.reload(); // asks again
    ASSERT_EQ(requested.size(), 2);
    EXPECT_FALSE(inspector.loaded());
}

TEST(FineTuneLauncher, StartsGenerationThenTheFineTune) {
    QTemporaryDir folder;
    const QString path = test::copyInspectionStore(folder.path());
    MainWindow::Options options;
    options.storePath = path;
    options.enginePath = test::enginePath();
    options.rememberLayout = false;
    MainWindow window(options);
    window.show();
    ASSERT_TRUE(test::waitFor([&] { return window.runModel()->rowCount() >= 2; }));
    auto* views = window.findChild<InspectionViews*>();
    ASSERT_NE(views, nullptr);
    FineTuneLauncher* launcher = views->launcher();
    window.showView(MainWindow::View::FineTuning);
    EXPECT_EQ(window.views()->currentWidget(), launcher);
    ASSERT_TRUE(test::waitFor([&] { return launcher->launchButton()->isEnabled(); }));
    launcher->selectGenerator(1);
    launcher->selectBaseline(2);
    launcher->setSteps(4);
    launcher->setChainSelection(ChainSelection::LabelFree); // the real engine must take it
    // The Stage II sample count is the user's to choose; relay generate gets it as --set.
    auto* samples = launcher->findChild<QSpinBox*>(QStringLiteral("fineTuneSamples"));
    ASSERT_NE(samples, nullptr);
    ASSERT_TRUE(samples->isEnabled());
    samples->setValue(24);
    launcher->launch();
    ASSERT_NE(views->fineTuneJobs()->generateJob(), nullptr);
    const QStringList generateArguments = views->fineTuneJobs()->generateJob()->arguments();
    EXPECT_EQ(generateArguments.value(0), QStringLiteral("generate"));
    EXPECT_TRUE(generateArguments.contains(QStringLiteral("stage2.generated_samples=24")))
        << generateArguments.join(' ').toStdString();
    ASSERT_TRUE(
        test::waitFor([&] { return views->fineTuneJobs()->fineTuneJob() != nullptr; }, 120000));
    EXPECT_EQ(launcher->stageState(FineTuneLauncher::Stage::Generate),
              FineTuneLauncher::StageState::Finished);
    EXPECT_EQ(RunStore(path.toStdString()).chains(1).size(), 24u);
    const QStringList arguments = views->fineTuneJobs()->fineTuneJob()->arguments();
    EXPECT_EQ(arguments.value(0), QStringLiteral("finetune"));
    EXPECT_TRUE(arguments.contains(QStringLiteral("training.steps=4")));
    EXPECT_EQ(arguments.value(arguments.indexOf(QStringLiteral("--chains")) + 1),
              QStringLiteral("label-free"));
    ASSERT_TRUE(test::waitFor([&] { return !launcher->running(); }, 180000));
    EXPECT_EQ(launcher->stageState(FineTuneLauncher::Stage::FineTune),
              FineTuneLauncher::StageState::Finished)
        << views->fineTuneJobs()->fineTuneJob()->lastLines(10).join('\n').toStdString();
    // The comparison of the baseline and the fine-tuned run opens.
    const QList<qint64> compared = window.comparison()->selectedRuns();
    EXPECT_TRUE(compared.contains(2));
    EXPECT_EQ(compared.size(), 2);
    const auto runs = RunStore(path.toStdString()).runs();
    EXPECT_TRUE(std::any_of(runs.begin(), runs.end(), [](const RunRecord& run) {
        return run.kind == RunKind::ArRelay && run.status == RunStatus::Finished;
    }));
}

} // namespace
} // namespace relay
