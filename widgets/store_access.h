// Store access off the GUI thread: one worker thread owns its own RunStore connection and runs
// every query and edit; results come back to the GUI thread as signals. The engine writes the
// same SQLite file meanwhile (WAL), so a big run's metrics never freeze the window.
#pragma once

#include "store/run_records.h"
#include "store/run_summary.h"

#include <QMutex>
#include <QObject>
#include <QSet>
#include <QString>
#include <QVector>

#include <functional>
#include <memory>

class QThread;

namespace relay {

class RunStore;

struct RunRow {
    RunRecord run;
    RunSummary summary;
};

// Everything the dashboard and the comparison draw of one run.
struct RunData {
    RunRecord run;
    std::vector<MetricPoint> metrics;
    std::vector<EvalRecord> evals;
    std::vector<StepAccuracyRecord> stepAccuracies; // per CoT step, at each evaluation
    std::vector<CheckpointRecord> checkpoints;
};

class StoreAccess : public QObject {
    Q_OBJECT
public:
    explicit StoreAccess(const QString& path, QObject* parent = nullptr);
    ~StoreAccess() override;

    const QString& path() const { return m_path; }

    // Requests are coalesced: asking again while one is queued does not queue a second.
    void requestRuns();
    void requestRun(std::int64_t run);
    // Runs body on the worker's connection; done(error) comes back on the GUI thread with an
    // empty error on success.
    void edit(std::function<void(RunStore&)> body, std::function<void(QString)> done = {});
    // Blocks until every queued request has run (tests and the screenshot tool).
    void waitForIdle();

Q_SIGNALS:
    void runsLoaded(const QVector<relay::RunRow>& rows);
    void runLoaded(const relay::RunData& data);
    void failed(const QString& message);

private:
    void post(std::function<void()> work);
    RunStore& store(); // the worker's connection, opened on first use (worker thread only)

    QString m_path;
    QThread* m_thread = nullptr;
    QObject* m_worker = nullptr;
    std::unique_ptr<RunStore> m_store;
    QMutex m_pendingMutex;
    bool m_runsPending = false;
    QSet<qint64> m_runsQueued;
};

} // namespace relay

Q_DECLARE_METATYPE(relay::RunData)
Q_DECLARE_METATYPE(relay::RunRow)
