// MainWindow: what happens when engine jobs start, report and end.
#include "job_runner.h"
#include "jobs_panel.h"
#include "main_window.h"
#include "run_comparison_view.h"
#include "run_table_model.h"
#include "store_access.h"
#include "training_dashboard.h"
#include "welcome_page.h"

#include <QDockWidget>
#include <QJsonArray>
#include <QLabel>
#include <QMessageBox>
#include <QStatusBar>

namespace relay {

void MainWindow::onJobStarted(Job* job) {
    // The newest job is the one the user is watching: its runs open in the dashboard.
    m_followedJob = job;
    if (welcomeShown())
        m_views->removeTab(m_views->indexOf(m_welcome));
    if (auto* dock = findChild<QDockWidget*>(QStringLiteral("jobsDock")))
        dock->show();
    statusBar()->showMessage(tr("Started %1").arg(job->label()), 5000);
    updateStatusBar();
}

void MainWindow::onJobEvent(Job* job, const JobEvent& event) {
    if (event.type == QLatin1String("started")) {
        refreshRuns();
        if (job == m_followedJob) {
            openRun(event.run);
            showView(View::Dashboard);
        }
        updateJobState();
    } else if (event.type == QLatin1String("step") && event.run == m_dashboard->currentRun()) {
        const QJsonObject& body = event.body;
        m_dashboard->showProgress(body.value(QLatin1String("step")).toInteger(),
                                  body.value(QLatin1String("total_steps")).toInteger(),
                                  body.value(QLatin1String("examples_per_second")).toDouble(),
                                  body.value(QLatin1String("eta_seconds")).toDouble());
    } else if (event.type == QLatin1String("stage") &&
               event.body.contains(QLatin1String("report"))) {
        // The pipeline's closing table: show its runs side by side.
        QList<qint64> runs;
        const QJsonObject report = event.body.value(QLatin1String("report")).toObject();
        for (const QJsonValue& column : report.value(QLatin1String("columns")).toArray()) {
            const qint64 run = column.toObject().value(QLatin1String("run")).toInteger(-1);
            if (run >= 0 && !runs.contains(run))
                runs.append(run);
        }
        refreshRuns();
        if (!runs.isEmpty() && job == m_followedJob)
            compareRuns(runs);
    } else if (event.type == QLatin1String("eval") || event.type == QLatin1String("finished")) {
        refreshRuns();
        if (event.run == m_dashboard->currentRun())
            m_store->requestRun(event.run);
    }
}

void MainWindow::onJobEnded(Job* job) {
    refreshRuns();
    if (job->runs().contains(m_dashboard->currentRun()))
        m_store->requestRun(m_dashboard->currentRun()); // the final state of its curves
    updateJobState();
    updateStatusBar();
    switch (job->state()) {
    case Job::State::Finished:
        statusBar()->showMessage(tr("%1 finished").arg(job->label()), 10000);
        break;
    case Job::State::Cancelled:
        statusBar()->showMessage(
            tr("%1 cancelled; a checkpoint was written, Resume continues it").arg(job->label()),
            10000);
        break;
    default:
        showJobFailure(job);
        break;
    }
}

void MainWindow::showJobFailure(Job* job) {
    // Not modal: the window (and other jobs) carry on while the message is up.
    if (m_failureBox)
        m_failureBox->close();
    m_failureBox =
        new QMessageBox(QMessageBox::Critical, tr("Job failed"),
                        tr("<b>%1</b> failed: %2")
                            .arg(job->label().toHtmlEscaped(), job->errorMessage().toHtmlEscaped()),
                        QMessageBox::Close, this);
    m_failureBox->setObjectName(QStringLiteral("jobFailureDialog"));
    m_failureBox->setAttribute(Qt::WA_DeleteOnClose);
    m_failureBox->setModal(false);
    m_failureBox->setDetailedText(job->lastLines(30).join(QLatin1Char('\n')));
    m_failureRun = job->run();
    m_failureBox->setInformativeText(
        job->run() >= 0
            ? tr("Run %1: its status follows from the store.").arg(job->run())
            : tr("No run was created: fix what the message names (in Experiment setup or the "
                 "engine path under Settings) and launch again."));
    m_failureBox->show();
    m_jobsPanel->selectJob(job);
    statusBar()->showMessage(tr("%1 failed: %2").arg(job->label(), job->errorMessage()), 15000);
}

void MainWindow::updateJobState() {
    Job* job = m_jobs->activeJobForRun(m_dashboard->currentRun());
    m_dashboard->setJobState(job != nullptr, job && job->state() == Job::State::Paused);
    m_dashboard->setLive(job != nullptr);
}

void MainWindow::updateStatusBar() {
    const int active = m_jobs->activeCount();
    m_jobsLabel->setText(active == 0 ? tr("No jobs running")
                                     : tr("%n job(s) running", nullptr, active));
}

void MainWindow::resumeRun(qint64 run) {
    if (run < 0)
        return;
    if (m_jobs->activeJobForRun(run)) {
        statusBar()->showMessage(tr("Run %1 is already running").arg(run), 5000);
        return;
    }
    m_jobs->startResume(run);
}

} // namespace relay
