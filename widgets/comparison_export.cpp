#include "comparison_export.h"

#include "qcustomplot_include.h"

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

bool exportComparisonCsv(const QMap<std::int64_t, RunData>& runs, XAxisMode mode,
                         const QString& metric, const QStringList& preferred, const QString& path,
                         QString* error) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) {
        setError(error, file.errorString());
        return false;
    }
    QTextStream out(&file);
    out << "run,name,chart,x,y\n";
    for (auto it = runs.cbegin(); it != runs.cend(); ++it) {
        const QString name = csvField(QString::fromStdString(it->run.name));
        const XYSeries curve = metricSeries(*it, mode).value(metric);
        for (int i = 0; i < curve.x.size(); ++i)
            out << it.key() << ',' << name << ',' << csvField(metric) << ',' << curve.x[i] << ','
                << QString::number(curve.y[i], 'g', 10) << '\n';
        const XYSeries accuracy = accuracyByLengthAtEnd(*it, preferred);
        for (int i = 0; i < accuracy.x.size(); ++i)
            out << it.key() << ',' << name << ",accuracy_by_length," << accuracy.x[i] << ','
                << QString::number(accuracy.y[i], 'g', 10) << '\n';
    }
    out.flush();
    if (file.error() != QFileDevice::NoError) {
        setError(error, file.errorString());
        return false;
    }
    return true;
}

} // namespace relay
