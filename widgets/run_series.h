// Turns a run's stored measurements into plot series: one metric by step or by wall time, and
// accuracy per test length over training. Shared by the dashboard and the comparison.
#pragma once

#include "store_access.h"

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

// What the by-length chart measures of an evaluation: the share of answers right, or the share
// of the chain's (CoT) tokens right, the paper's Fig. 7 measure.
enum class EvalMeasure { AnswerAccuracy, TokenAccuracy };

// The measure's value in an evaluation; nullopt when it was not measured there (a negative or
// non-finite value, the store's "not measured").
std::optional<double> measureOf(const EvalRecord& eval, EvalMeasure measure);
QString measureTitle(EvalMeasure measure);    // "answer accuracy", "CoT token accuracy"
QString measureCsvChart(EvalMeasure measure); // the CSV's chart column: "token_accuracy_by_length"

// `measure` by length at the run's last evaluation, for the first stopping rule of `preferred`
// the run has (looped runs have oracle/adaptive, AR runs greedy); several tasks at one length:
// their mean. Lengths where it was not measured are left out, so a run that never measured it
// has an empty series.
XYSeries accuracyByLengthAtEnd(const RunData& data, const QStringList& preferred,
                               QString* usedStopping = nullptr,
                               EvalMeasure measure = EvalMeasure::AnswerAccuracy);

// Total optimizer steps of a stored config (training.steps, or epochs converted).
std::int64_t totalStepsOf(const RunRecord& run);

} // namespace relay
