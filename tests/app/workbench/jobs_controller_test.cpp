// The jobs controller on its own: a stand-in engine (a shell script printing the engine's
// --json lines) drives it, and the signals say what the window is told to do.
#include "widget_test_support.h"

#include "job_runner.h"
#include "jobs_controller.h"

#include <gtest/gtest.h>

#include <QSignalSpy>
#include <QTemporaryDir>

using namespace relay;

class JobsControllerTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_folder.isValid());
        m_runner =
            std::make_unique<JobRunner>(QStringLiteral("/bin/sh"), m_folder.filePath("runs.db"));
        m_controller = std::make_unique<JobsController>(m_runner.get());
    }

    // `sh -c SCRIPT` as the engine (the runner's `--db STORE --json` become $0, $1, $2).
    Job* runScript(const QString& script) {
        return m_controller->runner()->start({QStringLiteral("-c"), script},
                                             QStringLiteral("script"));
    }
    static bool waitEnded(Job* job) {
        return test::waitFor([job] { return !job->active(); }, 20000);
    }

    QTemporaryDir m_folder;
    std::unique_ptr<JobRunner> m_runner;
    std::unique_ptr<JobsController> m_controller;
};

namespace {

QString echoLines(const QStringList& lines) {
    QString script;
    for (const QString& line : lines)
        script += QStringLiteral("echo '%1'; ").arg(line);
    return script;
}

} // namespace

TEST_F(JobsControllerTest, FollowsTheNewestJobsRunAndReportsItsProgress) {
    QSignalSpy followed(m_controller.get(), &JobsController::followedRunStarted);
    QSignalSpy progress(m_controller.get(), &JobsController::progress);
    QSignalSpy updated(m_controller.get(), &JobsController::runUpdated);
    QSignalSpy finished(m_controller.get(), &JobsController::jobFinished);
    QSignalSpy failed(m_controller.get(), &JobsController::jobFailed);
    Job* job = runScript(echoLines(
        {R"({"event":"started","run":7,"total_steps":30})",
         R"({"event":"step","run":7,"step":10,"total_steps":30,"examples_per_second":250.5,)"
         R"("eta_seconds":4.5})",
         R"({"event":"eval","run":7,"step":10,"stopping":"oracle"})",
         R"({"event":"finished","run":7,"status":"finished"})"}));
    ASSERT_TRUE(waitEnded(job)) << job->log().join('\n').toStdString();
    EXPECT_EQ(m_controller->followedJob(), job);
    ASSERT_EQ(followed.size(), 1);
    EXPECT_EQ(followed[0][0].toLongLong(), 7);
    ASSERT_EQ(progress.size(), 1);
    EXPECT_EQ(progress[0][0].toLongLong(), 7);
    EXPECT_EQ(progress[0][1].toLongLong(), 10);
    EXPECT_EQ(progress[0][2].toLongLong(), 30);
    EXPECT_DOUBLE_EQ(progress[0][3].toDouble(), 250.5);
    EXPECT_DOUBLE_EQ(progress[0][4].toDouble(), 4.5);
    // eval, finished, and the job's end each update run 7 (the shown run reloads from them).
    ASSERT_EQ(updated.size(), 3);
    for (const QList<QVariant>& arguments : updated)
        EXPECT_EQ(arguments[0].toLongLong(), 7);
    EXPECT_EQ(finished.size(), 1);
    EXPECT_EQ(failed.size(), 0);
}

TEST_F(JobsControllerTest, OnlyTheFollowedPipelineOpensItsRunsInTheComparison) {
    const QString report =
        R"({"event":"stage","stage":"report","report":{"columns":[{"run":3},{"run":4},)"
        R"({"run":3},{"label":"no run"}]}})";
    QSignalSpy followed(m_controller.get(), &JobsController::followedRunStarted);
    QSignalSpy reported(m_controller.get(), &JobsController::pipelineReported);
    // The older job reports only after the newer one started: nobody follows it any more.
    Job* older = runScript(QStringLiteral("sleep 1; ") +
                           echoLines({R"({"event":"started","run":1})", report}));
    Job* newer = runScript(echoLines({R"({"event":"started","run":2})", report}));
    ASSERT_TRUE(waitEnded(newer));
    ASSERT_TRUE(waitEnded(older));
    ASSERT_EQ(followed.size(), 1);
    EXPECT_EQ(followed[0][0].toLongLong(), 2);
    ASSERT_EQ(reported.size(), 1);
    EXPECT_EQ(reported[0][0].value<QList<qint64>>(), QList<qint64>({3, 4}));
}

TEST_F(JobsControllerTest, TellsFailedFromCancelledJobs) {
    QSignalSpy failed(m_controller.get(), &JobsController::jobFailed);
    QSignalSpy cancelled(m_controller.get(), &JobsController::jobCancelled);
    Job* bad = runScript(QStringLiteral("echo 'error: model.heads must divide' >&2; exit 2"));
    ASSERT_TRUE(waitEnded(bad));
    ASSERT_EQ(failed.size(), 1);
    EXPECT_EQ(failed[0][0].value<Job*>(), bad);
    EXPECT_EQ(cancelled.size(), 0);

    // A run that checkpoints and ends as cancelled on SIGTERM, as the engine does.
    Job* slow = runScript(
        echoLines({R"({"event":"started","run":5})"}) +
        QStringLiteral("sleep 30 & pid=$!; trap 'kill $pid; echo "
                       "'\\''{\"event\":\"finished\",\"run\":5,\"status\":\"cancelled\"}'\\''; "
                       "exit 3' TERM; wait"));
    ASSERT_TRUE(test::waitFor([slow] { return slow->run() == 5; }, 20000));
    QSignalSpy already(m_controller.get(), &JobsController::alreadyRunning);
    const int jobsBefore = m_controller->runner()->jobs().size();
    m_controller->resumeRun(5); // still training: no second job on the same run
    ASSERT_EQ(already.size(), 1);
    EXPECT_EQ(already[0][0].toLongLong(), 5);
    EXPECT_EQ(m_controller->runner()->jobs().size(), jobsBefore);
    m_controller->cancelRun(5);
    ASSERT_TRUE(waitEnded(slow)) << slow->log().join('\n').toStdString();
    EXPECT_EQ(slow->state(), Job::State::Cancelled) << slow->log().join('\n').toStdString();
    ASSERT_EQ(cancelled.size(), 1);
    EXPECT_EQ(cancelled[0][0].value<Job*>(), slow);
    EXPECT_EQ(failed.size(), 1);
}
