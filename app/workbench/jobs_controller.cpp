#include "jobs_controller.h"

#include "job_runner.h"

#include <QJsonArray>

namespace relay {

JobsController::JobsController(JobRunner* runner, QObject* parent)
    : QObject(parent), m_runner(runner) {
    connect(m_runner, &JobRunner::jobStarted, this, &JobsController::onJobStarted);
    connect(m_runner, &JobRunner::jobEvent, this, &JobsController::onJobEvent);
    connect(m_runner, &JobRunner::jobEnded, this, &JobsController::onJobEnded);
    connect(m_runner, &JobRunner::jobStateChanged, this, &JobsController::activityChanged);
    connect(m_runner, &JobRunner::jobLog, this, [this](Job* job, const QString& line) {
        if (job->run() >= 0)
            Q_EMIT logLine(job->run(), line);
    });
}

void JobsController::cancelRun(qint64 run) {
    if (Job* job = m_runner->activeJobForRun(run))
        job->cancel();
}

void JobsController::setRunPaused(qint64 run, bool paused) {
    if (Job* job = m_runner->activeJobForRun(run))
        job->setPaused(paused);
}

void JobsController::resumeRun(qint64 run) {
    if (run < 0)
        return;
    if (m_runner->activeJobForRun(run)) {
        Q_EMIT alreadyRunning(run);
        return;
    }
    m_runner->startResume(run);
}

void JobsController::onJobStarted(Job* job) {
    m_followedJob = job;
    Q_EMIT jobStarted(job);
    Q_EMIT activityChanged();
}

void JobsController::onJobEvent(Job* job, const JobEvent& event) {
    if (event.type == QLatin1String("started")) {
        Q_EMIT runsChanged();
        if (job == m_followedJob)
            Q_EMIT followedRunStarted(event.run);
        Q_EMIT activityChanged();
    } else if (event.type == QLatin1String("step")) {
        const QJsonObject& body = event.body;
        Q_EMIT progress(event.run, body.value(QLatin1String("step")).toInteger(),
                        body.value(QLatin1String("total_steps")).toInteger(),
                        body.value(QLatin1String("examples_per_second")).toDouble(),
                        body.value(QLatin1String("eta_seconds")).toDouble());
    } else if (event.type == QLatin1String("stage") &&
               event.body.contains(QLatin1String("report"))) {
        const QList<qint64> runs =
            pipelineReportRuns(event.body.value(QLatin1String("report")).toObject());
        Q_EMIT runsChanged();
        if (!runs.isEmpty() && job == m_followedJob)
            Q_EMIT pipelineReported(runs);
    } else if (event.type == QLatin1String("eval") || event.type == QLatin1String("finished")) {
        Q_EMIT runsChanged();
        Q_EMIT runUpdated(event.run);
    }
}

void JobsController::onJobEnded(Job* job) {
    Q_EMIT runsChanged();
    for (qint64 run : job->runs())
        Q_EMIT runUpdated(run); // the final state of its curves
    Q_EMIT activityChanged();
    switch (job->state()) {
    case Job::State::Finished:
        Q_EMIT jobFinished(job);
        break;
    case Job::State::Cancelled:
        Q_EMIT jobCancelled(job);
        break;
    default:
        Q_EMIT jobFailed(job);
        break;
    }
}

} // namespace relay
