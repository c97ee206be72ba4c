#include "inspection_worker.h"

#include <QMetaObject>
#include <QPointer>
#include <QThread>

#include "tasks/task.h"
#ifdef RELAY_WORKBENCH_HAS_ENGINE
#include "train/problem_inspection.h"
#endif

#include <exception>
#include <stdexcept>

namespace relay {

#ifdef RELAY_WORKBENCH_HAS_ENGINE
struct InspectionWorker::Engine {
    qint64 run = -1;
    qint64 step = -1;
    std::unique_ptr<LoopedInspector> inspector;
};
#else
struct InspectionWorker::Engine {};
#endif

InspectionWorker::InspectionWorker(const QString& storePath, QObject* parent)
    : QObject(parent), m_storePath(storePath), m_thread(new QThread), m_worker(new QObject) {
    m_thread->setObjectName(QStringLiteral("relay-inspection"));
    m_worker->moveToThread(m_thread);
    m_thread->start();
}

InspectionWorker::~InspectionWorker() {
    // The model is freed on the thread that used it.
    QMetaObject::invokeMethod(
        m_worker, [this] { m_engine.reset(); }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_worker;
    delete m_thread;
}

bool InspectionWorker::engineAvailable() {
#ifdef RELAY_WORKBENCH_HAS_ENGINE
    return true;
#else
    return false;
#endif
}

QString InspectionWorker::unavailableReason() {
    return tr("This build of the workbench has no engine (built with RELAY_BUILD_ENGINE=OFF), "
              "so it cannot run a model: live inspection is off. The probe snapshots below "
              "come from the store and still work; `relay inspect RUN` runs the same view in "
              "a shell.");
}

void InspectionWorker::post(std::function<void()> work) {
    QMetaObject::invokeMethod(m_worker, std::move(work), Qt::QueuedConnection);
}

void InspectionWorker::waitForIdle() {
    QMetaObject::invokeMethod(
        m_worker, [] {}, Qt::BlockingQueuedConnection);
}

InspectionWorker::Engine& InspectionWorker::engine(qint64 run, qint64 checkpointStep) {
#ifdef RELAY_WORKBENCH_HAS_ENGINE
    if (!m_engine || m_engine->run != run || m_engine->step != checkpointStep ||
        !m_engine->inspector) {
        m_engine = std::make_unique<Engine>();
        m_engine->inspector = std::make_unique<LoopedInspector>(
            m_storePath.toStdString(), run,
            checkpointStep >= 0 ? std::optional<std::int64_t>(checkpointStep) : std::nullopt);
        m_engine->run = run;
        m_engine->step = checkpointStep;
    }
#else
    (void)run;
    (void)checkpointStep;
    throw std::runtime_error(unavailableReason().toStdString());
#endif
    return *m_engine;
}

void InspectionWorker::requestProblems(qint64 run, qint64 checkpointStep, const QString& task,
                                       int length, int count, ProblemsDone done) {
    QPointer<InspectionWorker> self(this);
    post([this, self, run, checkpointStep, task = task.toStdString(), length, count,
          done = std::move(done)] {
        std::vector<Problem> problems;
        QString error;
        try {
#ifdef RELAY_WORKBENCH_HAS_ENGINE
            problems = engine(run, checkpointStep).inspector->testProblems(task, length, count);
#else
            engine(run, checkpointStep);
#endif
        } catch (const std::exception& failure) {
            error = QString::fromStdString(failure.what());
        }
        QMetaObject::invokeMethod(
            this,
            [self, done, problems = std::move(problems), error] {
                if (self)
                    done(problems, error);
            },
            Qt::QueuedConnection);
    });
}

void InspectionWorker::requestInspection(const InspectionRequest& request, InspectionDone done) {
    const int id = ++m_latestInspection;
    QPointer<InspectionWorker> self(this);
    post([this, self, id, request, done = std::move(done)] {
        if (id != m_latestInspection.load())
            return; // superseded
        ProblemInspection inspection;
        QString error;
        try {
#ifdef RELAY_WORKBENCH_HAS_ENGINE
            LoopedInspector& inspector = *engine(request.run, request.checkpointStep).inspector;
            Problem problem = request.problem;
            if (request.typed) {
                try {
                    problem = inspector.parse(request.text, request.task);
                } catch (const std::invalid_argument& failure) {
                    throw std::runtime_error(tr("Not a problem this run can read: %1")
                                                 .arg(QString::fromStdString(failure.what()))
                                                 .toStdString());
                }
            }
            inspection = inspector.inspect(problem, request.options);
#else
            engine(request.run, request.checkpointStep);
#endif
        } catch (const ParseError& failure) {
            error = tr("Cannot parse the problem: %1").arg(QString::fromStdString(failure.what()));
            if (!failure.token().empty())
                error += tr(" (the token “%1”)").arg(QString::fromStdString(failure.token()));
        } catch (const std::exception& failure) {
            error = QString::fromStdString(failure.what());
        }
        QMetaObject::invokeMethod(
            this,
            [self, done, inspection = std::move(inspection), error] {
                if (self)
                    done(inspection, error);
            },
            Qt::QueuedConnection);
    });
}

} // namespace relay
