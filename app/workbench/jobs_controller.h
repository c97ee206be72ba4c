// Routes the engine jobs' events to what the window should do about them: which run to follow
// in the dashboard, when the run list is stale, a step's progress, the pipeline's closing
// comparison, and how each job ended. Also cancels, pauses and resumes a run's job, through the
// JobRunner that starts the child processes. Holds no widget, so it is tested on its own.
#pragma once

#include <QList>
#include <QObject>
#include <QString>

namespace relay {

class Job;
class JobRunner;
struct JobEvent;

class JobsController : public QObject {
    Q_OBJECT
public:
    // Connect it after everything else that listens to the runner: a job started while another
    // one ends (the fine-tune after chain generation) is then announced before that end.
    explicit JobsController(JobRunner* runner, QObject* parent = nullptr);

    JobRunner* runner() const { return m_runner; }
    // The newest job is the one the user is watching; its new runs are followed.
    Job* followedJob() const { return m_followedJob; }

    // Each does nothing when no job is training the run.
    void cancelRun(qint64 run);
    void setRunPaused(qint64 run, bool paused);
    // Starts `relay train --resume RUN` unless a job is still training it (alreadyRunning).
    void resumeRun(qint64 run);

Q_SIGNALS:
    void jobStarted(relay::Job* job);
    void runsChanged(); // the store holds new runs or new states: reload the run list
    void followedRunStarted(qint64 run);
    void progress(qint64 run, qint64 step, qint64 totalSteps, double examplesPerSecond,
                  double etaSeconds);
    void runUpdated(qint64 run); // new evaluations or a final state in the store
    void pipelineReported(const QList<qint64>& runs); // the followed pipeline's runs
    void logLine(qint64 run, const QString& line);
    void activityChanged(); // a job started, paused, continued or ended
    void jobFinished(relay::Job* job);
    void jobCancelled(relay::Job* job);
    void jobFailed(relay::Job* job);
    void alreadyRunning(qint64 run);

private:
    void onJobStarted(Job* job);
    void onJobEvent(Job* job, const JobEvent& event);
    void onJobEnded(Job* job);

    JobRunner* m_runner;
    Job* m_followedJob = nullptr;
};

} // namespace relay
