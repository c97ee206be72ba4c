// RunComparisonView's exports: both charts stacked as PNG or PDF, the drawn data as CSV.
#include "curve_plot.h"
#include "run_comparison_view.h"
#include "run_series.h"

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

bool RunComparisonView::exportPng(const QString& path, QString* error) const {
    QImage image(kExportWidth, 2 * kChartHeight, QImage::Format_ARGB32);
    image.fill(palette().color(QPalette::Base));
    QPainter painter(&image);
    painter.drawPixmap(0, 0, m_overlay->toPixmap(kExportWidth, kChartHeight));
    painter.drawPixmap(0, kChartHeight, m_accuracy->toPixmap(kExportWidth, kChartHeight));
    painter.end();
    if (!image.save(path, "PNG")) {
        setError(error, tr("the PNG could not be written"));
        return false;
    }
    return true;
}

bool RunComparisonView::exportPdf(const QString& path, QString* error) const {
    QFile probe(path);
    if (!probe.open(QIODevice::WriteOnly)) {
        setError(error, probe.errorString());
        return false;
    }
    probe.close();
    QPdfWriter writer(path);
    writer.setTitle(tr("RELAY run comparison"));
    writer.setCreator(QStringLiteral("RELAY Workbench"));
    writer.setPageSize(QPageSize(QPageSize::A4));
    writer.setPageOrientation(QPageLayout::Portrait);
    writer.setResolution(96);
    QCPPainter painter(&writer);
    if (!painter.isActive()) {
        setError(error, tr("the PDF could not be started"));
        return false;
    }
    // Vector output: QCustomPlot draws straight onto the PDF painter.
    const QRect page = painter.viewport();
    const int width = page.width();
    const int height = page.height() / 2 - 10;
    painter.save();
    m_overlay->toPainter(&painter, width, height);
    painter.restore();
    painter.translate(0, height + 20);
    m_accuracy->toPainter(&painter, width, height);
    painter.end();
    return true;
}

bool RunComparisonView::exportCsv(const QString& path, QString* error) const {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) {
        setError(error, file.errorString());
        return false;
    }
    QTextStream out(&file);
    out << "run,name,chart,x,y\n";
    const XAxisMode mode = m_xAxis->currentIndex() == 0 ? XAxisMode::Step : XAxisMode::WallTime;
    const QString metric = m_metric->currentText();
    const QStringList preferred = {m_stopping->currentData().toString(), QStringLiteral("greedy"),
                                   QStringLiteral("oracle")};
    for (auto it = m_data.cbegin(); it != m_data.cend(); ++it) {
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
