// Engine jobs from the window: a run launched from the setup view completes while its curves
// grow, cancel and resume work, and a job with a bad config reports its error while the window
// stays up.
#include "widget_test_support.h"

#include "curve_plot.h"
#include "experiment_form.h"
#include "experiment_setup_view.h"
#include "job_runner.h"
#include "jobs_panel.h"
#include "main_window.h"
#include "run_comparison_view.h"
#include "run_table_model.h"
#include "store/run_store.h"
#include "training_dashboard.h"
#include "welcome_page.h"

#include <gtest/gtest.h>

#include <QPushButton>
#include <QSet>
#include <QTabWidget>
#include <QTemporaryDir>
#include <qcustomplot.h>

#include <algorithm>
#include <utility>
#include <vector>

using namespace relay;

class Jobs : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_folder.isValid());
        MainWindow::Options options;
        options.storePath = m_folder.filePath("runs.db");
        options.enginePath = test::enginePath();
        options.rememberLayout = false;
        m_window = std::make_unique<MainWindow>(options);
        m_window->resize(1400, 900);
        m_window->show();
        ASSERT_TRUE(test::waitFor([this] { return m_window->welcomeShown(); }, 10000))
            << "an empty store shows the welcome page";
    }

    // The tiny config through the setup form, as a user would type it.
    void setTinyConfig(int steps) {
        ExperimentForm* form = m_window->setup()->form();
        for (const QString& assignment : test::tinyOverrides(steps)) {
            const QString key = assignment.section('=', 0, 0);
            form->setValue(key, nlohmann::json::parse(assignment.section('=', 1).toStdString()));
        }
        ASSERT_TRUE(form->isValid()) << form->error().toStdString();
    }

    Job* lastJob() const { return m_window->jobs()->jobs().last(); }

    QTemporaryDir m_folder;
    std::unique_ptr<MainWindow> m_window;
};

TEST_F(Jobs, RunLaunchedFromSetupCompletesAndItsCurvesGrow) {
    setTinyConfig(60);
    m_window->showView(MainWindow::View::Setup);
    m_window->setup()->launchButton("looped")->click();
    ASSERT_EQ(m_window->jobs()->jobs().size(), 1);
    Job* job = lastJob();
    EXPECT_FALSE(m_window->welcomeShown());
    TrainingDashboard* dashboard = m_window->dashboard();
    QSet<int> seenCounts;
    ASSERT_TRUE(test::waitFor(
        [&] {
            if (dashboard->lossPlot()->seriesCount() > 0)
                seenCounts.insert(dashboard->lossPlot()->pointCount(0));
            return !job->active();
        },
        120000));
    ASSERT_EQ(job->state(), Job::State::Finished) << job->errorMessage().toStdString();
    EXPECT_EQ(dashboard->currentRun(), job->run()); // the dashboard followed the new run
    ASSERT_TRUE(test::waitFor([&] {
        return dashboard->lossPlot()->seriesCount() > 0 &&
               dashboard->lossPlot()->pointCount(0) == 60;
    }));
    seenCounts.remove(0);
    EXPECT_GE(seenCounts.size(), 2) << "the curve grew while the run was training";
    // One accuracy curve per test length (1..5), each the store's oracle answer accuracy of
    // that length at every evaluation (steps 10..60): catches curves keyed by the wrong length,
    // drawn from the adaptive rows, or missing the evaluations that came in while training.
    CurvePlot* accuracy = dashboard->accuracyPlot();
    ASSERT_TRUE(test::waitFor([&] {
        return accuracy->seriesCount() == 5 && accuracy->pointCount(0) == 6 &&
               accuracy->pointCount(4) == 6;
    }));
    const auto evals = RunStore(m_window->store()->path().toStdString()).evals(job->run());
    for (int length = 1; length <= 5; ++length) {
        const QCPGraph* line = test::namedGraph(accuracy, accuracy->seriesName(length - 1));
        ASSERT_NE(line, nullptr) << length;
        std::vector<std::pair<double, double>> drawn, stored;
        for (auto point = line->data()->constBegin(); point != line->data()->constEnd(); ++point)
            drawn.emplace_back(point->key, point->value);
        for (const EvalRecord& eval : evals)
            if (eval.length == length && eval.stopping == "oracle")
                stored.emplace_back(static_cast<double>(eval.step), eval.answerAccuracy);
        std::sort(stored.begin(), stored.end());
        EXPECT_EQ(stored.size(), 6u) << "length " << length;
        EXPECT_EQ(drawn, stored) << "length " << length;
    }
    ASSERT_TRUE(test::waitFor([&] {
        const RunRow* row = m_window->runModel()->findRun(job->run());
        return row && row->run.status == RunStatus::Finished;
    }));
}

TEST_F(Jobs, CancelThenResumeFromTheDashboard) {
    setTinyConfig(100000); // far longer than the test waits
    m_window->setup()->launchButton("looped")->click();
    Job* job = lastJob();
    ASSERT_TRUE(test::waitFor([&] { return job->step() >= 3; }, 120000))
        << job->log().join('\n').toStdString();
    const qint64 run = job->run();
    ASSERT_EQ(m_window->dashboard()->currentRun(), run);
    Q_EMIT m_window->dashboard()->cancelRequested(run); // what the Cancel button sends
    ASSERT_TRUE(test::waitFor([&] { return !job->active(); }, 60000));
    EXPECT_EQ(job->state(), Job::State::Cancelled) << job->errorMessage().toStdString();
    ASSERT_TRUE(test::waitFor([&] {
        const RunRow* row = m_window->runModel()->findRun(run);
        return row && row->run.status == RunStatus::Cancelled;
    }));

    Q_EMIT m_window->dashboard()->resumeRequested(run);
    Job* resumed = lastJob();
    ASSERT_NE(resumed, job);
    ASSERT_TRUE(test::waitFor([&] { return resumed->step() > job->step(); }, 120000))
        << resumed->log().join('\n').toStdString();
    EXPECT_EQ(resumed->run(), run);
    resumed->cancel();
    ASSERT_TRUE(test::waitFor([&] { return !resumed->active(); }, 60000));
    EXPECT_EQ(resumed->state(), Job::State::Cancelled);
}

TEST_F(Jobs, AJobWithABadConfigShowsItsErrorAndTheWindowStaysUp) {
    Job* job = m_window->jobs()->startPreset("cpu-quick-ari", "looped",
                                             {"model.hidden_size=16", "model.heads=3"});
    ASSERT_TRUE(test::waitFor([&] { return !job->active(); }, 60000));
    EXPECT_EQ(job->state(), Job::State::Failed);
    EXPECT_EQ(job->exitCode(), 2);
    EXPECT_TRUE(job->errorMessage().contains("model.heads")) << job->errorMessage().toStdString();
    ASSERT_TRUE(test::waitFor([&] { return m_window->failureDialog() != nullptr; }, 5000));
    EXPECT_TRUE(m_window->failureDialog()->isVisible());
    EXPECT_TRUE(m_window->failureDialog()->text().contains("model.heads"));
    EXPECT_TRUE(m_window->jobsPanel()->detailsText().contains("model.heads"));
    EXPECT_TRUE(m_window->isVisible());
    // The window still works: another (good) job runs after the failure.
    setTinyConfig(10);
    m_window->setup()->launchButton("ar")->click();
    Job* next = lastJob();
    ASSERT_TRUE(test::waitFor([&] { return !next->active(); }, 120000));
    EXPECT_EQ(next->state(), Job::State::Finished) << next->errorMessage().toStdString();
}

TEST_F(Jobs, AMissingEngineIsReportedNotFatal) {
    m_window->jobs()->setEngine({});
    Job* job = m_window->jobs()->startResume(1);
    EXPECT_EQ(job->state(), Job::State::Failed);
    EXPECT_TRUE(job->errorMessage().contains("not found"));
    EXPECT_TRUE(m_window->isVisible());
}

TEST_F(Jobs, WholePipelineFromSetupEndsInTheComparison) {
    setTinyConfig(20);
    ExperimentForm* form = m_window->setup()->form();
    form->setValue("test_lengths.max", 6);
    form->setValue("stage2.steps", 10);
    form->setValue("stage2.generated_samples", 50);
    // Presets may give the pipeline's baselines their own step counts: keep them tiny too.
    for (const char* key : {"pipeline.vanilla_steps", "pipeline.ar_steps", "stage2.round_steps"})
        if (form->editor(key))
            form->setValue(key, 20);
    ASSERT_TRUE(form->isValid()) << form->error().toStdString();
    m_window->setup()->launchButton("pipeline")->click();
    Job* job = lastJob();
    EXPECT_EQ(job->arguments().mid(0, 3), QStringList({"pipeline", "--preset", "cpu-quick-ari"}));
    ASSERT_TRUE(test::waitFor([&] { return !job->active(); }, 120000));
    ASSERT_EQ(job->state(), Job::State::Finished) << job->errorMessage().toStdString();
    // The stages cpu-quick-ari's pipeline runs (pipeline.self_chain off; label_free_filter and
    // verified_only_ablation on, stage2.verified_only off), one run each: looped, looped-vanilla,
    // AR, and the AR fine-tunes on all chains, on the label-free kept chains and on the verified
    // chains; then stage2.rounds (2) self-improvement rounds, a looped run each. A missing or
    // extra stage changes the count.
    constexpr int kPipelineRuns = 8;
    EXPECT_EQ(job->runs().size(), kPipelineRuns);
    EXPECT_TRUE(job->log().join('\n').contains("answer accuracy by length"));
    // The closing report opens the comparison with the pipeline's runs, the rounds' included.
    EXPECT_EQ(m_window->views()->currentWidget(), m_window->comparison());
    ASSERT_TRUE(test::waitFor([&] { return m_window->comparison()->allLoaded(); }));
    // One accuracy line per run (each run its own seed group: no two share a config).
    EXPECT_EQ(m_window->comparison()->accuracyPlot()->graphCount(), kPipelineRuns);
}

TEST_F(Jobs, WelcomePageStartsTheCpuQuickPipelineInOneClick) {
    m_window->showView(MainWindow::View::Welcome);
    m_window->welcome()->pipelineButton()->click();
    ASSERT_EQ(m_window->jobs()->jobs().size(), 1);
    Job* job = lastJob();
    EXPECT_EQ(job->arguments().mid(0, 3), QStringList({"pipeline", "--preset", "cpu-quick-ari"}));
    // The full CPU-quick pipeline takes long: cancel once it has started training, which comes
    // after generating the preset's 600,000 training problems (tens of seconds on a busy
    // machine, three stages at once).
    ASSERT_TRUE(test::waitFor([&] { return job->run() >= 0 || !job->active(); }, 300000));
    job->cancel();
    ASSERT_TRUE(test::waitFor([&] { return !job->active(); }, 120000));
    EXPECT_EQ(job->state(), Job::State::Cancelled) << job->errorMessage().toStdString();
}
