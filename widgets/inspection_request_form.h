// The loop-iteration viewer's request form: which looped run, checkpoint and task to inspect,
// which problem (a generated test problem of a chosen length, or typed text) and which stopping
// rule to run it with (oracle T, fixed N, adaptive, optionally looping on past the rule's stop).
// It turns the user's choices into requests (runChosen, problemsRequested, inspectionRequested)
// and shows what went wrong with the last one; the viewer that hosts it draws the answers.
#pragma once

#include "inspection/problem_inspection.h"
#include "store/run_records.h"

#include <QWidget>

#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace relay {

struct RunRow;

// What the form asks the inference worker for.
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

class InspectionRequestForm : public QWidget {
    Q_OBJECT
public:
    explicit InspectionRequestForm(QWidget* parent = nullptr);

    // Looped runs of the store (others are ignored); keeps the chosen run when still there and
    // emits runChosen when the choice changed.
    void setRuns(const QVector<RunRow>& rows);
    void selectRun(qint64 run); // emits runChosen, also when it was chosen already
    qint64 currentRun() const;
    // The chosen run's checkpoints (newest first) and tasks; requests nothing by itself.
    void setRunInfo(const IterationRunInfo& info);
    qint64 checkpointStep() const; // -1: none listed
    QString task() const;

    // Emits problemsRequested for the chosen run, checkpoint, task and length (a typed problem
    // stops being the one shown); nothing without a run, a task or live inference.
    void requestProblems();
    // Lists the problems and asks for the first one's inspection.
    void setProblems(const std::vector<Problem>& problems);
    // Emits inspectionRequested for the typed or the chosen generated problem under the chosen
    // rule; nothing without a run, a problem or live inference.
    void requestInspection();

    void typeProblem(const QString& text); // as if typed and submitted with Enter
    void setLength(int length);
    // Chooses the rule and asks once for the inspection under it. fixedIterations 0 keeps N;
    // maximumIterations 0: the rule's own limit.
    void setRule(const QString& rule, int fixedIterations = 0, int maximumIterations = 0);
    QString rule() const;      // "oracle", "fixed" or "adaptive"
    QString ruleLabel() const; // as the user reads it, e.g. "fixed N"

    // An error about the last request; a typed problem that failed is framed red.
    void showError(const QString& message);
    void clearError();
    // Off in builds without the engine: the controls that need it are disabled and a note
    // says why; the run stays choosable (its probe snapshots need no engine).
    void setLiveInferenceAvailable(bool available, const QString& reason);

    QComboBox* problemList() const { return m_problems; }
    QLabel* errorLabel() const { return m_error; }
    QSpinBox* fixedIterations() const { return m_fixed; }

Q_SIGNALS:
    void runChosen(qint64 run);
    void problemsRequested(qint64 run, qint64 checkpointStep, const QString& task, int length);
    void inspectionRequested(const relay::InspectionRequest& request);

private:
    void submitTyped();

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
    QLabel* m_liveNote;

    std::vector<Problem> m_problemSet;
    bool m_typedActive = false;
    bool m_liveAvailable = true;
    bool m_updating = false; // filled by code: no requests
};

} // namespace relay

Q_DECLARE_METATYPE(relay::InspectionRequest)
