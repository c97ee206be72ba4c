// Starts and tracks engine jobs (several at once): Stage I / baseline training from a config,
// resuming a run, the whole pipeline. Every job is `relay ... --db STORE --json`; the runner
// re-emits each job's events so the window needs one connection, not one per job.
#pragma once

#include "job.h"

#include <QList>
#include <QObject>

namespace relay {

class JobRunner : public QObject {
    Q_OBJECT
public:
    JobRunner(const QString& engine, const QString& storePath, QObject* parent = nullptr);

    const QString& engine() const { return m_engine; }
    void setEngine(const QString& engine) { m_engine = engine; }
    const QString& storePath() const { return m_storePath; }
    QString logFolder() const; // <store folder>/logs

    // `relay <arguments> --db STORE --json`
    Job* start(const QStringList& arguments, const QString& label);
    // nullptr, after startFailed, when the config cannot be handed to the engine.
    Job* startTraining(const QString& kind, const QString& configJson);
    Job* startPreset(const QString& preset, const QString& kind, const QStringList& overrides);
    Job* startResume(qint64 run);
    Job* startPipeline(const QString& preset, const QStringList& overrides);

    const QList<Job*>& jobs() const { return m_jobs; }
    Job* activeJobForRun(qint64 run) const;
    Job* latestJobForRun(qint64 run) const;
    int activeCount() const;
    void cancelAll();

Q_SIGNALS:
    void jobStarted(relay::Job* job);
    void jobEvent(relay::Job* job, const relay::JobEvent& event);
    void jobLog(relay::Job* job, const QString& line);
    void jobStateChanged(relay::Job* job);
    void jobEnded(relay::Job* job);
    // A job could not be started at all (nothing ran); the message says why.
    void startFailed(const QString& message);

private:
    QString m_engine;
    QString m_storePath;
    QList<Job*> m_jobs;
    int m_nextId = 1;
};

} // namespace relay
