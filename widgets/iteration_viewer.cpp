// IterationViewer: building the controls and asking for problems and inspections.
#include "iteration_viewer.h"

#include "confidence_trace_plot.h"
#include "iteration_grid.h"
#include "run_chooser.h"
#include "store_access.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QStyle>
#include <QTimer>
#include <QToolButton>
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

    m_player = new QTimer(this);
    connect(m_player, &QTimer::timeout, this, [this] {
        if (currentIteration() >= m_grid->iterationCount())
            setPlaying(false);
        else
            next();
    });
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
    // The style's media icons: every font has them, unlike the Unicode transport symbols.
    auto button = [bar](QStyle::StandardPixmap icon, const QString& tip) {
        auto* b = new QToolButton(bar);
        b->setIcon(bar->style()->standardIcon(icon));
        b->setToolTip(tip);
        return b;
    };
    m_first = button(QStyle::SP_MediaSkipBackward, tr("First iteration (Home)"));
    m_previous = button(QStyle::SP_MediaSeekBackward, tr("Previous iteration (Left)"));
    m_next = button(QStyle::SP_MediaSeekForward, tr("Next iteration (Right)"));
    m_last = button(QStyle::SP_MediaSkipForward, tr("Last iteration (End)"));
    m_play = button(QStyle::SP_MediaPlay, tr("Step through the iterations (Space)"));
    m_play->setText(tr("Play"));
    m_play->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_play->setCheckable(true);
    m_speed = new QComboBox(bar);
    for (double perSecond : {0.5, 1.0, 2.0, 4.0, 8.0})
        m_speed->addItem(tr("%1 it/s").arg(perSecond), perSecond);
    m_speed->setCurrentIndex(2);
    m_position = new QLabel(bar);
    m_status = new QLabel(bar);
    m_status->setObjectName(QStringLiteral("viewerStatus"));
    for (QWidget* widget : std::initializer_list<QWidget*>{m_first, m_previous, m_next, m_last,
                                                           m_play, m_speed, m_position})
        layout->addWidget(widget);
    layout->addStretch(1);
    layout->addWidget(m_status);
    connect(m_first, &QToolButton::clicked, this, &IterationViewer::first);
    connect(m_previous, &QToolButton::clicked, this, &IterationViewer::previous);
    connect(m_next, &QToolButton::clicked, this, &IterationViewer::next);
    connect(m_last, &QToolButton::clicked, this, &IterationViewer::last);
    connect(m_play, &QToolButton::toggled, this, &IterationViewer::setPlaying);
    connect(m_speed, &QComboBox::currentIndexChanged, this, [this] {
        m_player->setInterval(static_cast<int>(1000 / m_speed->currentData().toDouble()));
    });
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
    fillRunChooser(m_runs, rows, [](const RunRow& row) {
        return row.run.kind == "looped" || row.run.kind == "looped-vanilla";
    });
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

} // namespace relay
