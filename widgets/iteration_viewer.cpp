#include "iteration_viewer.h"

#include "confidence_trace_plot.h"
#include "iteration_grid.h"
#include "iteration_playback.h"
#include "probe_inspections.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QSlider>
#include <QSplitter>
#include <QStyle>
#include <QVBoxLayout>

namespace relay {

IterationViewer::IterationViewer(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("iterationViewer"));
    setFocusPolicy(Qt::StrongFocus);

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

    m_form = new InspectionRequestForm;
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_form);
    layout->addWidget(splitter, 1);
    layout->addWidget(buildSnapshots());

    connect(m_form, &InspectionRequestForm::runChosen, this, &IterationViewer::runChosen);
    connect(m_form, &InspectionRequestForm::problemsRequested, this,
            &IterationViewer::forwardProblemsRequest);
    connect(m_form, &InspectionRequestForm::inspectionRequested, this,
            &IterationViewer::forwardInspectionRequest);
    connect(m_grid, &IterationGrid::iterationClicked, this, &IterationViewer::goTo);
    connect(m_trace, &ConfidenceTracePlot::iterationClicked, this, &IterationViewer::goTo);
    updateNavigation();
    updateAnswer();
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
    m_form->setRuns(rows);
}

void IterationViewer::selectRun(qint64 run) {
    m_form->selectRun(run);
}

qint64 IterationViewer::currentRun() const {
    return m_form->currentRun();
}

void IterationViewer::setRunInfo(const IterationRunInfo& info) {
    if (info.run != currentRun())
        return;
    m_info = info;
    m_form->setRunInfo(info);
    m_updating = true;
    m_snapshotSlider->setRange(0, std::max<int>(0, int(info.probeSteps.size()) - 1));
    m_snapshotSlider->setValue(m_snapshotSlider->maximum());
    m_snapshotMode->setEnabled(!info.probeSteps.empty());
    m_snapshotLabel->setText(info.probeSteps.empty() ? tr("no snapshots") : QString());
    m_updating = false;
    m_snapshotStep = -1;
    if (m_snapshotMode->isChecked())
        setSnapshotIndex(m_snapshotSlider->value());
    else
        m_form->requestProblems();
}

void IterationViewer::forwardProblemsRequest(qint64 run, qint64 checkpointStep, const QString& task,
                                             int length) {
    m_pending = true;
    m_status->setText(tr("generating problems…"));
    Q_EMIT problemsRequested(run, checkpointStep, task, length);
}

void IterationViewer::setProblems(const std::vector<Problem>& problems) {
    m_pending = false;
    m_status->clear();
    m_form->setProblems(problems); // asks for the first one's inspection
}

void IterationViewer::typeProblem(const QString& text) {
    m_form->typeProblem(text);
}

void IterationViewer::setLength(int length) {
    m_form->setLength(length);
}

void IterationViewer::setRule(const QString& rule, int fixedIterations, int maximumIterations) {
    m_form->setRule(rule, fixedIterations, maximumIterations);
}

void IterationViewer::forwardInspectionRequest(const InspectionRequest& request) {
    if (m_snapshotMode->isChecked())
        return; // snapshots come from the store; the form's choice waits until they are left
    m_pending = true;
    m_status->setText(tr("inferring…"));
    Q_EMIT inspectionRequested(request);
}

void IterationViewer::showInspection(const ProblemInspection& inspection) {
    m_pending = false;
    if (m_snapshotMode->isChecked())
        return;
    m_form->clearError();
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
    m_form->showError(message);
}

void IterationViewer::showCurrent(const ProblemInspection& inspection) {
    const bool snapshot = m_snapshotMode->isChecked();
    m_grid->setInspection(inspection);
    m_trace->setInspection(inspection, !snapshot && m_form->rule() == QLatin1String("adaptive"));
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
            .arg(m_form->ruleLabel()));
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
    m_form->setLiveInferenceAvailable(available, reason);
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
    m_form->clearError();
    if (snapshots) {
        m_snapshotStep = -1;
        setSnapshotIndex(m_snapshotSlider->value());
    } else {
        m_lastInput.clear();
        m_form->requestInspection();
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
