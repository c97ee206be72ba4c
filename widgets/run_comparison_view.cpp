#include "run_comparison_view.h"

#include "closed_set_text.h"
#include "comparison_export.h"
#include "config/stored_config.h"
#include "config_diff.h"
#include "curve_plot.h"
#include "frontier_chart.h"
#include "run_series.h"
#include "run_table_model.h"
#include "seed_groups.h"
#include "series_colors.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace relay {

RunComparisonView::RunComparisonView(StoreAccess* store, RunTableModel* model, QWidget* parent)
    : QWidget(parent), m_store(store), m_model(model) {
    auto* layout = new QHBoxLayout(this);
    auto* side = new QVBoxLayout;
    side->addWidget(new QLabel(tr("Runs to compare:"), this));
    m_runs = new QListWidget(this);
    m_runs->setObjectName(QStringLiteral("comparisonRuns"));
    side->addWidget(m_runs, 1);
    auto* form = new QFormLayout;
    m_metric = new QComboBox(this);
    m_metric->addItems({QStringLiteral("loss"), QStringLiteral("loss_answer"),
                        QStringLiteral("loss_iteration"), QStringLiteral("learning_rate"),
                        QStringLiteral("gradient_norm")});
    m_xAxis = new QComboBox(this);
    m_xAxis->addItems({tr("Step"), tr("Wall time (s)")});
    m_stopping = new QComboBox(this);
    m_stopping->addItem(tr("oracle T (looped), greedy (AR)"), QStringLiteral("oracle"));
    m_stopping->addItem(tr("adaptive (looped), greedy (AR)"), QStringLiteral("adaptive"));
    m_measure = new QComboBox(this);
    m_measure->setObjectName(QStringLiteral("lengthMeasure"));
    m_measure->addItem(tr("Answer accuracy"), int(EvalMeasure::AnswerAccuracy));
    m_measure->addItem(tr("CoT token accuracy"), int(EvalMeasure::TokenAccuracy));
    m_measure->addItem(tr("Accuracy by CoT step at length"), int(EvalMeasure::StepAccuracy));
    m_measure->setToolTip(
        tr("What the accuracy chart draws at each run's last evaluation: by test length, the "
           "share of answers right or the share of the chain's tokens right (the paper's "
           "Fig. 7); or, at the chosen test length, the share of each CoT step right (looped "
           "runs with oracle stopping, AR runs greedy). Runs that did not measure it are left "
           "out."));
    m_stepLength = new QComboBox(this);
    m_stepLength->setObjectName(QStringLiteral("stepLength"));
    m_stepLength->setToolTip(tr("The test length whose CoT steps the chart draws."));
    m_smoothing = new QSlider(Qt::Horizontal, this);
    m_smoothing->setRange(0, 99);
    m_logScale = new QCheckBox(tr("Log scale"), this);
    m_allKeys = new QCheckBox(tr("Show identical keys"), this);
    m_groupSeeds = new QCheckBox(tr("Group seeds"), this);
    m_groupSeeds->setObjectName(QStringLiteral("groupSeeds"));
    m_groupSeeds->setChecked(true);
    m_groupSeeds->setToolTip(
        tr("Runs of one kind whose configs differ only in the seed (and the name) are drawn as "
           "one line, their mean at each step, with the band from their minimum to their "
           "maximum shaded. A step some of them lack is averaged over those that have it."));
    form->addRow(tr("Curve:"), m_metric);
    form->addRow(tr("X axis:"), m_xAxis);
    form->addRow(tr("Smoothing:"), m_smoothing);
    form->addRow(QString(), m_logScale);
    form->addRow(tr("Accuracy:"), m_measure);
    form->addRow(tr("At length:"), m_stepLength);
    form->addRow(tr("Stopping:"), m_stopping);
    form->addRow(QString(), m_groupSeeds);
    form->addRow(QString(), m_allKeys);
    side->addLayout(form);
    auto* exports = new QHBoxLayout;
    for (const QString& format :
         {QStringLiteral("PNG"), QStringLiteral("PDF"), QStringLiteral("CSV")}) {
        auto* button = new QPushButton(tr("Export %1…").arg(format), this);
        connect(button, &QPushButton::clicked, this, [this, format] { askExport(format); });
        exports->addWidget(button);
    }
    side->addLayout(exports);
    auto* sideWidget = new QWidget(this);
    sideWidget->setLayout(side);
    sideWidget->setMaximumWidth(330);

    auto* charts = m_charts = new QSplitter(Qt::Vertical, this);
    auto* top = new QSplitter(Qt::Horizontal, charts);
    m_overlay = new CurvePlot(tr("Training curves"), top);
    m_accuracy = new QCustomPlot(top);
    m_accuracy->setMinimumSize(300, 220);
    m_overlay->setMinimumSize(300, 220);
    m_overlay->setLegendBelow();
    m_bottomTabs = new QTabWidget(charts);
    m_diff = new QTableWidget(m_bottomTabs);
    m_diff->setObjectName(QStringLiteral("configDiff"));
    m_diff->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_diff->verticalHeader()->hide();
    m_diff->setAlternatingRowColors(true);
    m_frontier = new FrontierChart(m_bottomTabs);
    m_bottomTabs->addTab(m_diff, tr("Config differences"));
    m_bottomTabs->addTab(m_frontier, tr("Frontier by round"));
    charts->setStretchFactor(0, 3);
    charts->setStretchFactor(1, 1);
    layout->addWidget(sideWidget);
    layout->addWidget(charts, 1);

    // The accuracy-vs-length chart follows the palette like the curve plots.
    styleAccuracyByLengthChart(m_accuracy, tr("Answer accuracy by length"), palette());
    m_accuracyTitle = qobject_cast<QCPTextElement*>(m_accuracy->plotLayout()->element(0, 0));
    // The legend goes beneath the chart: inside it would hide the short lengths' points.
    m_accuracy->axisRect()->insetLayout()->take(m_accuracy->legend);
    m_accuracy->plotLayout()->addElement(2, 0, m_accuracy->legend);
    m_accuracy->plotLayout()->setRowStretchFactor(2, 0.001);
    m_accuracy->legend->setBorderPen(Qt::NoPen);
    m_accuracy->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);

    connect(m_model, &QAbstractItemModel::modelReset, this, &RunComparisonView::rebuildRunList);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &RunComparisonView::rebuildRunList);
    connect(m_runs, &QListWidget::itemChanged, this, [this] {
        if (!m_updatingList)
            setSelectedRuns(selectedRuns());
    });
    connect(m_store, &StoreAccess::runLoaded, this, &RunComparisonView::onRunLoaded);
    connect(m_metric, &QComboBox::currentTextChanged, this, [this] {
        m_overlay->setFollowing(true);
        redraw();
    });
    connect(m_xAxis, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        m_overlay->setFollowing(true);
        redraw();
    });
    connect(m_stopping, qOverload<int>(&QComboBox::currentIndexChanged), this,
            &RunComparisonView::redraw);
    connect(m_measure, qOverload<int>(&QComboBox::currentIndexChanged), this,
            &RunComparisonView::redraw);
    connect(m_stepLength, qOverload<int>(&QComboBox::currentIndexChanged), this,
            &RunComparisonView::redraw);
    connect(m_allKeys, &QCheckBox::toggled, this, &RunComparisonView::drawDiff);
    connect(m_groupSeeds, &QCheckBox::toggled, this, [this] {
        m_overlay->setFollowing(true);
        redraw();
    });
    connect(m_smoothing, &QSlider::valueChanged, this,
            [this](int value) { m_overlay->setSmoothing(value / 100.0); });
    connect(m_logScale, &QCheckBox::toggled, m_overlay, &CurvePlot::setLogScale);
    m_refresh = new QTimer(this);
    m_refresh->setInterval(2000);
    connect(m_refresh, &QTimer::timeout, this, [this] {
        for (const RunData& data : std::as_const(m_data))
            if (data.run.status == RunStatus::Running)
                m_store->requestRun(data.run.id);
    });
    m_refresh->start();
    rebuildRunList();
}

QString RunComparisonView::runLabel(std::int64_t run) const {
    const RunRow* row = m_model->findRun(run);
    if (!row)
        return tr("run %1").arg(run);
    return QStringLiteral("%1 · %2 (%3)")
        .arg(run)
        .arg(QString::fromStdString(row->run.name), screenText(row->run.kind));
}

QString RunComparisonView::lineName(const std::vector<std::int64_t>& group) const {
    const auto runs = groupData(group);
    if (runs.size() == 1)
        return QString::fromStdString(runs.front()->run.name);
    std::vector<std::string> names;
    for (const RunData* data : runs)
        names.push_back(data->run.name);
    QString name = QString::fromStdString(commonRunName(names));
    if (name.isEmpty())
        name = screenText(runs.front()->run.kind);
    return tr("%1 ×%2 seeds").arg(name).arg(runs.size());
}

QString RunComparisonView::groupLabel(const std::vector<std::int64_t>& group) const {
    if (group.size() == 1)
        return runLabel(group.front());
    QStringList ids;
    for (std::int64_t run : group)
        ids.append(QString::number(run));
    return QStringLiteral("%1 · %2 (%3)")
        .arg(ids.join(QStringLiteral(", ")), lineName(group),
             screenText(groupData(group).front()->run.kind));
}

std::vector<const RunData*>
RunComparisonView::groupData(const std::vector<std::int64_t>& group) const {
    std::vector<const RunData*> runs;
    for (std::int64_t run : group)
        runs.push_back(&*m_data.constFind(run));
    return runs;
}

std::vector<std::vector<std::int64_t>> RunComparisonView::currentGroups() const {
    std::vector<RunRecord> runs;
    for (const RunData& data : m_data)
        runs.push_back(data.run);
    if (m_groupSeeds->isChecked())
        return groupRunsBySeed(runs);
    std::vector<std::vector<std::int64_t>> alone;
    for (const RunRecord& run : runs)
        alone.push_back({run.id});
    return alone;
}

QStringList RunComparisonView::preferredStopping() const {
    return {m_stopping->currentData().toString(), QStringLiteral("greedy"),
            QStringLiteral("oracle")};
}

void RunComparisonView::rebuildRunList() {
    const QList<qint64> checked = selectedRuns();
    m_updatingList = true;
    m_runs->clear();
    for (const RunRow& row : m_model->rows()) {
        auto* item = new QListWidgetItem(runLabel(row.run.id), m_runs);
        item->setData(Qt::UserRole, QVariant::fromValue<qint64>(row.run.id));
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(checked.contains(row.run.id) ? Qt::Checked : Qt::Unchecked);
        item->setForeground(RunTableModel::statusColor(row.run.status));
    }
    m_updatingList = false;
}

QList<qint64> RunComparisonView::selectedRuns() const {
    QList<qint64> runs;
    for (int i = 0; i < m_runs->count(); ++i)
        if (m_runs->item(i)->checkState() == Qt::Checked)
            runs.append(m_runs->item(i)->data(Qt::UserRole).toLongLong());
    // Runs asked for before the list knew them stay selected.
    for (auto it = m_data.keyBegin(); it != m_data.keyEnd(); ++it)
        if (!runs.contains(*it) && m_model->rowOfRun(*it) < 0)
            runs.append(*it);
    return runs;
}

void RunComparisonView::setSelectedRuns(const QList<qint64>& runs) {
    m_updatingList = true;
    for (int i = 0; i < m_runs->count(); ++i) {
        const auto id = m_runs->item(i)->data(Qt::UserRole).toLongLong();
        m_runs->item(i)->setCheckState(runs.contains(id) ? Qt::Checked : Qt::Unchecked);
    }
    m_updatingList = false;
    for (auto it = m_data.begin(); it != m_data.end();)
        it = runs.contains(it.key()) ? std::next(it) : m_data.erase(it);
    for (std::int64_t run : runs)
        if (!m_data.contains(run)) {
            m_data.insert(run, RunData()); // placeholder until it loads
            m_data[run].run.id = run;
            m_store->requestRun(run);
        }
    m_overlay->setFollowing(true);
    redraw();
}

bool RunComparisonView::allLoaded() const {
    for (const RunData& data : m_data)
        if (data.run.configJson.empty() || data.run.configJson == "{}")
            return false;
    return true;
}

void RunComparisonView::setMetric(const QString& name) {
    m_metric->setCurrentText(name);
}

void RunComparisonView::setGroupSeeds(bool group) {
    m_groupSeeds->setChecked(group);
}

bool RunComparisonView::groupSeeds() const {
    return m_groupSeeds->isChecked();
}

void RunComparisonView::setMeasure(EvalMeasure measure) {
    m_measure->setCurrentIndex(m_measure->findData(int(measure)));
}

EvalMeasure RunComparisonView::measure() const {
    return static_cast<EvalMeasure>(m_measure->currentData().toInt());
}

void RunComparisonView::setStepLength(int length) {
    m_stepLength->setCurrentIndex(m_stepLength->findData(length));
}

int RunComparisonView::stepLength() const {
    return m_stepLength->currentData().toInt();
}

void RunComparisonView::offerStepLengths() {
    QList<int> lengths;
    int trainingMax = 0;
    for (const RunData& data : std::as_const(m_data)) {
        for (int length : stepAccuracyLengths(data))
            if (!lengths.contains(length))
                lengths.append(length);
        if (const auto config = tryStoredExperimentConfig(data.run.configJson, "run"))
            trainingMax = std::max(trainingMax, config->trainLengths.max);
    }
    std::sort(lengths.begin(), lengths.end());
    int chosen = stepLength();
    if (!lengths.contains(chosen)) { // by default the first length beyond training
        const auto beyond =
            std::find_if(lengths.begin(), lengths.end(), [&](int l) { return l > trainingMax; });
        chosen = beyond != lengths.end() ? *beyond : (lengths.isEmpty() ? 0 : lengths.last());
    }
    const QSignalBlocker quiet(m_stepLength); // refilled during a redraw: no second one
    m_stepLength->clear();
    for (int length : lengths)
        m_stepLength->addItem(QString::number(length), length);
    m_stepLength->setCurrentIndex(m_stepLength->findData(chosen));
    m_stepLength->setEnabled(measure() == EvalMeasure::StepAccuracy);
}

void RunComparisonView::onRunLoaded(const RunData& data) {
    if (!m_data.contains(data.run.id))
        return;
    m_data[data.run.id] = data;
    // Offer every metric any selected run has (loss_iteration_N, ...).
    for (const RunData& run : std::as_const(m_data))
        for (const auto& [name, series] : metricSeries(run, XAxisMode::Step).toStdMap())
            if (m_metric->findText(name) < 0)
                m_metric->addItem(name);
    redraw();
}

void RunComparisonView::redraw() {
    m_groups = currentGroups();
    offerStepLengths();
    drawOverlay();
    drawAccuracy();
    drawDiff();
    std::vector<const RunData*> runs;
    for (const RunData& data : std::as_const(m_data))
        runs.push_back(&data);
    m_frontier->setRuns(runs, preferredStopping());
    Q_EMIT updated();
}

void RunComparisonView::drawOverlay() {
    const XAxisMode mode = m_xAxis->currentIndex() == 0 ? XAxisMode::Step : XAxisMode::WallTime;
    m_overlay->clearSeries();
    for (std::size_t line = 0; line < m_groups.size(); ++line) {
        const auto& group = m_groups[line];
        const SeedBand band = seedBandOfMetric(groupData(group), m_metric->currentText(), mode);
        const int index =
            m_overlay->addSeries(groupLabel(group), seriesColor(static_cast<int>(line)));
        m_overlay->setSeriesData(index, band.x, band.mean);
        if (group.size() > 1)
            m_overlay->setSeriesBand(index, band.min, band.max);
    }
    m_overlay->setAxisLabels(mode == XAxisMode::Step ? tr("step") : tr("wall time (s)"),
                             m_metric->currentText());
    m_overlay->fitToData();
}

void RunComparisonView::drawAccuracy() {
    m_accuracy->clearGraphs();
    m_accuracy->clearItems();
    const EvalMeasure measured = measure();
    const bool bySteps = measured == EvalMeasure::StepAccuracy;
    const QString title = measureTitle(measured);
    m_accuracyTitle->setText(
        !bySteps           ? tr("%1 by length").arg(title.left(1).toUpper() + title.mid(1))
        : stepLength() > 0 ? tr("Accuracy by CoT step at length %1").arg(stepLength())
                           : tr("Accuracy by CoT step (none stored)"));
    m_accuracy->xAxis->setLabel(bySteps ? tr("CoT step") : tr("test length (complexity)"));
    m_accuracy->yAxis->setLabel(title);
    int trainingMin = 0, trainingMax = 0, longest = 1;
    for (std::size_t line = 0; line < m_groups.size(); ++line) {
        const auto& group = m_groups[line];
        if (trainingMax == 0 && !bySteps) { // training lengths are no CoT steps
            const RunRecord& run = groupData(group).front()->run;
            const auto config =
                tryStoredExperimentConfig(run.configJson, "run " + std::to_string(run.id));
            trainingMin = config ? config->trainLengths.min : 1;
            trainingMax = config ? config->trainLengths.max : 0;
        }
        const QColor colour = seriesColor(static_cast<int>(line)); // the overlay's colour
        QString used;
        const SeedBand band = seedBandOfAccuracy(groupData(group), preferredStopping(), &used,
                                                 measured, stepLength());
        if (band.x.isEmpty())
            continue; // not measured (or not evaluated yet): no line, no legend entry
        if (group.size() > 1) {
            const BandGraphs shade = addBandGraphs(m_accuracy, colour);
            shade.lower->setData(band.x, band.min, true);
            shade.upper->setData(band.x, band.max, true);
        }
        QCPGraph* graph = m_accuracy->addGraph();
        graph->setName(used.isEmpty() ? groupLabel(group)
                                      : QStringLiteral("%1 [%2]").arg(groupLabel(group), used));
        graph->setPen(QPen(colour, 2));
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 6));
        graph->setData(band.x, band.mean, true);
        longest = std::max(longest, static_cast<int>(band.x.last()));
    }
    if (trainingMax > 0)
        shadeTrainingLengths(m_accuracy, trainingMin, trainingMax, palette());
    m_accuracy->xAxis->setRange(0.5, longest + 0.5);
    m_accuracy->yAxis->setRange(-0.02, 1.06);
    m_accuracy->xAxis->ticker()->setTickCount(std::min(longest, 12));
    m_accuracy->replot(QCustomPlot::rpQueuedReplot);
}

void RunComparisonView::showFrontier() {
    m_bottomTabs->setCurrentWidget(m_frontier);
    const int height = m_charts->height();
    m_charts->setSizes({height / 2, height - height / 2}); // room for a chart of its own
}

void RunComparisonView::drawDiff() {
    std::vector<nlohmann::json> configs;
    QStringList headers = {tr("config key")};
    for (auto it = m_data.cbegin(); it != m_data.cend(); ++it) {
        nlohmann::json config = currentFormConfig(it->run.configJson);
        config["(kind)"] = textOf(it->run.kind); // the kind is not in the config but differs too
        configs.push_back(std::move(config));
        headers.append(runLabel(it.key()));
    }
    const auto rows = diffConfigs(configs);
    m_diff->clear();
    m_diff->setColumnCount(headers.size());
    m_diff->setHorizontalHeaderLabels(headers);
    m_diff->setRowCount(0);
    for (const ConfigDiffRow& row : rows) {
        if (!row.differs && !m_allKeys->isChecked())
            continue;
        const int index = m_diff->rowCount();
        m_diff->insertRow(index);
        m_diff->setItem(index, 0, new QTableWidgetItem(QString::fromStdString(row.key)));
        const auto shown = shownValues(row);
        for (std::size_t i = 0; i < row.values.size(); ++i) {
            auto* item = new QTableWidgetItem(QString::fromStdString(shown[i]));
            if (shown[i] != row.values[i])
                item->setToolTip(QString::fromStdString(row.values[i]));
            if (row.differs)
                item->setFont([&] {
                    QFont bold = item->font();
                    bold.setBold(true);
                    return bold;
                }());
            m_diff->setItem(index, static_cast<int>(i) + 1, item);
        }
    }
    m_diff->resizeColumnsToContents();
}

bool RunComparisonView::exportPng(const QString& path, QString* error) const {
    return exportChartsPng(m_overlay, m_accuracy, palette().color(QPalette::Base), path, error);
}

bool RunComparisonView::exportPdf(const QString& path, QString* error) const {
    return exportChartsPdf(m_overlay, m_accuracy, path, error);
}

bool RunComparisonView::exportCsv(const QString& path, QString* error) const {
    const XAxisMode mode = m_xAxis->currentIndex() == 0 ? XAxisMode::Step : XAxisMode::WallTime;
    std::vector<ComparisonLine> lines;
    for (const auto& group : m_groups)
        lines.push_back({groupData(group), lineName(group)});
    return exportComparisonCsv(lines, mode, m_metric->currentText(), preferredStopping(), measure(),
                               stepLength(), path, error);
}

void RunComparisonView::askExport(const QString& format) {
    const QString filter = format == QLatin1String("PNG")   ? tr("PNG image (*.png)")
                           : format == QLatin1String("PDF") ? tr("PDF document (*.pdf)")
                                                            : tr("CSV table (*.csv)");
    QString path =
        QFileDialog::getSaveFileName(this, tr("Export comparison"),
                                     QStringLiteral("comparison.%1").arg(format.toLower()), filter);
    if (path.isEmpty())
        return;
    QString error;
    const bool ok = format == QLatin1String("PNG")   ? exportPng(path, &error)
                    : format == QLatin1String("PDF") ? exportPdf(path, &error)
                                                     : exportCsv(path, &error);
    if (!ok)
        QMessageBox::warning(
            this, tr("Export failed"),
            tr("Could not write %1: %2\nChoose another folder or file name.").arg(path, error));
}

} // namespace relay
