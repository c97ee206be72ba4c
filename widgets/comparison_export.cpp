#include "comparison_export.h"

#include "qcustomplot_include.h"
#include "seed_groups.h"

#include <QFile>
#include <QImage>
#include <QPainter>
#include <QPdfWriter>
#include <QTextStream>

namespace relay {
namespace {

constexpr int kExportWidth = 1200;
constexpr int kChartHeight = 520;

void setError(QString* error, const QString& message) {
    if (error)
        *error = message;
}

QString csvField(QString text) {
    if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"')) ||
        text.contains(QLatin1Char('\n')))
        return QLatin1Char('"') + text.replace(QLatin1Char('"'), QStringLiteral("\"\"")) +
               QLatin1Char('"');
    return text;
}

} // namespace

bool exportChartsPng(QCustomPlot* top, QCustomPlot* bottom, const QColor& background,
                     const QString& path, QString* error) {
    QImage image(kExportWidth, 2 * kChartHeight, QImage::Format_ARGB32);
    image.fill(background);
    QPainter painter(&image);
    painter.drawPixmap(0, 0, top->toPixmap(kExportWidth, kChartHeight));
    painter.drawPixmap(0, kChartHeight, bottom->toPixmap(kExportWidth, kChartHeight));
    painter.end();
    if (!image.save(path, "PNG")) {
        setError(error, QObject::tr("the PNG could not be written"));
        return false;
    }
    return true;
}

bool exportChartsPdf(QCustomPlot* top, QCustomPlot* bottom, const QString& path, QString* error) {
    QFile probe(path);
    if (!probe.open(QIODevice::WriteOnly)) {
        setError(error, probe.errorString());
        return false;
    }
    probe.close();
    QPdfWriter writer(path);
    writer.setTitle(QObject::tr("RELAY run comparison"));
    writer.setCreator(QStringLiteral("RELAY Workbench"));
    writer.setPageSize(QPageSize(QPageSize::A4));
    writer.setPageOrientation(QPageLayout::Portrait);
    writer.setResolution(96);
    QCPPainter painter(&writer);
    if (!painter.isActive()) {
        setError(error, QObject::tr("the PDF could not be started"));
        return false;
    }
    // Vector output: QCustomPlot draws straight onto the PDF painter.
    const QRect page = painter.viewport();
    const int width = page.width();
    const int height = page.height() / 2 - 10;
    painter.save();
    top->toPainter(&painter, width, height);
    painter.restore();
    painter.translate(0, height + 20);
    bottom->toPainter(&painter, width, height);
    painter.end();
    return true;
}

bool exportComparisonCsv(const std::vector<ComparisonLine>& lines, XAxisMode mode,
                         const QString& metric, const QStringList& preferred, EvalMeasure measure,
                         int length, const QString& path, QString* error) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) {
        setError(error, file.errorString());
        return false;
    }
    QTextStream out(&file);
    out << "run,name,chart,x,y,y_min,y_max,seeds\n";
    const auto number = [](double value) { return QString::number(value, 'g', 10); };
    for (const ComparisonLine& line : lines) {
        QStringList ids;
        for (const RunData* run : line.runs)
            ids.append(QString::number(run->run.id));
        const QString start = ids.join(QLatin1Char(' ')) + QLatin1Char(',') + csvField(line.name);
        const auto write = [&](const QString& chart, const SeedBand& band) {
            for (int i = 0; i < band.x.size(); ++i)
                out << start << ',' << chart << ',' << number(band.x[i]) << ','
                    << number(band.mean[i]) << ',' << number(band.min[i]) << ','
                    << number(band.max[i]) << ',' << band.runs[i] << '\n';
        };
        write(csvField(metric), seedBandOfMetric(line.runs, metric, mode));
        write(measureCsvChart(measure, length),
              seedBandOfAccuracy(line.runs, preferred, nullptr, measure, length));
    }
    out.flush();
    if (file.error() != QFileDevice::NoError) {
        setError(error, file.errorString());
        return false;
    }
    return true;
}

} // namespace relay
