// Turns a run's stored measurements into plot series: one metric by step or by wall time, and
// accuracy per test length over training. Shared by the dashboard and the comparison.
#pragma once

#include "store_access.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QVector>

#include <optional>

namespace relay {

struct XYSeries {
    QVector<double> x, y;
};

enum class XAxisMode { Step, WallTime };

// Metric name -> series, x sorted ascending.
QMap<QString, XYSeries> metricSeries(const RunData& data, XAxisMode mode);

// The stopping rules present in the evaluations ("oracle", "adaptive", "greedy", ...).
QStringList stoppingRules(const std::vector<EvalRecord>& evals);

// Answer accuracy of each test length over training steps, for one stopping rule (wall-time x
// maps each evaluation's step to the wall time of that step's metrics).
QMap<int, XYSeries> accuracyByLengthOverTime(const RunData& data, const QString& stopping,
                                             XAxisMode mode);

// What the comparison's accuracy chart measures at a run's last evaluation: by test length, the
// share of answers right or the share of the chain's (CoT) tokens right (the paper's Fig. 7);
// or, at one test length, the share of each CoT step right, by step.
enum class EvalMeasure { AnswerAccuracy, TokenAccuracy, StepAccuracy };

// The measure's value in an evaluation; nullopt when it was not measured there (a negative or
// non-finite value, the store's "not measured") or is not an evaluation's (StepAccuracy).
std::optional<double> measureOf(const EvalRecord& eval, EvalMeasure measure);
QString measureTitle(EvalMeasure measure); // "answer accuracy", "CoT token accuracy", ...
// The CSV's chart column: "answer_accuracy_by_length", "token_accuracy_by_length",
// "step_accuracy_at_length_<length>".
QString measureCsvChart(EvalMeasure measure, int length = 0);

// `measure` by length at the run's last evaluation, for the first stopping rule of `preferred`
// the run has (looped runs have oracle/adaptive, AR runs greedy); several tasks at one length:
// their mean. Lengths where it was not measured are left out, so a run that never measured it
// has an empty series.
XYSeries accuracyByLengthAtEnd(const RunData& data, const QStringList& preferred,
                               QString* usedStopping = nullptr,
                               EvalMeasure measure = EvalMeasure::AnswerAccuracy);

// Accuracy of each CoT step (x, 1-based) at test `length` in the run's last evaluation that has
// step accuracies (the store keeps them for oracle stopping of looped runs and greedy decoding
// of AR runs); several tasks at one length: their mean. Empty when none was stored there.
XYSeries stepAccuracyAtEnd(const RunData& data, int length);

// The test lengths with step accuracies in the run's last evaluation, ascending.
QList<int> stepAccuracyLengths(const RunData& data);

// Total optimizer steps of a stored config (training.steps, or epochs converted).
std::int64_t totalStepsOf(const RunRecord& run);

} // namespace relay
