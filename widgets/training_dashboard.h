// The training dashboard: live curves of one run (losses, loss by loop iteration, learning
// rate, gradient norm, answer accuracy per test length), progress with throughput and ETA, job
// controls and the engine's log. Reads the run from the store (off the GUI thread) and keeps
// refreshing while the run is running, so it works the same for live and finished runs.
#pragma once

#include "run_series.h"
#include "store_access.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSlider;
class QTimer;

namespace relay {

class CurvePlot;

class TrainingDashboard : public QWidget {
    Q_OBJECT
public:
    explicit TrainingDashboard(StoreAccess* store, QWidget* parent = nullptr);

    void openRun(std::int64_t run); // loads it; keeps refreshing while it runs
    std::int64_t currentRun() const { return m_run; }
    const RunData& data() const { return m_data; }

    // Live figures from a job's step events (the store has no throughput or ETA).
    void showProgress(std::int64_t step, std::int64_t totalSteps, double examplesPerSecond,
                      double etaSeconds);
    void setLog(const QStringList& lines);
    void appendLog(const QString& line);
    // What the job buttons may do for this run: a job of ours runs it (cancel, pause) or it can
    // be resumed (cancelled or interrupted, with a checkpoint).
    void setJobState(bool ownJobRunning, bool paused);
    void setLive(bool live); // refresh even before the store says "running"

    void setSmoothing(double weight);
    double smoothing() const;
    CurvePlot* lossPlot() const { return m_lossPlot; }
    CurvePlot* iterationPlot() const { return m_iterationPlot; }
    CurvePlot* learningRatePlot() const { return m_learningRatePlot; }
    CurvePlot* gradientPlot() const { return m_gradientPlot; }
    CurvePlot* accuracyPlot() const { return m_accuracyPlot; }

Q_SIGNALS:
    void cancelRequested(std::int64_t run);
    void pauseRequested(std::int64_t run, bool pause);
    void resumeRequested(std::int64_t run);
    void runLoaded(std::int64_t run); // after each (re)load was drawn

private:
    void onRunLoaded(const RunData& data);
    void redraw();
    void updateHeader();
    void updateButtons();
    QList<CurvePlot*> plots() const;

    StoreAccess* m_store;
    std::int64_t m_run = -1;
    RunData m_data;
    bool m_live = false;
    bool m_ownJobRunning = false;
    bool m_paused = false;
    bool m_liveProgress = false;
    QLabel* m_title;
    QLabel* m_figures;
    QProgressBar* m_progress;
    QPushButton* m_pauseButton;
    QPushButton* m_cancelButton;
    QPushButton* m_resumeButton;
    QComboBox* m_xAxis;
    QComboBox* m_stopping;
    QSlider* m_smoothing;
    QLabel* m_smoothingValue;
    QCheckBox* m_logScale;
    CurvePlot* m_lossPlot;
    CurvePlot* m_iterationPlot;
    CurvePlot* m_learningRatePlot;
    CurvePlot* m_gradientPlot;
    CurvePlot* m_accuracyPlot;
    QPlainTextEdit* m_log;
    QTimer* m_refresh;
};

} // namespace relay
