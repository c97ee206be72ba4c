#include "curve_plot.h"

#include "curve_math.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace relay {

void styleAccuracyByLengthChart(QCustomPlot* plot, const QString& title, const QPalette& colours) {
    plot->setBackground(colours.brush(QPalette::Base));
    plot->plotLayout()->insertRow(0);
    const QFont font = plot->font();
    auto* element =
        new QCPTextElement(plot, title, QFont(font.family(), font.pointSize(), QFont::DemiBold));
    element->setTextColor(colours.color(QPalette::Text));
    plot->plotLayout()->addElement(0, 0, element);
    for (QCPAxis* axis : {plot->xAxis, plot->yAxis}) {
        axis->setBasePen(QPen(colours.color(QPalette::Text)));
        axis->setTickPen(QPen(colours.color(QPalette::Text)));
        axis->setSubTickPen(QPen(colours.color(QPalette::Text)));
        axis->setTickLabelColor(colours.color(QPalette::Text));
        axis->setLabelColor(colours.color(QPalette::Text));
    }
    plot->xAxis->setLabel(QObject::tr("test length (complexity)"));
    plot->yAxis->setLabel(QObject::tr("answer accuracy"));
    plot->legend->setVisible(true);
    plot->legend->setBrush(colours.brush(QPalette::Base));
    plot->legend->setTextColor(colours.color(QPalette::Text));
}

void shadeTrainingLengths(QCustomPlot* plot, int first, int last, const QPalette& colours) {
    auto* range = new QCPItemRect(plot);
    range->topLeft->setType(QCPItemPosition::ptPlotCoords);
    range->bottomRight->setType(QCPItemPosition::ptPlotCoords);
    range->topLeft->setCoords(first - 0.5, 1.05);
    range->bottomRight->setCoords(last + 0.5, -0.05);
    QColor shade = colours.color(QPalette::Highlight);
    shade.setAlpha(40);
    range->setBrush(shade);
    range->setPen(Qt::NoPen);
    range->setLayer(QStringLiteral("background"));
    auto* label = new QCPItemText(plot);
    label->position->setType(QCPItemPosition::ptPlotCoords);
    label->position->setCoords((first + last) / 2.0, 1.03);
    label->setText(QObject::tr("training lengths"));
    label->setColor(colours.color(QPalette::Text));
}

BandGraphs addBandGraphs(QCustomPlot* plot, const QColor& color) {
    static const QString bands = QStringLiteral("bands");
    if (!plot->layer(bands))
        plot->addLayer(bands, plot->layer(QStringLiteral("main")), QCustomPlot::limBelow);
    BandGraphs band;
    band.lower = plot->addGraph();
    band.upper = plot->addGraph();
    QColor shade = color;
    shade.setAlpha(55); // light on a light background, dark on a dark one
    for (QCPGraph* bound : {band.lower, band.upper}) {
        bound->setLayer(bands);
        bound->setPen(Qt::NoPen);
        bound->removeFromLegend();
        bound->setAdaptiveSampling(false);
    }
    band.upper->setBrush(shade);
    band.upper->setChannelFillGraph(band.lower);
    return band;
}

CurvePlot::CurvePlot(const QString& title, QWidget* parent) : QCustomPlot(parent) {
    setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    // Zoom and drag along x only by default: curves share a step axis, y follows the data.
    axisRect()->setRangeDrag(Qt::Horizontal | Qt::Vertical);
    axisRect()->setRangeZoom(Qt::Horizontal);
    setNoAntialiasingOnDrag(true);
    plotLayout()->insertRow(0);
    m_title = new QCPTextElement(this, title,
                                 QFont(font().family(), font().pointSize(), QFont::DemiBold));
    plotLayout()->addElement(0, 0, m_title);
    legend->setVisible(false);
    legend->setFont(QFont(font().family(), std::max(7, font().pointSize() - 1)));
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    m_emptyText = new QCPItemText(this);
    m_emptyText->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_emptyText->position->setCoords(0.5, 0.5);
    m_emptyText->setText(tr("No data yet"));
    m_emptyText->setColor(palette().color(QPalette::PlaceholderText));

    // Follow the system palette (light or dark).
    const QPalette colours = palette();
    setBackground(colours.brush(QPalette::Base));
    m_title->setTextColor(colours.color(QPalette::Text));
    for (QCPAxis* axis : {xAxis, yAxis}) {
        axis->setBasePen(QPen(colours.color(QPalette::Text)));
        axis->setTickPen(QPen(colours.color(QPalette::Text)));
        axis->setSubTickPen(QPen(colours.color(QPalette::Text)));
        axis->setTickLabelColor(colours.color(QPalette::Text));
        axis->setLabelColor(colours.color(QPalette::Text));
        QColor grid = colours.color(QPalette::Mid);
        grid.setAlpha(90);
        axis->grid()->setPen(QPen(grid, 0, Qt::DotLine));
    }
    QColor legendBackground = colours.color(QPalette::Base);
    legendBackground.setAlpha(200); // curves stay visible beneath the legend
    legend->setBrush(legendBackground);
    legend->setBorderPen(QPen(colours.color(QPalette::Mid)));
    legend->setRowSpacing(0);
    legend->setTextColor(colours.color(QPalette::Text));

    connect(xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this,
            [this] { redrawSeries(); });
    connect(this, &QCustomPlot::mousePress, this, [this] {
        m_following = false;
        Q_EMIT userMovedView();
    });
    connect(this, &QCustomPlot::mouseWheel, this, [this] {
        m_following = false;
        Q_EMIT userMovedView();
    });
}

void CurvePlot::resizeEvent(QResizeEvent* event) {
    QCustomPlot::resizeEvent(event);
    redrawSeries(); // the bucket count follows the width in pixels
}

int CurvePlot::addSeries(const QString& name, const QColor& color) {
    Series series;
    series.name = name;
    series.color = color;
    series.raw = addGraph();
    QColor faint = color;
    faint.setAlpha(60);
    series.raw->setPen(QPen(faint, 1));
    series.raw->removeFromLegend();
    series.raw->setAdaptiveSampling(false); // we decimate ourselves
    series.line = addGraph();
    series.line->setName(name);
    series.line->setPen(QPen(color, 1.6));
    series.line->setAdaptiveSampling(false);
    m_series.append(series);
    legend->setVisible(m_series.size() > 1);
    m_emptyText->setVisible(false);
    return m_series.size() - 1;
}

void CurvePlot::clearSeries() {
    clearGraphs();
    m_series.clear();
    legend->setVisible(false);
    m_emptyText->setVisible(true);
}

void CurvePlot::setLegendColumns(int columns) {
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, false);
    legend->setWrap(std::max(1, columns));
}

void CurvePlot::setLegendBelow() {
    // Long series names (run labels) would cover the curves inside the axis rect.
    axisRect()->insetLayout()->take(legend);
    plotLayout()->addElement(plotLayout()->rowCount(), 0, legend);
    plotLayout()->setRowStretchFactor(plotLayout()->rowCount() - 1, 0.001);
    legend->setBorderPen(Qt::NoPen);
}

void CurvePlot::setEmptyMessage(const QString& message) {
    m_emptyText->setText(message);
}

void CurvePlot::setSeriesData(int index, QVector<double> x, QVector<double> y) {
    Series& series = m_series[index];
    series.x = std::move(x);
    series.y = std::move(y);
    updateSmoothed(series);
    if (m_following)
        fitToData(); // redraws through rangeChanged
    else
        redrawSeries();
}

void CurvePlot::setSeriesBand(int index, QVector<double> lower, QVector<double> upper) {
    Series& series = m_series[index];
    if (!series.band.upper)
        series.band = addBandGraphs(this, series.color);
    series.lower = std::move(lower);
    series.upper = std::move(upper);
    updateSmoothed(series);
    if (m_following)
        fitToData();
    else
        redrawSeries();
}

void CurvePlot::updateSmoothed(Series& series) {
    const auto smooth = [this](const QVector<double>& values) {
        return m_smoothing > 0 && !values.isEmpty() ? debiasedEma(values, m_smoothing)
                                                    : QVector<double>();
    };
    series.smoothed = smooth(series.y);
    series.smoothedLower = smooth(series.lower); // the band smoothed like its line
    series.smoothedUpper = smooth(series.upper);
}

int CurvePlot::drawnPointCount(int series) const {
    return m_series.at(series).line->dataCount();
}

void CurvePlot::setSmoothing(double weight) {
    m_smoothing = std::clamp(weight, 0.0, 0.999);
    for (Series& series : m_series)
        updateSmoothed(series);
    redrawSeries();
}

void CurvePlot::setLogScale(bool logarithmic) {
    m_logScale = logarithmic;
    yAxis->setScaleType(logarithmic ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (logarithmic)
        yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    else
        yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
    fitToData();
}

void CurvePlot::setAxisLabels(const QString& x, const QString& y) {
    xAxis->setLabel(x);
    yAxis->setLabel(y);
}

void CurvePlot::fitToData() {
    double xMin = std::numeric_limits<double>::max(), xMax = std::numeric_limits<double>::lowest();
    double yMin = xMin, yMax = xMax;
    for (const Series& series : m_series) {
        if (series.x.isEmpty())
            continue;
        xMin = std::min(xMin, series.x.first());
        xMax = std::max(xMax, series.x.last());
        for (const QVector<double>* values : {&series.y, &series.lower, &series.upper})
            for (double value : *values) {
                if (!std::isfinite(value) || (m_logScale && value <= 0))
                    continue;
                yMin = std::min(yMin, value);
                yMax = std::max(yMax, value);
            }
    }
    if (xMin > xMax) {
        replot(rpQueuedReplot);
        return;
    }
    if (xMax == xMin)
        xMax = xMin + 1;
    if (yMin > yMax)
        yMin = yMax = m_logScale ? 1 : 0;
    if (m_logScale) {
        yAxis->setRange(yMin / 1.3, yMax * 1.3);
    } else {
        const double margin = yMax > yMin ? 0.05 * (yMax - yMin) : std::max(0.05, 0.05 * yMax);
        yAxis->setRange(yMin - margin, yMax + margin);
    }
    const QCPRange before = xAxis->range();
    xAxis->setRange(xMin, xMax);
    if (before == xAxis->range()) // rangeChanged not emitted: redraw ourselves
        redrawSeries();
}

void CurvePlot::redrawSeries() {
    if (m_redrawing)
        return;
    m_redrawing = true;
    const QCPRange range = xAxis->range();
    const int buckets = std::max(100, width());
    QVector<double> drawX, drawY;
    for (Series& series : m_series) {
        const int first = std::max(0, lowerIndex(series.x, range.lower) - 1);
        const int last = std::min<int>(series.x.size(), lowerIndex(series.x, range.upper) + 1);
        const bool smoothing = !series.smoothed.isEmpty();
        // More points than pixel columns draw as a dense zigzag: antialiasing it costs ~5x the
        // frame time and changes nothing visible.
        const bool dense = last - first > 2 * buckets;
        series.raw->setAntialiased(!dense);
        series.line->setAntialiased(!dense);
        series.line->setPen(QPen(series.color, dense ? 1.0 : 1.6)); // wide pens are stroked
        decimateMinMax(series.x, series.y, first, last, buckets, drawX, drawY);
        if (smoothing) {
            series.raw->setData(drawX, drawY, true);
            series.raw->setVisible(true);
            decimateMinMax(series.x, series.smoothed, first, last, buckets, drawX, drawY);
        } else {
            series.raw->data()->clear();
            series.raw->setVisible(false);
        }
        series.line->setData(drawX, drawY, true);
        if (series.band.upper) {
            const auto drawBound = [&](QCPGraph* graph, const QVector<double>& raw,
                                       const QVector<double>& smoothed) {
                decimateMinMax(series.x, smoothing ? smoothed : raw, first, last, buckets, drawX,
                               drawY);
                graph->setData(drawX, drawY, true);
            };
            drawBound(series.band.lower, series.lower, series.smoothedLower);
            drawBound(series.band.upper, series.upper, series.smoothedUpper);
        }
    }
    m_redrawing = false;
    replot(rpQueuedReplot);
}

} // namespace relay
