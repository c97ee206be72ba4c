#include "hit_matrix_panel.h"

#include "qcustomplot_include.h"
#include "run_chooser.h"
#include "store/run_store.h"
#include "store_access.h"
#include "store_query.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QToolTip>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

namespace relay {

HitMatrixPanel::HitMatrixPanel(StoreAccess* store, QWidget* parent)
    : QWidget(parent), m_store(store) {
    m_runs = new QComboBox;
    m_runs->setMinimumContentsLength(20);
    m_compute = new QPushButton(tr("Compute with the engine"));
    m_compute->setObjectName(QStringLiteral("hitMatrixCompute"));
    m_compute->setToolTip(tr("Runs relay eval RUN --hit-matrix LENGTH and stores the result"));
    m_compute->hide();
    m_status = new QLabel;
    m_status->setWordWrap(true);
    m_plot = new QCustomPlot;
    m_plot->setMinimumSize(300, 260);
    m_plot->setBackground(palette().color(QPalette::Base));
    for (QCPAxis* axis : {m_plot->xAxis, m_plot->yAxis}) {
        axis->setBasePen(QPen(palette().color(QPalette::Text)));
        axis->setTickPen(QPen(palette().color(QPalette::Text)));
        axis->setSubTickPen(Qt::NoPen);
        axis->setTickLabelColor(palette().color(QPalette::Text));
        axis->setLabelColor(palette().color(QPalette::Text));
        axis->grid()->setVisible(false);
    }
    m_plot->xAxis->setLabel(tr("token position within the step"));
    m_plot->yAxis->setLabel(tr("CoT step t"));
    m_plot->yAxis->setRangeReversed(true); // step 1 at the top, as the chain reads
    m_map = new QCPColorMap(m_plot->xAxis, m_plot->yAxis);
    m_scale = new QCPColorScale(m_plot);
    m_plot->plotLayout()->addElement(0, 1, m_scale);
    m_scale->setLabel(tr("token accuracy"));
    m_scale->axis()->setTickLabelColor(palette().color(QPalette::Text));
    m_scale->axis()->setLabelColor(palette().color(QPalette::Text));
    m_map->setColorScale(m_scale);
    QCPColorGradient gradient(QCPColorGradient::gpThermal);
    gradient.setNanHandling(QCPColorGradient::nhTransparent);
    m_map->setGradient(gradient);
    m_map->setDataRange(QCPRange(0, 1));
    m_map->setInterpolate(false);
    auto* margins = new QCPMarginGroup(m_plot);
    m_plot->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    m_scale->setMarginGroup(QCP::msBottom | QCP::msTop, margins);

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Run")));
    top->addWidget(m_runs, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_plot, 1);
    layout->addWidget(m_status);
    layout->addWidget(m_compute);

    connect(m_runs, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_updating)
            reload();
    });
    connect(m_compute, &QPushButton::clicked, this, [this] {
        m_compute->setEnabled(false);
        m_status->setText(tr("Computing the hit matrix of length %1…").arg(m_length));
        Q_EMIT computeRequested(currentRun(), m_length);
    });
    m_plot->setMouseTracking(true);
    connect(m_plot, &QCustomPlot::mouseMove, this, [this](QMouseEvent* event) {
        const QString text = hoverText(m_plot->xAxis->pixelToCoord(event->position().x()),
                                       m_plot->yAxis->pixelToCoord(event->position().y()));
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(event->globalPosition().toPoint(), text, m_plot);
    });
}

void HitMatrixPanel::setRuns(const QVector<RunRow>& rows, RunKind preferredKind) {
    const qint64 before = currentRun();
    fillRunChooser(
        m_runs, rows, [](const RunRow&) { return true; },
        [preferredKind](const RunRow& row) { return row.run.kind == preferredKind; });
    if (currentRun() != before)
        reload();
}

void HitMatrixPanel::selectRun(qint64 run) {
    const int index = m_runs->findData(QVariant::fromValue<qint64>(run));
    if (index >= 0)
        m_runs->setCurrentIndex(index);
}

qint64 HitMatrixPanel::currentRun() const {
    return m_runs->currentIndex() >= 0 ? m_runs->currentData().toLongLong() : -1;
}

void HitMatrixPanel::setLength(int length) {
    if (length == m_length)
        return;
    m_length = length;
    reload();
}

void HitMatrixPanel::reload() {
    m_loaded = false;
    const qint64 run = currentRun();
    const int length = m_length;
    if (run < 0 || length <= 0) {
        setMatrix({});
        return;
    }
    queryStore<HitMatrixRecord>(
        m_store, this, [run, length](RunStore& store) { return store.hitMatrix(run, length); },
        [this, run, length](const HitMatrixRecord& matrix, const QString& error) {
            if (run != currentRun() || length != m_length)
                return; // the choice changed meanwhile
            setMatrix(matrix);
            if (!error.isEmpty())
                m_status->setText(tr("Store: %1").arg(error));
        });
}

void HitMatrixPanel::setMatrix(const HitMatrixRecord& matrix) {
    m_matrix = matrix;
    m_rows = 0;
    m_columns = 0;
    for (const HitCell& cell : matrix.cells) {
        m_rows = std::max(m_rows, cell.cotStep);
        m_columns = std::max(m_columns, cell.position + 1);
    }
    QCPColorMapData* data = m_map->data();
    data->setSize(std::max(1, m_columns), std::max(1, m_rows));
    data->setRange(QCPRange(0, std::max(0, m_columns - 1)), QCPRange(1, std::max(1, m_rows)));
    data->fill(std::numeric_limits<double>::quiet_NaN());
    double sum = 0;
    for (const HitCell& cell : matrix.cells) {
        data->setCell(cell.position, cell.cotStep - 1, cell.accuracy);
        sum += cell.accuracy;
    }
    m_plot->xAxis->setRange(-0.5, std::max(0, m_columns - 1) + 0.5);
    m_plot->yAxis->setRange(0.5, std::max(1, m_rows) + 0.5);
    const bool empty = matrix.cells.empty();
    m_compute->setVisible(empty && currentRun() >= 0 && m_length > 0);
    m_compute->setEnabled(true);
    m_status->setText(
        empty ? tr("The store has no hit matrix of length %1 for this run.").arg(m_length)
              : tr("length %1 · training step %2 · %3 × %4 cells · mean %5")
                    .arg(matrix.length)
                    .arg(matrix.step)
                    .arg(m_rows)
                    .arg(m_columns)
                    .arg(sum / double(matrix.cells.size()), 0, 'f', 3));
    m_loaded = true;
    m_plot->replot();
    Q_EMIT matrixShown();
}

double HitMatrixPanel::valueAt(int cotStep, int position) const {
    for (const HitCell& cell : m_matrix.cells)
        if (cell.cotStep == cotStep && cell.position == position)
            return cell.accuracy;
    return std::numeric_limits<double>::quiet_NaN();
}

QString HitMatrixPanel::hoverText(double x, double y) const {
    const int position = static_cast<int>(std::lround(x));
    const int cotStep = static_cast<int>(std::lround(y));
    for (const HitCell& cell : m_matrix.cells)
        if (cell.cotStep == cotStep && cell.position == position)
            return tr("step %1, position %2: accuracy %3 (%4 samples)")
                .arg(cotStep)
                .arg(position)
                .arg(cell.accuracy, 0, 'f', 3)
                .arg(cell.samples);
    return {};
}

} // namespace relay
