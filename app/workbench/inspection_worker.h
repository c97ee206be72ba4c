// In-process inference for the loop-iteration viewer, off the GUI thread: one worker thread
// keeps the chosen run's checkpoint loaded (relay::LoopedInspector) and answers requests for
// test problems and inspections through callbacks on the GUI thread. Only the .cpp touches the
// engine; in a build without it (RELAY_BUILD_ENGINE=OFF) every request answers with an error.
#pragma once

#include "inspection_request_form.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

class QThread;

namespace relay {

class InspectionWorker : public QObject {
    Q_OBJECT
public:
    explicit InspectionWorker(const QString& storePath, QObject* parent = nullptr);
    ~InspectionWorker() override;

    static bool engineAvailable();
    static QString unavailableReason(); // for the viewer's note

    using ProblemsDone = std::function<void(const std::vector<Problem>&, const QString& error)>;
    using InspectionDone = std::function<void(const ProblemInspection&, const QString& error)>;

    void requestProblems(qint64 run, qint64 checkpointStep, const QString& task, int length,
                         int count, ProblemsDone done);
    // A newer request supersedes one still queued (playing and clicking stay responsive).
    void requestInspection(const InspectionRequest& request, InspectionDone done);
    void waitForIdle(); // tests

private:
    struct Engine;
    void post(std::function<void()> work);
    Engine& engine(qint64 run, qint64 checkpointStep); // worker thread only

    QString m_storePath;
    QThread* m_thread;
    QObject* m_worker;
    std::unique_ptr<Engine> m_engine;
    std::atomic<int> m_latestInspection{0};
};

} // namespace relay
