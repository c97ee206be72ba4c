#include "frontier_chart.h"

#include "curve_plot.h"
#include "series_colors.h"
#include "store/length_frontier.h"

#include <QHeaderView>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace relay {

FrontierChart::FrontierChart(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* split = new QSplitter(Qt::Vertical, this);
    m_plot = new QCustomPlot(split);
    m_plot->setObjectName(QStringLiteral("frontierPlot"));
    m_plot->setMinimumSize(300, 200);
    m_table = new QTableWidget(split);
    m_table->setObjectName(QStringLiteral("frontierTable"));
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->setColumnCount(4);
    m_table->setHorizontalHeaderLabels({tr("round"), tr("run"), tr("frontier"), tr("name")});
    m_table->horizontalHeader()->setStretchLastSection(true);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    layout->addWidget(split);

    styleAccuracyByLengthChart(
        m_plot, tr("Frontier by round: answer accuracy by length, frontier marked"), palette());
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignLeft);
}

void FrontierChart::setRuns(const std::vector<const RunData*>& runs,
                            const QStringList& preferredStopping) {
    m_lines = frontierLines(runs, preferredStopping);
    draw();
    fillTable();
}

void FrontierChart::draw() {
    m_plot->clearGraphs();
    m_plot->clearItems();
    const QColor text = palette().color(QPalette::Text);
    int longest = 1, trainingFirst = 0, trainingLast = 0;
    for (const FrontierLine& line : m_lines) {
        const QColor colour = seriesColor(line.round);
        QCPGraph* graph = m_plot->addGraph();
        graph->setName(tr("round %1 · run %2").arg(line.round).arg(line.run));
        graph->setPen(QPen(colour, 2));
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 6));
        graph->setData(line.accuracy.x, line.accuracy.y, true);
        if (!line.accuracy.x.isEmpty())
            longest = std::max(longest, static_cast<int>(line.accuracy.x.last()));
        if (trainingLast == 0) { // the first line's, as the accuracy chart beside it does
            trainingFirst = line.trainingFirst;
            trainingLast = line.trainingLength;
        }
        if (!line.frontier)
            continue;
        // A drop line at the frontier, offset a little per round so equal frontiers stay apart.
        const double x = *line.frontier + 0.06 * (line.round - 1);
        auto* drop = new QCPItemLine(m_plot);
        drop->start->setCoords(x, -0.02);
        drop->end->setCoords(x, 1.0);
        drop->setPen(QPen(colour, 1.5, Qt::DashLine));
        auto* label = new QCPItemText(m_plot);
        label->position->setCoords(x + 0.04, 0.95 - 0.1 * (line.round % 8));
        label->setPositionAlignment(Qt::AlignLeft | Qt::AlignVCenter);
        label->setText(QStringLiteral(" r%1: %2").arg(line.round).arg(*line.frontier));
        label->setColor(colour);
    }
    if (!m_lines.empty()) {
        auto* half = new QCPItemLine(m_plot);
        half->start->setCoords(0.5, kFrontierAccuracy);
        half->end->setCoords(longest + 0.5, kFrontierAccuracy);
        half->setPen(QPen(text, 1, Qt::DotLine));
    }
    if (trainingLast > 0)
        shadeTrainingLengths(m_plot, trainingFirst, trainingLast, palette());
    m_plot->xAxis->setRange(0.5, longest + 0.5);
    m_plot->yAxis->setRange(-0.02, 1.06);
    m_plot->xAxis->ticker()->setTickCount(std::min(longest, 12));
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void FrontierChart::fillTable() {
    m_table->setRowCount(static_cast<int>(m_lines.size()));
    for (int row = 0; row < static_cast<int>(m_lines.size()); ++row) {
        const FrontierLine& line = m_lines[static_cast<std::size_t>(row)];
        const QStringList cells = {QString::number(line.round), QString::number(line.run),
                                   line.frontier ? QString::number(*line.frontier)
                                                 : tr("none (all above 0.5)"),
                                   line.name};
        for (int column = 0; column < cells.size(); ++column) {
            auto* item = new QTableWidgetItem(cells[column]);
            if (column == 0)
                item->setForeground(seriesColor(line.round));
            m_table->setItem(row, column, item);
        }
    }
    m_table->resizeColumnsToContents();
}

} // namespace relay
