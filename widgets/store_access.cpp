#include "store_access.h"

#include "store/run_store.h"

#include <QMetaObject>
#include <QSemaphore>
#include <QThread>

#include <exception>

namespace relay {

StoreAccess::StoreAccess(const QString& path, QObject* parent)
    : QObject(parent), m_path(path), m_thread(new QThread), m_worker(new QObject) {
    m_thread->setObjectName(QStringLiteral("relay-store"));
    m_worker->moveToThread(m_thread);
    m_thread->start();
}

StoreAccess::~StoreAccess() {
    // The connection must close on the thread that used it.
    QMetaObject::invokeMethod(
        m_worker, [this] { m_store.reset(); }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_worker;
    delete m_thread;
}

RunStore& StoreAccess::store() {
    if (!m_store)
        m_store = std::make_unique<RunStore>(m_path.toStdString());
    return *m_store;
}

void StoreAccess::post(std::function<void()> work) {
    QMetaObject::invokeMethod(
        m_worker,
        [this, work = std::move(work)] {
            try {
                work();
            } catch (const std::exception& error) {
                const QString message = QString::fromStdString(error.what());
                m_store.reset(); // reopen next time (the file may have been replaced)
                QMetaObject::invokeMethod(
                    this, [this, message] { Q_EMIT failed(message); }, Qt::QueuedConnection);
            }
        },
        Qt::QueuedConnection);
}

void StoreAccess::requestRuns() {
    {
        QMutexLocker lock(&m_pendingMutex);
        if (m_runsPending)
            return;
        m_runsPending = true;
    }
    post([this] {
        {
            QMutexLocker lock(&m_pendingMutex);
            m_runsPending = false;
        }
        RunStore& runs = store();
        QVector<RunRow> rows;
        const double now = secondsSinceEpoch();
        for (RunRecord& run : runs.runs()) {
            RunRow row;
            row.summary = summarizeRun(run, runs.evals(run.id), now);
            row.run = std::move(run);
            rows.append(std::move(row));
        }
        QMetaObject::invokeMethod(
            this, [this, rows = std::move(rows)] { Q_EMIT runsLoaded(rows); },
            Qt::QueuedConnection);
    });
}

void StoreAccess::requestRun(std::int64_t id) {
    {
        QMutexLocker lock(&m_pendingMutex);
        if (m_runsQueued.contains(id))
            return;
        m_runsQueued.insert(id);
    }
    post([this, id] {
        {
            QMutexLocker lock(&m_pendingMutex);
            m_runsQueued.remove(id);
        }
        RunStore& runs = store();
        RunData data;
        data.run = runs.run(id);
        data.metrics = runs.metrics(id);
        data.evals = runs.evals(id);
        data.stepAccuracies = runs.stepAccuracy(id);
        data.checkpoints = runs.checkpoints(id);
        QMetaObject::invokeMethod(
            this, [this, data = std::move(data)] { Q_EMIT runLoaded(data); }, Qt::QueuedConnection);
    });
}

void StoreAccess::edit(std::function<void(RunStore&)> body, std::function<void(QString)> done) {
    QMetaObject::invokeMethod(
        m_worker,
        [this, body = std::move(body), done = std::move(done)] {
            QString error;
            try {
                body(store());
            } catch (const std::exception& failure) {
                error = QString::fromStdString(failure.what());
            }
            if (done)
                QMetaObject::invokeMethod(
                    this, [done, error] { done(error); }, Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

void StoreAccess::waitForIdle() {
    QMetaObject::invokeMethod(
        m_worker, [] {}, Qt::BlockingQueuedConnection);
}

} // namespace relay
