// The views that look inside models and their chains (docs/architecture.md, views 3-5), built and
// wired for the main window: the loop-iteration viewer with the hit matrices (one tab with two
// pages), the chain inspector and the AR fine-tuning launcher, fed by the store, the in-process
// inference worker and the engine jobs.
#pragma once

#include <QObject>

class QTabWidget;
class QWidget;

namespace relay {

class ChainInspector;
class FineTuneJobs;
class FineTuneLauncher;
class HitMatrixView;
class InspectionWorker;
class IterationViewer;
class JobRunner;
class StoreAccess;
struct RunRow;

class InspectionViews : public QObject {
    Q_OBJECT
public:
    InspectionViews(StoreAccess* store, JobRunner* jobs, QWidget* parent);

    QWidget* iterationsPage() const; // the viewer and the hit matrices as two tabs
    QWidget* chainsPage() const;
    QWidget* fineTuningPage() const;
    IterationViewer* viewer() const { return m_viewer; }
    HitMatrixView* hitMatrices() const { return m_hitMatrices; }
    ChainInspector* chains() const { return m_chains; }
    FineTuneLauncher* launcher() const { return m_launcher; }
    FineTuneJobs* fineTuneJobs() const { return m_fineTuneJobs; }
    InspectionWorker* worker() const { return m_worker; }
    void showHitMatrices(bool show);

    void setRuns(const QVector<RunRow>& rows);

Q_SIGNALS:
    void compareRequested(const QList<qint64>& runs);

private:
    QTabWidget* m_iterations;
    IterationViewer* m_viewer;
    HitMatrixView* m_hitMatrices;
    ChainInspector* m_chains;
    FineTuneLauncher* m_launcher;
    FineTuneJobs* m_fineTuneJobs;
    InspectionWorker* m_worker;
};

} // namespace relay
