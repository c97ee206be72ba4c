#include "inspection_views.h"

#include "chain_inspector.h"
#include "chain_inspector_wiring.h"
#include "finetune_jobs.h"
#include "finetune_launcher.h"
#include "hit_matrix_panel.h"
#include "hit_matrix_view.h"
#include "inspection_worker.h"
#include "iteration_viewer.h"
#include "iteration_viewer_wiring.h"
#include "job.h"
#include "job_runner.h"
#include "store_access.h"

#include <QTabWidget>

namespace relay {

InspectionViews::InspectionViews(StoreAccess* store, JobRunner* jobs, QWidget* parent)
    : QObject(parent) {
    m_iterations = new QTabWidget(parent);
    m_iterations->setObjectName(QStringLiteral("iterationsPage"));
    m_viewer = new IterationViewer;
    m_hitMatrices = new HitMatrixView(store);
    m_iterations->addTab(m_viewer, tr("Step through iterations"));
    m_iterations->addTab(m_hitMatrices, tr("Hit matrix"));
    m_chains = new ChainInspector(parent);
    m_launcher = new FineTuneLauncher(parent);
    m_worker = new InspectionWorker(store->path(), this);
    m_fineTuneJobs = new FineTuneJobs(jobs, m_launcher, this);
    wireIterationViewer(m_viewer, m_worker, store);
    wireChainInspector(m_chains, store);

    connect(m_fineTuneJobs, &FineTuneJobs::compareRequested, this,
            &InspectionViews::compareRequested);
    connect(m_fineTuneJobs, &FineTuneJobs::chainsGenerated, this, [this](qint64 generator) {
        if (m_chains->currentRun() == generator)
            m_chains->reload();
    });
    // The hit matrix the store lacks: the engine computes and stores it, then it is redrawn.
    connect(m_hitMatrices, &HitMatrixView::computeRequested, this,
            [this, jobs](qint64 run, int length) {
                Job* job = jobs->start({QStringLiteral("eval"), QString::number(run),
                                        QStringLiteral("--lengths"), QString::number(length),
                                        QStringLiteral("--hit-matrix"), QString::number(length)},
                                       tr("hit matrix of run %1, length %2").arg(run).arg(length));
                connect(job, &Job::ended, m_hitMatrices, [this] { m_hitMatrices->reload(); });
            });
}

QWidget* InspectionViews::iterationsPage() const {
    return m_iterations;
}
QWidget* InspectionViews::chainsPage() const {
    return m_chains;
}
QWidget* InspectionViews::fineTuningPage() const {
    return m_launcher;
}

void InspectionViews::showHitMatrices(bool show) {
    m_iterations->setCurrentWidget(show ? static_cast<QWidget*>(m_hitMatrices) : m_viewer);
}

void InspectionViews::setRuns(const QVector<RunRow>& rows) {
    m_viewer->setRuns(rows);
    m_hitMatrices->setRuns(rows);
    m_chains->setRuns(rows);
    m_launcher->setRuns(rows);
}

} // namespace relay
