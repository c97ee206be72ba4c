#include "confidence_trace_plot.h"

#include "qcustomplot_include.h"
#include "series_colors.h"

#include <QVBoxLayout>

#include <cmath>

namespace relay {

ConfidenceTracePlot::ConfidenceTracePlot(QWidget* parent)
    : QWidget(parent), m_plot(new QCustomPlot(this)) {
    setObjectName(QStringLiteral("confidenceTrace"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    m_plot->setMinimumHeight(120);
    m_plot->setBackground(palette().color(QPalette::Base));
    for (QCPAxis* axis : {m_plot->xAxis, m_plot->yAxis}) {
        axis->setBasePen(QPen(palette().color(QPalette::Text)));
        axis->setTickPen(QPen(palette().color(QPalette::Text)));
        axis->setSubTickPen(QPen(palette().color(QPalette::Text)));
        axis->setTickLabelColor(palette().color(QPalette::Text));
        axis->setLabelColor(palette().color(QPalette::Text));
    }
    m_plot->xAxis->setLabel(tr("iteration t"));
    m_plot->yAxis->setLabel(tr("stop score (lower = surer)"));
    m_plot->xAxis->ticker()->setTickStepStrategy(QCPAxisTicker::tssReadability);
    m_plot->addGraph();
    m_plot->graph(0)->setPen(QPen(seriesColor(0), 2));
    m_plot->graph(0)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
    m_plot->graph(0)->setName(tr("stop score"));
    m_plot->addGraph(); // the chosen iteration
    m_plot->graph(1)->setLineStyle(QCPGraph::lsNone);
    m_plot->graph(1)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssStar, seriesColor(3), 14));
    m_plot->graph(1)->setName(tr("chosen"));
    m_current = new QCPItemStraightLine(m_plot);
    m_current->setPen(QPen(palette().color(QPalette::Highlight), 1, Qt::DashLine));
    connect(m_plot, &QCustomPlot::mousePress, this, [this](QMouseEvent* event) {
        const double x = m_plot->xAxis->pixelToCoord(event->position().x());
        const int iteration = static_cast<int>(std::lround(x));
        if (iteration >= 1 && iteration <= pointCount())
            Q_EMIT iterationClicked(iteration);
    });
}

int ConfidenceTracePlot::pointCount() const {
    return m_plot->graph(0)->dataCount();
}

void ConfidenceTracePlot::setInspection(const ProblemInspection& inspection, bool showChosen) {
    QVector<double> xs, ys;
    for (const InspectedIteration& row : inspection.iterations) {
        xs.append(row.iteration);
        ys.append(row.uncertainty);
    }
    m_plot->graph(0)->setData(xs, ys, true);
    m_plot->graph(1)->data()->clear();
    const int chosen = inspection.chosenIterations;
    if (showChosen && chosen >= 1 && chosen <= xs.size())
        m_plot->graph(1)->addData(chosen, ys[chosen - 1]);
    m_plot->xAxis->setRange(0.5, std::max<double>(xs.size(), 1) + 0.5);
    bool found = false;
    const QCPRange range = m_plot->graph(0)->data()->valueRange(found);
    m_plot->yAxis->setRange(found ? QCPRange(std::min(0.0, range.lower), range.upper * 1.1 + 1e-3)
                                  : QCPRange(0, 1));
    m_plot->replot();
}

void ConfidenceTracePlot::setCurrentIteration(int iteration) {
    m_current->point1->setCoords(iteration, 0);
    m_current->point2->setCoords(iteration, 1);
    m_current->setVisible(iteration >= 1);
    m_plot->replot();
}

} // namespace relay
