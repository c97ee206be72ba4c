#include "job_runner.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryFile>

namespace relay {

JobRunner::JobRunner(const QString& engine, const QString& storePath, QObject* parent)
    : QObject(parent), m_engine(engine), m_storePath(storePath) {}

QString JobRunner::logFolder() const {
    return QFileInfo(m_storePath).absoluteDir().filePath(QStringLiteral("logs"));
}

Job* JobRunner::start(const QStringList& arguments, const QString& label) {
    QStringList full = arguments;
    full << QStringLiteral("--db") << m_storePath << QStringLiteral("--json");
    auto* job = new Job(m_nextId++, label, m_engine, full, logFolder(), this);
    m_jobs.append(job);
    connect(job, &Job::eventReceived, this,
            [this, job](const JobEvent& event) { Q_EMIT jobEvent(job, event); });
    connect(job, &Job::logLine, this,
            [this, job](const QString& line) { Q_EMIT jobLog(job, line); });
    connect(job, &Job::stateChanged, this, [this, job] { Q_EMIT jobStateChanged(job); });
    connect(job, &Job::ended, this, [this, job] { Q_EMIT jobEnded(job); });
    Q_EMIT jobStarted(job);
    job->start();
    return job;
}

Job* JobRunner::startTraining(const QString& kind, const QString& configJson) {
    // The engine reads the config from a file; it lives until the job ends.
    QTemporaryFile file(QDir::temp().filePath(QStringLiteral("relay-workbench-XXXXXX.json")));
    const QByteArray bytes = configJson.toUtf8();
    // Never fall back to training some other config: a config that cannot be written is an error.
    if (!file.open() || file.write(bytes) != bytes.size() || !file.flush()) {
        Q_EMIT startFailed(tr("Cannot write the config for the engine to %1: %2")
                               .arg(file.fileName(), file.errorString()));
        return nullptr;
    }
    file.setAutoRemove(false);
    file.close();
    Job* job = start({QStringLiteral("train"), QStringLiteral("--config"), file.fileName(),
                      QStringLiteral("--kind"), kind},
                     tr("train %1").arg(kind));
    job->setTemporaryFile(file.fileName());
    return job;
}

Job* JobRunner::startPreset(const QString& preset, const QString& kind,
                            const QStringList& overrides) {
    QStringList arguments = {QStringLiteral("train"), QStringLiteral("--preset"), preset,
                             QStringLiteral("--kind"), kind};
    for (const QString& assignment : overrides)
        arguments << QStringLiteral("--set") << assignment;
    return start(arguments, tr("train %1 (%2)").arg(kind, preset));
}

Job* JobRunner::startResume(qint64 run) {
    return start({QStringLiteral("train"), QStringLiteral("--resume"), QString::number(run)},
                 tr("resume run %1").arg(run));
}

Job* JobRunner::startPipeline(const QString& preset, const QStringList& overrides) {
    QStringList arguments = {QStringLiteral("pipeline")};
    if (!preset.isEmpty())
        arguments << QStringLiteral("--preset") << preset;
    for (const QString& assignment : overrides)
        arguments << QStringLiteral("--set") << assignment;
    return start(arguments, preset.isEmpty() ? tr("pipeline") : tr("pipeline (%1)").arg(preset));
}

Job* JobRunner::activeJobForRun(qint64 run) const {
    for (Job* job : m_jobs)
        if (job->trainingRun(run))
            return job;
    return nullptr;
}

Job* JobRunner::latestJobForRun(qint64 run) const {
    for (auto it = m_jobs.crbegin(); it != m_jobs.crend(); ++it)
        if ((*it)->runs().contains(run))
            return *it;
    return nullptr;
}

int JobRunner::activeCount() const {
    int count = 0;
    for (Job* job : m_jobs)
        count += job->active() ? 1 : 0;
    return count;
}

void JobRunner::cancelAll() {
    for (Job* job : m_jobs)
        job->cancel();
}

} // namespace relay
