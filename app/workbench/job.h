// One engine job: a `relay ... --json` child process whose stdout lines become events. Keeps
// the last log lines (for the crash report) and appends the log to the store's logs folder,
// one file per run, so the dashboard can show it after the window was closed.
#pragma once

#include "job_event.h"

#include <QObject>
#include <QProcess>
#include <QSet>
#include <QStringList>

namespace relay {

class Job : public QObject {
    Q_OBJECT
public:
    enum class State { Running, Paused, Finished, Cancelled, Failed };

    Job(int id, const QString& label, const QString& engine, const QStringList& arguments,
        const QString& logFolder, QObject* parent = nullptr);
    ~Job() override;

    void start();
    // SIGTERM: the engine finishes its step, writes a checkpoint, marks the run cancelled.
    void cancel();
    void setPaused(bool paused); // SIGSTOP / SIGCONT

    int id() const { return m_id; }
    const QString& label() const { return m_label; }
    const QStringList& arguments() const { return m_arguments; }
    State state() const { return m_state; }
    bool active() const { return m_state == State::Running || m_state == State::Paused; }
    qint64 run() const { return m_run; } // the run of the latest event, -1 before "started"
    QList<qint64> runs() const { return m_runs; }
    // A run this job is still training (a pipeline trains several, some at once).
    bool trainingRun(qint64 run) const {
        return active() && m_runs.contains(run) && !m_finishedRuns.contains(run);
    }
    const QString& stage() const { return m_stage; }
    qint64 step() const { return m_step; }
    qint64 totalSteps() const { return m_totalSteps; }
    const QStringList& log() const { return m_log; }
    QStringList lastLines(int count) const {
        return m_log.mid(std::max(0, int(m_log.size()) - count));
    }
    const QString& errorMessage() const { return m_error; } // why it failed
    int exitCode() const { return m_exitCode; }
    static QString stateName(State state);
    void setTemporaryFile(const QString& path) { m_temporaryFile = path; }

Q_SIGNALS:
    void eventReceived(const relay::JobEvent& event);
    void logLine(const QString& line);
    void stateChanged();
    void ended(); // the process is gone; state() says how it went

private:
    void readOutput();
    void readErrors();
    void handleLine(const QByteArray& line);
    void addLog(const QString& line);
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void onError(QProcess::ProcessError error);
    void setState(State state);

    int m_id;
    QString m_label;
    QString m_engine;
    QStringList m_arguments;
    QString m_logFolder;
    QString m_temporaryFile;
    QProcess m_process;
    State m_state = State::Running;
    qint64 m_run = -1;
    QList<qint64> m_runs;
    QSet<qint64> m_finishedRuns;
    QString m_stage;
    qint64 m_step = 0;
    qint64 m_totalSteps = 0;
    QString m_finishedStatus;
    QStringList m_log;
    QStringList m_pendingLog; // lines before the run id is known
    QString m_error;
    int m_exitCode = 0;
    bool m_cancelRequested = false;
};

} // namespace relay
