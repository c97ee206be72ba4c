#include "iteration_viewer.h"

#include "confidence_trace_plot.h"
#include "iteration_grid.h"
#include "iteration_playback.h"
#include "probe_inspections.h"
#include "run_chooser.h"
#include "store_access.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QStyle>
#include <QVBoxLayout>

namespace relay {

namespace {

QString problemLabel(const Problem& problem, int index) {
    QString text = QString::fromStdString(joinTokens(problem.input));
    if (text.size() > 70)
        text = text.left(67) + QStringLiteral("…");
    return QStringLiteral("#%1  %2").arg(index + 1).arg(text);
}

} // namespace

IterationViewer::IterationViewer(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("iterationViewer"));
    setFocusPolicy(Qt::StrongFocus);
    qRegisterMetaType<InspectionRequest>();

    m_grid = new IterationGrid;
    m_scroll = new QScrollArea;
    m_scroll->setWidget(m_grid);
    m_scroll->setWidgetResizable(false);
    m_scroll->setBackgroundRole(QPalette::Base);
    m_scroll->installEventFilter(this);
    m_scroll->viewport()->installEventFilter(this);

    m_input = new QLabel;
    m_input->setWordWrap(true);
    m_input->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_answer = new QLabel;
    m_answer->setObjectName(QStringLiteral("answerLabel"));
    m_answer->setWordWrap(true);
    m_answer->setTextFormat(Qt::RichText);
    m_trace = new ConfidenceTracePlot;
    auto* side = new QWidget;
    auto* sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    auto* problemBox = new QGroupBox(tr("Problem"));
    (new QVBoxLayout(problemBox))->addWidget(m_input);
    auto* answerBox = new QGroupBox(tr("Answer head"));
    (new QVBoxLayout(answerBox))->addWidget(m_answer);
    auto* traceBox = new QGroupBox(tr("Adaptive stop trace"));
    (new QVBoxLayout(traceBox))->addWidget(m_trace);
    sideLayout->addWidget(problemBox);
    sideLayout->addWidget(answerBox);
    sideLayout->addWidget(traceBox, 1);
    sideLayout->addStretch(0); // takes the space when the trace is hidden (snapshots)
    for (QGroupBox* box : {problemBox, answerBox})
        box->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);

    auto* splitter = new QSplitter(Qt::Horizontal);
    auto* gridPane = new QWidget;
    auto* gridLayout = new QVBoxLayout(gridPane);
    gridLayout->setContentsMargins(0, 0, 0, 0);
    gridLayout->addWidget(buildNavigation());
    gridLayout->addWidget(m_scroll, 1);
    splitter->addWidget(gridPane);
    splitter->addWidget(side);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(buildChooser());
    layout->addWidget(splitter, 1);
    layout->addWidget(buildSnapshots());

    connect(m_grid, &IterationGrid::iterationClicked, this, &IterationViewer::goTo);
    connect(m_trace, &ConfidenceTracePlot::iterationClicked, this, &IterationViewer::goTo);
    updateNavigation();
    updateAnswer();
}

QWidget* IterationViewer::buildChooser() {
    auto* box = new QWidget;
    auto* layout = new QGridLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    m_runs = new QComboBox;
    m_runs->setObjectName(QStringLiteral("viewerRun"));
    m_runs->setMinimumContentsLength(18);
    m_checkpoints = new QComboBox;
    m_checkpoints->setObjectName(QStringLiteral("viewerCheckpoint"));
    m_tasks = new QComboBox;
    m_length = new QSpinBox;
    m_length->setRange(1, 200);
    m_length->setValue(3);
    m_length->setToolTip(tr("Any length, also far beyond training"));
    m_problems = new QComboBox;
    m_problems->setObjectName(QStringLiteral("viewerProblems"));
    m_problems->setMinimumContentsLength(30);
    m_problems->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_typed = new QLineEdit;
    m_typed->setObjectName(QStringLiteral("viewerTyped"));
    m_typed->setPlaceholderText(tr("or type a problem, e.g. ( 3 + 4 ) * 2 =  and press Enter"));
    m_error = new QLabel;
    m_error->setObjectName(QStringLiteral("viewerError"));
    m_error->setStyleSheet(QStringLiteral("color: #d62728"));
    m_error->setWordWrap(true);
    m_error->hide();
    m_rule = new QComboBox;
    m_rule->addItem(tr("oracle T"), QStringLiteral("oracle"));
    m_rule->addItem(tr("fixed N"), QStringLiteral("fixed"));
    m_rule->addItem(tr("adaptive"), QStringLiteral("adaptive"));
    m_fixed = new QSpinBox;
    m_fixed->setRange(1, 400);
    m_fixed->setPrefix(tr("N = "));
    m_fixed->setEnabled(false);
    m_maximum = new QSpinBox;
    m_maximum->setRange(0, 400);
    m_maximum->setSpecialValueText(tr("rule's own"));
    m_maximum->setPrefix(tr("run up to "));
    m_maximum->setToolTip(tr("Loop longer than the chain (past T) to see what the model does"));
    m_liveNote = new QLabel;
    m_liveNote->setObjectName(QStringLiteral("viewerLiveNote"));
    m_liveNote->setWordWrap(true);
    m_liveNote->hide();

    layout->addWidget(new QLabel(tr("Run")), 0, 0);
    layout->addWidget(m_runs, 0, 1);
    layout->addWidget(new QLabel(tr("Checkpoint")), 0, 2);
    layout->addWidget(m_checkpoints, 0, 3);
    layout->addWidget(new QLabel(tr("Task")), 0, 4);
    layout->addWidget(m_tasks, 0, 5);
    layout->addWidget(new QLabel(tr("Iterations")), 0, 6);
    layout->addWidget(m_rule, 0, 7);
    layout->addWidget(m_fixed, 0, 8);
    layout->addWidget(m_maximum, 0, 9);
    layout->addWidget(new QLabel(tr("Length")), 1, 0);
    layout->addWidget(m_length, 1, 1);
    layout->addWidget(new QLabel(tr("Problem")), 1, 2);
    layout->addWidget(m_problems, 1, 3, 1, 3);
    layout->addWidget(m_typed, 1, 6, 1, 4);
    layout->addWidget(m_error, 2, 0, 1, 10);
    layout->addWidget(m_liveNote, 3, 0, 1, 10);
    layout->setColumnStretch(3, 2);
    layout->setColumnStretch(6, 1);

    connect(m_runs, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_updating && currentRun() >= 0)
            Q_EMIT runChosen(currentRun());
    });
    connect(m_checkpoints, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_updating)
            requestProblems();
    });
    connect(m_tasks, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_updating)
            requestProblems();
    });
    connect(m_length, &QSpinBox::valueChanged, this, [this] {
        if (!m_updating)
            requestProblems();
    });
    connect(m_problems, &QComboBox::currentIndexChanged, this, [this] {
        if (m_updating || m_problems->currentIndex() < 0)
            return;
        m_typedActive = false;
        requestInspection();
    });
    connect(m_typed, &QLineEdit::returnPressed, this, &IterationViewer::submitTyped);
    connect(m_rule, &QComboBox::currentIndexChanged, this, [this] {
        m_fixed->setEnabled(m_rule->currentData().toString() == QLatin1String("fixed"));
        if (!m_updating)
            requestInspection();
    });
    for (QSpinBox* spin : {m_fixed, m_maximum})
        connect(spin, &QSpinBox::valueChanged, this, [this] {
            if (!m_updating)
                requestInspection();
        });
    return box;
}

QWidget* IterationViewer::buildNavigation() {
    auto* bar = new QWidget;
    auto* layout = new QHBoxLayout(bar);
    layout->setContentsMargins(0, 0, 0, 0);
    m_playback = new IterationPlayback(bar);
    m_status = new QLabel(bar);
    m_status->setObjectName(QStringLiteral("viewerStatus"));
    layout->addWidget(m_playback);
    layout->addStretch(1);
    layout->addWidget(m_status);
    connect(m_playback, &IterationPlayback::iterationChanged, this,
            &IterationViewer::showIteration);
    return bar;
}

QWidget* IterationViewer::buildSnapshots() {
    auto* box = new QGroupBox(tr("Training time (probe snapshots)"));
    auto* layout = new QHBoxLayout(box);
    m_snapshotMode = new QCheckBox(tr("Show snapshots"));
    m_snapshotMode->setObjectName(QStringLiteral("viewerSnapshotMode"));
    m_snapshotMode->setToolTip(
        tr("The run's probe problems as decoded at each evaluation during training"));
    m_snapshotSlider = new QSlider(Qt::Horizontal);
    m_snapshotSlider->setObjectName(QStringLiteral("viewerSnapshotSlider"));
    m_snapshotSlider->setPageStep(1);
    m_snapshotSlider->setTickPosition(QSlider::TicksBelow);
    m_snapshotLabel = new QLabel(tr("no snapshots"));
    m_snapshotLabel->setMinimumWidth(150);
    m_snapshotProblems = new QComboBox;
    m_snapshotProblems->setMinimumContentsLength(24);
    m_snapshotProblems->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    layout->addWidget(m_snapshotMode);
    layout->addWidget(m_snapshotSlider, 1);
    layout->addWidget(m_snapshotLabel);
    layout->addWidget(new QLabel(tr("Probe")));
    layout->addWidget(m_snapshotProblems);
    connect(m_snapshotMode, &QCheckBox::toggled, this, &IterationViewer::setSnapshotMode);
    connect(m_snapshotSlider, &QSlider::valueChanged, this, &IterationViewer::setSnapshotIndex);
    connect(m_snapshotProblems, &QComboBox::currentIndexChanged, this,
            [this] { showSnapshotProblem(); });
    return box;
}

void IterationViewer::setRuns(const QVector<RunRow>& rows) {
    const qint64 before = currentRun();
    fillRunChooser(m_runs, rows, [](const RunRow& row) { return !isAutoregressive(row.run.kind); });
    if (currentRun() >= 0 && currentRun() != before)
        Q_EMIT runChosen(currentRun());
}

void IterationViewer::selectRun(qint64 run) {
    const int index = m_runs->findData(QVariant::fromValue<qint64>(run));
    if (index >= 0 && index != m_runs->currentIndex())
        m_runs->setCurrentIndex(index);
    else if (index >= 0)
        Q_EMIT runChosen(run);
}

qint64 IterationViewer::currentRun() const {
    return m_runs->currentIndex() >= 0 ? m_runs->currentData().toLongLong() : -1;
}

qint64 IterationViewer::checkpointStep() const {
    return m_checkpoints->currentIndex() >= 0 ? m_checkpoints->currentData().toLongLong() : -1;
}

QString IterationViewer::task() const {
    return m_tasks->currentText();
}

void IterationViewer::setRunInfo(const IterationRunInfo& info) {
    if (info.run != currentRun())
        return;
    m_info = info;
    m_updating = true;
    m_checkpoints->clear();
    for (auto it = info.checkpointSteps.rbegin(); it != info.checkpointSteps.rend(); ++it)
        m_checkpoints->addItem(tr("step %1").arg(*it), QVariant::fromValue<qint64>(*it));
    m_tasks->clear();
    for (const std::string& name : info.tasks)
        m_tasks->addItem(QString::fromStdString(name));
    m_length->setToolTip(tr("Trained on lengths up to %1, tested up to %2; any length works")
                             .arg(info.trainLengthMax)
                             .arg(info.testLengthMax));
    m_snapshotSlider->setRange(0, std::max<int>(0, int(info.probeSteps.size()) - 1));
    m_snapshotSlider->setValue(m_snapshotSlider->maximum());
    m_snapshotMode->setEnabled(!info.probeSteps.empty());
    m_snapshotLabel->setText(info.probeSteps.empty() ? tr("no snapshots") : QString());
    m_updating = false;
    m_snapshotStep = -1;
    if (m_snapshotMode->isChecked())
        setSnapshotIndex(m_snapshotSlider->value());
    else
        requestProblems();
}

void IterationViewer::requestProblems() {
    if (currentRun() < 0 || m_tasks->count() == 0 || !m_liveAvailable)
        return;
    m_typedActive = false;
    m_pending = true;
    m_status->setText(tr("generating problems…"));
    Q_EMIT problemsRequested(currentRun(), checkpointStep(), task(), m_length->value());
}

void IterationViewer::setProblems(const std::vector<Problem>& problems) {
    m_problemSet = problems;
    m_updating = true;
    m_problems->clear();
    for (std::size_t i = 0; i < problems.size(); ++i)
        m_problems->addItem(problemLabel(problems[i], static_cast<int>(i)));
    m_updating = false;
    m_pending = false;
    m_status->clear();
    if (!problems.empty()) {
        m_problems->setCurrentIndex(0);
        requestInspection();
    }
}

void IterationViewer::submitTyped() {
    if (m_typed->text().trimmed().isEmpty())
        return;
    m_typedActive = true;
    requestInspection();
}

void IterationViewer::typeProblem(const QString& text) {
    m_typed->setText(text);
    submitTyped();
}

void IterationViewer::setLength(int length) {
    m_length->setValue(length);
}

void IterationViewer::setRule(const QString& rule, int fixedIterations, int maximumIterations) {
    m_updating = true;
    m_rule->setCurrentIndex(std::max(0, m_rule->findData(rule)));
    if (fixedIterations > 0)
        m_fixed->setValue(fixedIterations);
    m_maximum->setValue(maximumIterations);
    m_updating = false;
    requestInspection();
}

void IterationViewer::requestInspection() {
    if (m_snapshotMode->isChecked() || currentRun() < 0 || !m_liveAvailable)
        return;
    InspectionRequest request;
    request.run = currentRun();
    request.checkpointStep = checkpointStep();
    request.task = task().toStdString();
    request.typed = m_typedActive;
    if (m_typedActive) {
        request.text = m_typed->text().toStdString();
    } else {
        const int index = m_problems->currentIndex();
        if (index < 0 || index >= static_cast<int>(m_problemSet.size()))
            return;
        request.problem = m_problemSet[static_cast<std::size_t>(index)];
    }
    request.options.rule = m_rule->currentData().toString().toStdString();
    request.options.fixedIterations = request.options.rule == "fixed" ? m_fixed->value() : 0;
    request.options.maximumIterations = request.options.rule == "fixed" ? 0 : m_maximum->value();
    m_pending = true;
    m_status->setText(tr("inferring…"));
    Q_EMIT inspectionRequested(request);
}

void IterationViewer::showInspection(const ProblemInspection& inspection) {
    m_pending = false;
    if (m_snapshotMode->isChecked())
        return;
    m_error->hide();
    m_typed->setStyleSheet(QString());
    m_status->setText(tr("inference %1 ms").arg(inspection.milliseconds, 0, 'f', 0));
    ++m_inspectionsShown;
    const std::string input = joinTokens(inspection.truth.input);
    const int keep = input == m_lastInput ? currentIteration() : 1;
    m_lastInput = input;
    showCurrent(inspection);
    goTo(keep);
}

void IterationViewer::showInspectionError(const QString& message) {
    m_pending = false;
    m_status->clear();
    m_error->setText(message);
    m_error->show();
    if (m_typedActive)
        m_typed->setStyleSheet(QStringLiteral("border: 1px solid #d62728"));
}

void IterationViewer::showCurrent(const ProblemInspection& inspection) {
    const bool snapshot = m_snapshotMode->isChecked();
    m_grid->setInspection(inspection);
    m_trace->setInspection(inspection,
                           !snapshot && m_rule->currentData() == QLatin1String("adaptive"));
    m_input->setText(
        tr("%1<br><small>length %2 · T = %3 · width %4</small>")
            .arg(QString::fromStdString(joinTokens(inspection.truth.input)).toHtmlEscaped())
            .arg(inspection.truth.complexity)
            .arg(inspection.truth.iterations())
            .arg(inspection.width));
    updateAnswer();
    updateNavigation();
}

void IterationViewer::updateAnswer() {
    const ProblemInspection& inspection = m_grid->inspection();
    if (inspection.iterations.empty()) {
        m_answer->setText(tr("—"));
        return;
    }
    const QString truth = QString::fromStdString(inspection.truth.answer).toHtmlEscaped();
    if (inspection.answer.empty()) {
        m_answer->setText(tr("not recorded in probe snapshots<br>true answer: <b>%1</b>")
                              .arg(truth.isEmpty() ? tr("—") : truth));
        return;
    }
    const bool right = inspection.answer == inspection.truth.answer;
    m_answer->setText(
        tr("<span style='font-size:large'>predicted <b style='color:%1'>%2</b> · true "
           "<b>%3</b></span><br>confidence %4 at iteration %5 (%6)")
            .arg(right ? IterationGrid::rightColor().name() : IterationGrid::wrongColor().name(),
                 QString::fromStdString(inspection.answer).toHtmlEscaped(), truth)
            .arg(inspection.answerConfidence, 0, 'f', 2)
            .arg(inspection.chosenIterations)
            .arg(m_rule->currentText()));
}

int IterationViewer::currentIteration() const {
    return m_grid->currentIteration();
}

void IterationViewer::goTo(int iteration) {
    m_playback->goTo(iteration);
}

void IterationViewer::showIteration(int iteration) {
    m_grid->setCurrentIteration(iteration);
    m_trace->setCurrentIteration(iteration);
    if (iteration > 0) {
        const QRect band = m_grid->bandRect(iteration);
        m_scroll->ensureVisible(m_scroll->horizontalScrollBar()->value(), band.center().y(), 0,
                                band.height());
    }
    Q_EMIT currentIterationChanged(iteration);
}

void IterationViewer::first() {
    m_playback->first();
}
void IterationViewer::previous() {
    m_playback->previous();
}
void IterationViewer::next() {
    m_playback->next();
}
void IterationViewer::last() {
    m_playback->last();
}

void IterationViewer::setPlaying(bool playing) {
    m_playback->setPlaying(playing);
}

bool IterationViewer::playing() const {
    return m_playback->playing();
}

void IterationViewer::updateNavigation() {
    m_playback->setIterations(m_grid->iterationCount(), currentIteration(),
                              m_grid->inspection().truth.iterations());
}

void IterationViewer::keyPressEvent(QKeyEvent* event) {
    switch (event->key()) {
    case Qt::Key_Left:
    case Qt::Key_Up:
        previous();
        break;
    case Qt::Key_Right:
    case Qt::Key_Down:
        next();
        break;
    case Qt::Key_Home:
        first();
        break;
    case Qt::Key_End:
        last();
        break;
    case Qt::Key_Space:
        setPlaying(!playing());
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

bool IterationViewer::eventFilter(QObject* watched, QEvent* event) {
    // The scroll area would scroll on arrow keys; in the viewer they step iterations.
    if (event->type() == QEvent::KeyPress) {
        auto* key = static_cast<QKeyEvent*>(event);
        switch (key->key()) {
        case Qt::Key_Left:
        case Qt::Key_Right:
        case Qt::Key_Up:
        case Qt::Key_Down:
        case Qt::Key_Home:
        case Qt::Key_End:
        case Qt::Key_Space:
            keyPressEvent(key);
            return true;
        default:
            break;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void IterationViewer::setLiveInferenceAvailable(bool available, const QString& reason) {
    m_liveAvailable = available;
    for (QWidget* widget : std::initializer_list<QWidget*>{m_checkpoints, m_length, m_problems,
                                                           m_typed, m_rule, m_fixed, m_maximum})
        widget->setEnabled(available);
    m_fixed->setEnabled(available && m_rule->currentData() == QLatin1String("fixed"));
    m_liveNote->setText(reason);
    m_liveNote->setVisible(!available);
}

void IterationViewer::setSnapshotMode(bool snapshots) {
    if (m_snapshotMode->isChecked() != snapshots) {
        m_snapshotMode->setChecked(snapshots); // comes back here through toggled
        return;
    }
    m_snapshotProblems->setEnabled(snapshots);
    m_snapshotSlider->setEnabled(snapshots);
    // Snapshots keep no stop scores and come from the store, not from the typed problem.
    m_trace->parentWidget()->setVisible(!snapshots);
    m_error->hide();
    m_typed->setStyleSheet(QString());
    if (snapshots) {
        m_snapshotStep = -1;
        setSnapshotIndex(m_snapshotSlider->value());
    } else {
        m_lastInput.clear();
        requestInspection();
    }
}

void IterationViewer::setSnapshotIndex(int index) {
    if (m_snapshotSlider->value() != index) {
        m_snapshotSlider->setValue(index); // comes back here through valueChanged
        return;
    }
    if (index < 0 || index >= static_cast<int>(m_info.probeSteps.size()))
        return;
    const qint64 step = m_info.probeSteps[static_cast<std::size_t>(index)];
    m_snapshotLabel->setText(tr("training step %1 of %2").arg(step).arg(m_info.probeSteps.back()));
    if (m_snapshotMode->isChecked() && step != m_snapshotStep)
        Q_EMIT probeSnapshotRequested(currentRun(), step);
}

void IterationViewer::setProbeSnapshot(qint64 trainingStep,
                                       const std::vector<ProbeRecord>& probes) {
    m_snapshotStep = trainingStep;
    m_snapshot = probeInspections(probes);
    const int keep = std::max(0, m_snapshotProblems->currentIndex());
    m_updating = true;
    m_snapshotProblems->clear();
    for (const ProblemInspection& inspection : m_snapshot)
        m_snapshotProblems->addItem(
            tr("length %1: %2")
                .arg(inspection.truth.complexity)
                .arg(QString::fromStdString(joinTokens(inspection.truth.input)).left(40)));
    m_snapshotProblems->setCurrentIndex(std::min(keep, m_snapshotProblems->count() - 1));
    m_updating = false;
    showSnapshotProblem();
}

void IterationViewer::setSnapshotProblem(int index) {
    m_snapshotProblems->setCurrentIndex(index);
}

int IterationViewer::snapshotProblemCount() const {
    return m_snapshotProblems->count();
}

void IterationViewer::showSnapshotProblem() {
    if (m_updating || !m_snapshotMode->isChecked())
        return;
    const int index = m_snapshotProblems->currentIndex();
    if (index < 0 || index >= static_cast<int>(m_snapshot.size()))
        return;
    const int keep = currentIteration();
    showCurrent(m_snapshot[static_cast<std::size_t>(index)]);
    goTo(keep > 0 ? keep : 1);
}

} // namespace relay
