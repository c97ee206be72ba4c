#include "training_dashboard.h"

#include "closed_set_text.h"
#include "curve_plot.h"
#include "run_table_model.h"
#include "series_colors.h"

#include <QCheckBox>
#include <QComboBox>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSlider>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace relay {
namespace {

constexpr int kRefreshMilliseconds = 1000;

void setSeries(CurvePlot* plot, const QVector<QPair<QString, XYSeries>>& series) {
    // Keep the graphs when the same series come back (a refresh), so the view stays put.
    bool same = plot->seriesCount() == series.size();
    for (int i = 0; same && i < series.size(); ++i)
        same = plot->seriesName(i) == series[i].first;
    if (!same) {
        plot->clearSeries();
        for (int i = 0; i < series.size(); ++i)
            plot->addSeries(series[i].first, seriesColor(i));
    }
    for (int i = 0; i < series.size(); ++i)
        plot->setSeriesData(i, series[i].second.x, series[i].second.y);
}

int iterationIndex(const QString& name) {
    return name.mid(QStringLiteral("loss_iteration_").size()).toInt();
}

} // namespace

TrainingDashboard::TrainingDashboard(StoreAccess* store, QWidget* parent)
    : QWidget(parent), m_store(store) {
    auto* layout = new QVBoxLayout(this);

    auto* header = new QHBoxLayout;
    m_title = new QLabel(tr("No run selected: pick one in the run list or launch one from "
                            "Experiment setup."),
                         this);
    m_title->setObjectName(QStringLiteral("dashboardTitle"));
    m_title->setTextFormat(Qt::RichText);
    header->addWidget(m_title, 1);
    m_pauseButton = new QPushButton(tr("Pause"), this);
    m_cancelButton = new QPushButton(tr("Cancel"), this);
    m_resumeButton = new QPushButton(tr("Resume"), this);
    m_pauseButton->setToolTip(tr("Suspend the engine process (the run stays open)"));
    m_cancelButton->setToolTip(tr("Finish the current step, write a checkpoint and stop"));
    m_resumeButton->setToolTip(tr("Continue a cancelled or interrupted run from its last "
                                  "checkpoint"));
    for (QPushButton* button : {m_pauseButton, m_cancelButton, m_resumeButton})
        header->addWidget(button);
    layout->addLayout(header);

    auto* progressRow = new QHBoxLayout;
    m_progress = new QProgressBar(this);
    m_progress->setFormat(QStringLiteral("%v / %m steps"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_figures = new QLabel(this);
    m_figures->setObjectName(QStringLiteral("dashboardFigures"));
    m_figures->setMinimumWidth(260);
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_figures);
    layout->addLayout(progressRow);

    auto* controls = new QHBoxLayout;
    m_xAxis = new QComboBox(this);
    m_xAxis->addItems({tr("Step"), tr("Wall time (s)")});
    m_stopping = new QComboBox(this);
    m_stopping->setToolTip(tr("Stopping rule of the evaluations drawn in the accuracy plot"));
    m_smoothing = new QSlider(Qt::Horizontal, this);
    m_smoothing->setRange(0, 99);
    m_smoothing->setMaximumWidth(180);
    m_smoothing->setToolTip(tr("Debiased exponential moving average; the raw curve stays "
                               "faint beneath"));
    m_smoothingValue = new QLabel(QStringLiteral("0.00"), this);
    m_logScale = new QCheckBox(tr("Log scale"), this);
    auto* fit = new QPushButton(tr("Fit"), this);
    fit->setToolTip(tr("Fit every plot to its data and follow new points (drag pans, the wheel "
                       "zooms)"));
    controls->addWidget(new QLabel(tr("X axis:"), this));
    controls->addWidget(m_xAxis);
    controls->addSpacing(12);
    controls->addWidget(new QLabel(tr("Smoothing:"), this));
    controls->addWidget(m_smoothing);
    controls->addWidget(m_smoothingValue);
    controls->addSpacing(12);
    controls->addWidget(m_logScale);
    controls->addSpacing(12);
    controls->addWidget(new QLabel(tr("Evaluation:"), this));
    controls->addWidget(m_stopping);
    controls->addStretch(1);
    controls->addWidget(fit);
    layout->addLayout(controls);

    m_lossPlot = new CurvePlot(tr("Loss (total, answer, iteration)"), this);
    m_iterationPlot = new CurvePlot(tr("Iteration loss by loop iteration t"), this);
    m_accuracyPlot = new CurvePlot(tr("Answer accuracy by test length"), this);
    m_learningRatePlot = new CurvePlot(tr("Learning rate"), this);
    m_gradientPlot = new CurvePlot(tr("Gradient norm (before clipping)"), this);
    m_accuracyPlot->yAxis->setRange(0, 1.02);
    auto* grid = new QGridLayout;
    grid->addWidget(m_lossPlot, 0, 0);
    grid->addWidget(m_iterationPlot, 0, 1);
    grid->addWidget(m_accuracyPlot, 0, 2);
    grid->addWidget(m_learningRatePlot, 1, 0);
    grid->addWidget(m_gradientPlot, 1, 1);
    auto* logBox = new QGroupBox(tr("Engine log"), this);
    auto* logLayout = new QVBoxLayout(logBox);
    m_log = new QPlainTextEdit(logBox);
    m_log->setObjectName(QStringLiteral("engineLog"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    m_log->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    logLayout->addWidget(m_log);
    grid->addWidget(logBox, 1, 2);
    for (int column = 0; column < 3; ++column)
        grid->setColumnStretch(column, 1);
    grid->setRowStretch(0, 1);
    grid->setRowStretch(1, 1);
    m_accuracyPlot->setLegendColumns(2);
    m_iterationPlot->setLegendColumns(2);
    layout->addLayout(grid, 1);

    for (CurvePlot* plot : plots()) {
        plot->setMinimumSize(240, 180);
        connect(plot, &CurvePlot::userMovedView, this, [this] {
            for (CurvePlot* other : plots())
                other->setFollowing(false);
        });
        // Panning or zooming one plot moves the others: they share the x axis.
        connect(plot->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this,
                [this, plot](const QCPRange& range) {
                    if (plot->following())
                        return;
                    for (CurvePlot* other : plots())
                        if (other != plot && other->xAxis->range() != range)
                            other->xAxis->setRange(range);
                });
    }
    connect(fit, &QPushButton::clicked, this, [this] {
        for (CurvePlot* plot : plots()) {
            plot->setFollowing(true);
            plot->fitToData();
        }
        m_accuracyPlot->yAxis->setRange(0, 1.02);
    });
    connect(m_smoothing, &QSlider::valueChanged, this,
            [this](int value) { setSmoothing(value / 100.0); });
    connect(m_logScale, &QCheckBox::toggled, this, [this](bool on) {
        for (CurvePlot* plot : {m_lossPlot, m_iterationPlot, m_gradientPlot, m_learningRatePlot})
            plot->setLogScale(on);
    });
    connect(m_xAxis, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        for (CurvePlot* plot : plots()) {
            plot->clearSeries();
            plot->setFollowing(true);
        }
        redraw();
    });
    connect(m_stopping, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        m_accuracyPlot->clearSeries();
        redraw();
    });
    connect(m_pauseButton, &QPushButton::clicked, this,
            [this] { Q_EMIT pauseRequested(m_run, !m_paused); });
    connect(m_cancelButton, &QPushButton::clicked, this, [this] { Q_EMIT cancelRequested(m_run); });
    connect(m_resumeButton, &QPushButton::clicked, this, [this] { Q_EMIT resumeRequested(m_run); });
    connect(m_store, &StoreAccess::runLoaded, this, &TrainingDashboard::onRunLoaded);

    m_refresh = new QTimer(this);
    m_refresh->setInterval(kRefreshMilliseconds);
    connect(m_refresh, &QTimer::timeout, this, [this] {
        if (m_run >= 0 && (m_live || m_data.run.status == RunStatus::Running))
            m_store->requestRun(m_run);
    });
    m_refresh->start();
    updateButtons();
}

QList<CurvePlot*> TrainingDashboard::plots() const {
    return {m_lossPlot, m_iterationPlot, m_accuracyPlot, m_learningRatePlot, m_gradientPlot};
}

void TrainingDashboard::openRun(std::int64_t run) {
    if (run == m_run) {
        m_store->requestRun(run);
        return;
    }
    m_run = run;
    m_data = RunData();
    m_data.run.id = run;
    m_liveProgress = false;
    m_ownJobRunning = m_paused = false;
    for (CurvePlot* plot : plots()) {
        plot->clearSeries();
        plot->setFollowing(true);
        plot->replot();
    }
    m_title->setText(tr("<b>Run %1</b> · loading…").arg(run));
    m_figures->clear();
    m_log->clear();
    m_store->requestRun(run);
    updateButtons();
}

void TrainingDashboard::onRunLoaded(const RunData& data) {
    if (data.run.id != m_run)
        return;
    m_data = data;
    const QStringList rules = stoppingRules(m_data.evals);
    QStringList current;
    for (int i = 0; i < m_stopping->count(); ++i)
        current.append(m_stopping->itemText(i));
    if (current != rules) {
        const QString chosen = m_stopping->currentText();
        QSignalBlocker block(m_stopping);
        m_stopping->clear();
        m_stopping->addItems(rules);
        // Keep the user's choice; else oracle T, the paper's main evaluation.
        int index = rules.indexOf(chosen);
        if (index < 0)
            index = std::max<int>(0, rules.indexOf(QStringLiteral("oracle")));
        m_stopping->setCurrentIndex(index);
    }
    redraw();
    updateHeader();
    updateButtons();
    Q_EMIT runLoaded(m_run);
}

void TrainingDashboard::redraw() {
    const XAxisMode mode = m_xAxis->currentIndex() == 0 ? XAxisMode::Step : XAxisMode::WallTime;
    const QString xLabel = mode == XAxisMode::Step ? tr("step") : tr("wall time (s)");
    const QMap<QString, XYSeries> metrics = metricSeries(m_data, mode);

    QVector<QPair<QString, XYSeries>> losses, iterations, rates, gradients, accuracy;
    for (const char* name : {"loss", "loss_answer", "loss_iteration"})
        if (metrics.contains(QLatin1String(name)))
            losses.append({QLatin1String(name), metrics[QLatin1String(name)]});
    for (auto it = metrics.begin(); it != metrics.end(); ++it)
        if (it.key().startsWith(QLatin1String("loss_iteration_")))
            iterations.append({QStringLiteral("t = %1").arg(iterationIndex(it.key())), *it});
    std::sort(iterations.begin(), iterations.end(), [](const auto& a, const auto& b) {
        return a.first.mid(4).toInt() < b.first.mid(4).toInt();
    });
    if (metrics.contains(QStringLiteral("learning_rate")))
        rates.append({tr("learning rate"), metrics[QStringLiteral("learning_rate")]});
    if (metrics.contains(QStringLiteral("gradient_norm")))
        gradients.append({tr("gradient norm"), metrics[QStringLiteral("gradient_norm")]});
    const QMap<int, XYSeries> byLength =
        accuracyByLengthOverTime(m_data, m_stopping->currentText(), mode);
    const int trainingLength = trainingLengthOf(m_data.run);
    for (auto it = byLength.begin(); it != byLength.end(); ++it)
        accuracy.append({it.key() > trainingLength && trainingLength > 0
                             ? tr("length %1 (OOD)").arg(it.key())
                             : tr("length %1").arg(it.key()),
                         *it});

    setSeries(m_lossPlot, losses);
    setSeries(m_iterationPlot, iterations);
    setSeries(m_learningRatePlot, rates);
    setSeries(m_gradientPlot, gradients);
    setSeries(m_accuracyPlot, accuracy);
    if (m_accuracyPlot->following())
        m_accuracyPlot->yAxis->setRange(0, 1.02);
    for (CurvePlot* plot : plots())
        plot->xAxis->setLabel(xLabel);
    m_iterationPlot->setEmptyMessage(isAutoregressive(m_data.run.kind)
                                         ? tr("AR runs have no loop iterations")
                                         : tr("No data yet"));
}

void TrainingDashboard::updateHeader() {
    const RunRecord& run = m_data.run;
    m_title->setText(tr("<b>%1</b> · run %2 · %3 · %4 · <span style='color:%5'>%6</span>")
                         .arg(QString::fromStdString(run.name).toHtmlEscaped())
                         .arg(run.id)
                         .arg(screenText(run.kind), QString::fromStdString(run.task),
                              RunTableModel::statusColor(run.status).name(),
                              screenText(run.status)));
    if (m_liveProgress && run.status == RunStatus::Running)
        return; // the job's own figures are fresher
    std::int64_t lastStep = 0;
    double lastWall = 0;
    for (const MetricPoint& point : m_data.metrics)
        if (point.step >= lastStep) {
            lastStep = point.step;
            lastWall = point.wallTime;
        }
    const std::int64_t total = std::max<std::int64_t>(totalStepsOf(run), lastStep);
    m_progress->setRange(0, static_cast<int>(std::max<std::int64_t>(1, total)));
    m_progress->setValue(static_cast<int>(lastStep));
    QSet<qint64> evaluatedSteps;
    for (const EvalRecord& eval : m_data.evals)
        evaluatedSteps.insert(eval.step);
    QString figures = tr("%1 evaluations · %2 checkpoints")
                          .arg(evaluatedSteps.size())
                          .arg(m_data.checkpoints.size());
    if (lastWall > 0)
        figures += tr(" · %1 steps/s").arg(lastStep / lastWall, 0, 'f', 1);
    m_figures->setText(figures);
}

void TrainingDashboard::showProgress(std::int64_t step, std::int64_t totalSteps,
                                     double examplesPerSecond, double etaSeconds) {
    m_liveProgress = true;
    m_progress->setRange(0, static_cast<int>(std::max<std::int64_t>(1, totalSteps)));
    m_progress->setValue(static_cast<int>(step));
    m_figures->setText(tr("%1 examples/s · ETA %2")
                           .arg(examplesPerSecond, 0, 'f', 0)
                           .arg(RunTableModel::formatDuration(etaSeconds)));
}

void TrainingDashboard::setLog(const QStringList& lines) {
    m_log->setPlainText(lines.join(QLatin1Char('\n')));
    m_log->verticalScrollBar()->setValue(m_log->verticalScrollBar()->maximum());
}

void TrainingDashboard::appendLog(const QString& line) {
    m_log->appendPlainText(line);
}

void TrainingDashboard::setJobState(bool ownJobRunning, bool paused) {
    m_ownJobRunning = ownJobRunning;
    m_paused = paused;
    if (!ownJobRunning)
        m_liveProgress = false;
    updateButtons();
}

void TrainingDashboard::setLive(bool live) {
    m_live = live;
    if (live && m_run >= 0)
        m_store->requestRun(m_run);
}

void TrainingDashboard::updateButtons() {
    const RunStatus status = m_data.run.status;
    m_pauseButton->setEnabled(m_ownJobRunning);
    m_pauseButton->setText(m_paused ? tr("Continue") : tr("Pause"));
    m_cancelButton->setEnabled(m_ownJobRunning);
    m_resumeButton->setEnabled(!m_ownJobRunning && m_run >= 0 && isResumable(status) &&
                               !m_data.checkpoints.empty());
}

void TrainingDashboard::setSmoothing(double weight) {
    const int position = static_cast<int>(weight * 100 + 0.5);
    if (m_smoothing->value() != position) {
        m_smoothing->setValue(position); // comes back through valueChanged
        return;
    }
    m_smoothingValue->setText(QString::number(weight, 'f', 2));
    for (CurvePlot* plot : {m_lossPlot, m_iterationPlot, m_gradientPlot})
        plot->setSmoothing(weight);
}

double TrainingDashboard::smoothing() const {
    return m_smoothing->value() / 100.0;
}

} // namespace relay
