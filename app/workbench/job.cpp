#include "job.h"

#include <QDateTime>
#include <QDir>
#include <QFile>

#include <csignal>
#include <unistd.h>

namespace relay {
namespace {

constexpr int kKeptLogLines = 2000;
constexpr int kEngineNiceness = 5;

} // namespace

Job::Job(int id, const QString& label, const QString& engine, const QStringList& arguments,
         const QString& logFolder, QObject* parent)
    : QObject(parent), m_id(id), m_label(label), m_engine(engine), m_arguments(arguments),
      m_logFolder(logFolder) {
    connect(&m_process, &QProcess::readyReadStandardOutput, this, &Job::readOutput);
    connect(&m_process, &QProcess::readyReadStandardError, this, &Job::readErrors);
    connect(&m_process, &QProcess::finished, this, &Job::onFinished);
    connect(&m_process, &QProcess::errorOccurred, this, &Job::onError);
}

Job::~Job() {
    if (m_process.state() != QProcess::NotRunning) {
        // The window is going away with the job still running: let it checkpoint.
        if (m_state == State::Paused)
            ::kill(static_cast<pid_t>(m_process.processId()), SIGCONT);
        m_process.terminate();
        if (!m_process.waitForFinished(10000))
            m_process.kill();
        m_process.waitForFinished(2000);
    }
    if (!m_temporaryFile.isEmpty())
        QFile::remove(m_temporaryFile);
}

QString Job::stateName(State state) {
    switch (state) {
    case State::Running:
        return tr("running");
    case State::Paused:
        return tr("paused");
    case State::Finished:
        return tr("finished");
    case State::Cancelled:
        return tr("cancelled");
    case State::Failed:
        return tr("failed");
    }
    return {};
}

void Job::start() {
    addLog(QStringLiteral("$ relay %1").arg(m_arguments.join(QLatin1Char(' '))));
    if (m_engine.isEmpty()) {
        onError(QProcess::FailedToStart);
        return;
    }
    // Training saturates the cores it is given; a slightly lower priority keeps the window
    // (and the desktop) responsive without slowing the job on an otherwise idle machine.
    m_process.setChildProcessModifier([] {
        if (::nice(kEngineNiceness) == -1) {
            // Not fatal: the job just runs at the normal priority.
        }
    });
    m_process.start(m_engine, m_arguments);
}

void Job::cancel() {
    if (!active())
        return;
    m_cancelRequested = true;
    addLog(tr("cancel requested: the engine finishes its step and writes a checkpoint"));
    if (m_state == State::Paused)
        setPaused(false);
    m_process.terminate();
}

void Job::setPaused(bool paused) {
    if (!active() || m_process.processId() <= 0 || paused == (m_state == State::Paused))
        return;
    ::kill(static_cast<pid_t>(m_process.processId()), paused ? SIGSTOP : SIGCONT);
    addLog(paused ? tr("paused (the engine process is stopped until you continue)")
                  : tr("continued"));
    setState(paused ? State::Paused : State::Running);
}

void Job::readOutput() {
    while (m_process.canReadLine())
        handleLine(m_process.readLine().trimmed());
}

void Job::readErrors() {
    const QString text = QString::fromUtf8(m_process.readAllStandardError());
    for (const QString& line : text.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        addLog(line);
        if (line.contains(QLatin1String("error")))
            m_error = line;
    }
}

void Job::handleLine(const QByteArray& line) {
    if (line.isEmpty())
        return;
    JobEvent event;
    if (!parseJobEvent(line, event)) {
        addLog(QString::fromUtf8(line));
        return;
    }
    if (event.run >= 0 && event.run != m_run) {
        m_run = event.run;
        if (!m_runs.contains(m_run))
            m_runs.append(m_run);
    }
    if (event.type == QLatin1String("stage"))
        m_stage = event.body.value(QLatin1String("stage")).toString();
    else if (event.type == QLatin1String("started"))
        m_totalSteps = event.body.value(QLatin1String("total_steps")).toInteger();
    else if (event.type == QLatin1String("step"))
        m_step = event.body.value(QLatin1String("step")).toInteger();
    else if (event.type == QLatin1String("finished")) {
        m_finishedStatus = event.body.value(QLatin1String("status")).toString();
        m_finishedRuns.insert(event.run);
    } else if (event.type == QLatin1String("error"))
        m_error = event.body.value(QLatin1String("message")).toString();
    for (const QString& text : describeJobEvent(event).split(QLatin1Char('\n')))
        addLog(text);
    Q_EMIT eventReceived(event);
}

void Job::addLog(const QString& line) {
    const QString stamped =
        QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss ")) + line;
    m_log.append(stamped);
    if (m_log.size() > kKeptLogLines)
        m_log.erase(m_log.begin(), m_log.begin() + (m_log.size() - kKeptLogLines));
    if (m_run < 0) {
        m_pendingLog.append(stamped);
    } else if (!m_logFolder.isEmpty() && QDir().mkpath(m_logFolder)) {
        QFile file(QDir(m_logFolder).filePath(QStringLiteral("run-%1.log").arg(m_run)));
        if (file.open(QIODevice::Append | QIODevice::Text)) {
            for (const QString& pending : std::as_const(m_pendingLog))
                file.write(pending.toUtf8() + '\n');
            m_pendingLog.clear();
            file.write(stamped.toUtf8() + '\n');
        }
    }
    Q_EMIT logLine(stamped);
}

void Job::onFinished(int exitCode, QProcess::ExitStatus status) {
    readOutput();
    if (!m_process.atEnd())
        handleLine(m_process.readAll().trimmed());
    readErrors();
    m_exitCode = exitCode;
    if (status == QProcess::NormalExit && exitCode == 0) {
        setState(State::Finished);
    } else if (m_finishedStatus == QLatin1String("cancelled") ||
               (m_cancelRequested && status == QProcess::NormalExit)) {
        setState(State::Cancelled);
    } else {
        if (status == QProcess::CrashExit)
            m_error = tr("the engine crashed (%1)").arg(m_process.errorString());
        else if (m_error.isEmpty())
            m_error = m_finishedStatus.isEmpty()
                          ? tr("the engine exited with status %1").arg(exitCode)
                          : tr("the run ended as %1").arg(m_finishedStatus);
        addLog(tr("job failed: %1").arg(m_error));
        setState(State::Failed);
    }
    if (!m_temporaryFile.isEmpty()) {
        QFile::remove(m_temporaryFile);
        m_temporaryFile.clear();
    }
    Q_EMIT ended();
}

void Job::onError(QProcess::ProcessError error) {
    if (error != QProcess::FailedToStart)
        return; // crashes arrive through finished()
    m_error = m_engine.isEmpty()
                  ? tr("the relay engine was not found; choose it with Settings > Engine… or "
                       "start the workbench with --engine PATH")
                  : tr("the relay engine could not be started (%1): %2")
                        .arg(m_engine, m_process.errorString());
    addLog(tr("job failed: %1").arg(m_error));
    setState(State::Failed);
    Q_EMIT ended();
}

void Job::setState(State state) {
    if (state == m_state)
        return;
    m_state = state;
    Q_EMIT stateChanged();
}

} // namespace relay
