// The loop-iteration viewer (docs/architecture.md, view 3): pick a looped run, a checkpoint and a
// problem (a generated test problem of any length, or typed text), see the iteration grid, step
// through it (buttons, play, arrow keys), choose the stopping rule (oracle T, fixed N, adaptive
// with its stop-score trace), and scrub training time over the run's probe snapshots. It only
// renders and asks: inference and store reads happen elsewhere (app/workbench wires them), answers
// come back through the show*/set* functions as plain structs.
#pragma once

#include "inspection/problem_inspection.h"
#include "store/run_records.h"

#include <QWidget>

#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QScrollArea;
class QSlider;
class QSpinBox;

namespace relay {

class ConfidenceTracePlot;
class IterationGrid;
class IterationPlayback;
struct RunRow;

// What the viewer asks the inference worker for.
struct InspectionRequest {
    qint64 run = -1;
    qint64 checkpointStep = -1; // -1: newest
    std::string task;
    bool typed = false;
    std::string text; // typed: parsed by the task's parser
    Problem problem;  // otherwise: a generated test problem
    InspectionOptions options;
};

// What the viewer needs to know about the chosen run (read from the store).
struct IterationRunInfo {
    qint64 run = -1;
    std::vector<std::string> tasks;
    int trainLengthMax = 0;
    int testLengthMax = 0;
    std::vector<qint64> checkpointSteps;
    std::vector<qint64> probeSteps;
};

class IterationViewer : public QWidget {
    Q_OBJECT
public:
    explicit IterationViewer(QWidget* parent = nullptr);

    // Looped runs of the store (others are ignored); keeps the chosen run when still there.
    void setRuns(const QVector<RunRow>& rows);
    void selectRun(qint64 run);
    qint64 currentRun() const;
    void setRunInfo(const IterationRunInfo& info);
    void setProblems(const std::vector<Problem>& problems);
    void showInspection(const ProblemInspection& inspection);
    void showInspectionError(const QString& message);
    void setProbeSnapshot(qint64 trainingStep, const std::vector<ProbeRecord>& probes);
    // Off in builds without the engine: the live controls explain why; snapshots still work.
    void setLiveInferenceAvailable(bool available, const QString& reason);

    void typeProblem(const QString& text); // as if typed and submitted
    void setLength(int length);
    void setRule(const QString& rule, int fixedIterations = 0, int maximumIterations = 0);
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

    IterationGrid* grid() const { return m_grid; }
    IterationPlayback* playback() const { return m_playback; }
    ConfidenceTracePlot* trace() const { return m_trace; }
    QLabel* errorLabel() const { return m_error; }
    QLabel* answerLabel() const { return m_answer; }
    QComboBox* problemList() const { return m_problems; }
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
    QWidget* buildChooser();
    QWidget* buildNavigation();
    QWidget* buildSnapshots();
    void requestProblems();
    void requestInspection();
    void submitTyped();
    void showCurrent(const ProblemInspection& inspection);
    void showIteration(int iteration); // the grid, the trace and the scroll position follow
    void updateNavigation();
    void updateAnswer();
    void showSnapshotProblem();
    qint64 checkpointStep() const;
    QString task() const;

    QComboBox* m_runs;
    QComboBox* m_checkpoints;
    QComboBox* m_tasks;
    QSpinBox* m_length;
    QComboBox* m_problems;
    QLineEdit* m_typed;
    QLabel* m_error;
    QComboBox* m_rule;
    QSpinBox* m_fixed;
    QSpinBox* m_maximum;
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
    QLabel* m_liveNote;

    IterationRunInfo m_info;
    std::vector<Problem> m_problemSet;
    std::vector<ProblemInspection> m_snapshot;
    qint64 m_snapshotStep = -1;
    bool m_typedActive = false;
    bool m_liveAvailable = true;
    bool m_pending = false;
    bool m_updating = false;
    int m_inspectionsShown = 0;
    std::string m_lastInput; // keeps the iteration when only the rule changed
};

} // namespace relay

Q_DECLARE_METATYPE(relay::InspectionRequest)
