// Turns a run's stored measurements into plot series: one metric by step or by wall time, and
// answer accuracy per test length over training. Shared by the dashboard and the comparison.
#pragma once

#include "store_access.h"

#include <QMap>
#include <QString>
#include <QStringList>
#include <QVector>

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

// Answer accuracy by length at the run's last evaluation, for the first stopping rule of
// `preferred` the run has (looped runs have oracle/adaptive, AR runs greedy).
XYSeries accuracyByLengthAtEnd(const RunData& data, const QStringList& preferred,
                               QString* usedStopping = nullptr);

// Total optimizer steps of a stored config (training.steps, or epochs converted).
std::int64_t totalStepsOf(const RunRecord& run);

} // namespace relay
