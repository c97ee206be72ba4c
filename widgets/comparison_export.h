// Exports of a run comparison: two charts stacked as PNG (pixels) or PDF (vectors), and the
// data they draw as CSV. Free functions over the plots and the runs' data, so the view only
// chooses the file.
#pragma once

#include "run_series.h"

#include <QColor>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <vector>

class QCustomPlot;

namespace relay {

// `top` above `bottom`, each at the export size, on `background`.
bool exportChartsPng(QCustomPlot* top, QCustomPlot* bottom, const QColor& background,
                     const QString& path, QString* error = nullptr);
bool exportChartsPdf(QCustomPlot* top, QCustomPlot* bottom, const QString& path,
                     QString* error = nullptr);

// One line the comparison draws: one run, or a group of runs that differ only in their seed
// (seed_groups.h), and the name the CSV gives it.
struct ComparisonLine {
    std::vector<const RunData*> runs;
    QString name;
};

// One row per drawn point: run (the id, or a group's ids separated by spaces), name, chart (the
// metric, or the accuracy chart's measure: answer_accuracy_by_length, token_accuracy_by_length
// or step_accuracy_at_length_<length>, measureCsvChart), x, y (a group's mean), y_min, y_max (a
// group's band; y for a single run) and seeds (how many of the runs have that x). The metric
// curve is `metric` along `mode`; the accuracy chart is `measure` at the first stopping rule of
// `preferred` a run has (StepAccuracy: by CoT step at test `length`). The aggregation is the
// drawing's own (seedBandOfMetric, seedBandOfAccuracy).
bool exportComparisonCsv(const std::vector<ComparisonLine>& lines, XAxisMode mode,
                         const QString& metric, const QStringList& preferred, EvalMeasure measure,
                         int length, const QString& path, QString* error = nullptr);

} // namespace relay
