// The loop-iteration viewer (docs/architecture.md, view 3): hosts the request form that picks a
// looped run, a checkpoint, a problem (a generated test problem of any length, or typed text)
// and the stopping rule (oracle T, fixed N, adaptive), and shows the answer: the iteration grid,
// stepped through (buttons, play, arrow keys), the adaptive rule's stop-score trace, and the
// run's probe snapshots scrubbed over training time. It only renders and asks: inference and
// store reads happen elsewhere (app/workbench wires them), answers come back through the
// show*/set* functions as plain structs.
#pragma once

#include "inspection_request_form.h"

#include <QWidget>

#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QScrollArea;
class QSlider;

namespace relay {

class ConfidenceTracePlot;
class IterationGrid;
class IterationPlayback;

class IterationViewer : public QWidget {
    Q_OBJECT
public:
    explicit IterationViewer(QWidget* parent = nullptr);

    // The run, the problem and the rule are chosen in the request form; these pass through to
    // it, and its requests come out of the viewer's signals (inspections held back while
    // snapshots are shown).
    void setRuns(const QVector<RunRow>& rows);
    void selectRun(qint64 run);
    qint64 currentRun() const;
    void setRunInfo(const IterationRunInfo& info);
    const IterationRunInfo& runInfo() const { return m_info; } // the chosen run's, once loaded
    void setProblems(const std::vector<Problem>& problems);
    void typeProblem(const QString& text); // as if typed and submitted
    void setLength(int length);
    void setRule(const QString& rule, int fixedIterations = 0, int maximumIterations = 0);

    void showInspection(const ProblemInspection& inspection);
    void showInspectionError(const QString& message);
    void setProbeSnapshot(qint64 trainingStep, const std::vector<ProbeRecord>& probes);
    // Off in builds without the engine: the live controls explain why; snapshots still work.
    void setLiveInferenceAvailable(bool available, const QString& reason);

    void setSnapshotMode(bool snapshots);
    void setSnapshotIndex(int index); // the training-time slider
    void setSnapshotProblem(int index);
    int snapshotProblemCount() const;

    void goTo(int iteration); // 1-based, clamped
    void first();
    void previous();
    void next();
    void last();
    void setPlaying(bool playing);
    bool playing() const;
    int currentIteration() const;

    InspectionRequestForm* requestForm() const { return m_form; }
    IterationGrid* grid() const { return m_grid; }
    IterationPlayback* playback() const { return m_playback; }
    ConfidenceTracePlot* trace() const { return m_trace; }
    QLabel* errorLabel() const { return m_form->errorLabel(); }
    QLabel* answerLabel() const { return m_answer; }
    QComboBox* problemList() const { return m_form->problemList(); }
    QSlider* snapshotSlider() const { return m_snapshotSlider; }
    bool busy() const { return m_pending; }
    int inspectionsShown() const { return m_inspectionsShown; }

Q_SIGNALS:
    void runChosen(qint64 run);
    void problemsRequested(qint64 run, qint64 checkpointStep, const QString& task, int length);
    void inspectionRequested(const relay::InspectionRequest& request);
    void probeSnapshotRequested(qint64 run, qint64 trainingStep);
    void currentIterationChanged(int iteration);

protected:
    void keyPressEvent(QKeyEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QWidget* buildNavigation();
    QWidget* buildSnapshots();
    void forwardProblemsRequest(qint64 run, qint64 checkpointStep, const QString& task, int length);
    void forwardInspectionRequest(const InspectionRequest& request);
    void showCurrent(const ProblemInspection& inspection);
    void showIteration(int iteration); // the grid, the trace and the scroll position follow
    void updateNavigation();
    void updateAnswer();
    void showSnapshotProblem();

    InspectionRequestForm* m_form;
    IterationPlayback* m_playback;
    QLabel* m_status;
    QScrollArea* m_scroll;
    IterationGrid* m_grid;
    QLabel* m_input;
    QLabel* m_answer;
    ConfidenceTracePlot* m_trace;
    QCheckBox* m_snapshotMode;
    QSlider* m_snapshotSlider;
    QLabel* m_snapshotLabel;
    QComboBox* m_snapshotProblems;

    IterationRunInfo m_info;
    std::vector<ProblemInspection> m_snapshot;
    qint64 m_snapshotStep = -1;
    bool m_pending = false;
    bool m_updating = false;
    int m_inspectionsShown = 0;
    std::string m_lastInput; // keeps the iteration when only the rule changed
};

} // namespace relay
