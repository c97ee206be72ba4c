// Exports of a run comparison: two charts stacked as PNG (pixels) or PDF (vectors), and the
// data they draw as CSV. Free functions over the plots and the runs' data, so the view only
// chooses the file.
#pragma once

#include "run_series.h"

#include <QColor>
#include <QMap>
#include <QString>
#include <QStringList>

#include <cstdint>

class QCustomPlot;

namespace relay {

// `top` above `bottom`, each at the export size, on `background`.
bool exportChartsPng(QCustomPlot* top, QCustomPlot* bottom, const QColor& background,
                     const QString& path, QString* error = nullptr);
bool exportChartsPdf(QCustomPlot* top, QCustomPlot* bottom, const QString& path,
                     QString* error = nullptr);

// One line per drawn point: run, name, chart (the metric or accuracy_by_length), x, y. The
// metric curve is `metric` along `mode`; the accuracy by length uses the first stopping rule
// of `preferred` a run has.
bool exportComparisonCsv(const QMap<std::int64_t, RunData>& runs, XAxisMode mode,
                         const QString& metric, const QStringList& preferred, const QString& path,
                         QString* error = nullptr);

} // namespace relay
