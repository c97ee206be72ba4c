#include "inspection_request_form.h"

#include "run_chooser.h"
#include "store_access.h"

#include <QComboBox>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>

namespace relay {

namespace {

QString problemLabel(const Problem& problem, int index) {
    QString text = QString::fromStdString(joinTokens(problem.input));
    if (text.size() > 70)
        text = text.left(67) + QStringLiteral("…");
    return QStringLiteral("#%1  %2").arg(index + 1).arg(text);
}

} // namespace

InspectionRequestForm::InspectionRequestForm(QWidget* parent) : QWidget(parent) {
    qRegisterMetaType<InspectionRequest>();
    m_runs = new QComboBox;
    m_runs->setObjectName(QStringLiteral("viewerRun"));
    m_runs->setMinimumContentsLength(18);
    m_checkpoints = new QComboBox;
    m_checkpoints->setObjectName(QStringLiteral("viewerCheckpoint"));
    m_tasks = new QComboBox;
    m_tasks->setObjectName(QStringLiteral("viewerTask"));
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

    auto* layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
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
    for (QComboBox* box : {m_checkpoints, m_tasks})
        connect(box, &QComboBox::currentIndexChanged, this, [this] {
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
    connect(m_typed, &QLineEdit::returnPressed, this, &InspectionRequestForm::submitTyped);
    connect(m_rule, &QComboBox::currentIndexChanged, this, [this] {
        m_fixed->setEnabled(m_liveAvailable && rule() == QLatin1String("fixed"));
        if (!m_updating)
            requestInspection();
    });
    for (QSpinBox* spin : {m_fixed, m_maximum})
        connect(spin, &QSpinBox::valueChanged, this, [this] {
            if (!m_updating)
                requestInspection();
        });
}

void InspectionRequestForm::setRuns(const QVector<RunRow>& rows) {
    const qint64 before = currentRun();
    fillRunChooser(m_runs, rows, [](const RunRow& row) { return !isAutoregressive(row.run.kind); });
    if (currentRun() >= 0 && currentRun() != before)
        Q_EMIT runChosen(currentRun());
}

void InspectionRequestForm::selectRun(qint64 run) {
    const int index = m_runs->findData(QVariant::fromValue<qint64>(run));
    if (index >= 0 && index != m_runs->currentIndex())
        m_runs->setCurrentIndex(index);
    else if (index >= 0)
        Q_EMIT runChosen(run);
}

qint64 InspectionRequestForm::currentRun() const {
    return chosenRun(m_runs);
}

qint64 InspectionRequestForm::checkpointStep() const {
    return m_checkpoints->currentIndex() >= 0 ? m_checkpoints->currentData().toLongLong() : -1;
}

QString InspectionRequestForm::task() const {
    return m_tasks->currentText();
}

QString InspectionRequestForm::rule() const {
    return m_rule->currentData().toString();
}

QString InspectionRequestForm::ruleLabel() const {
    return m_rule->currentText();
}

void InspectionRequestForm::setRunInfo(const IterationRunInfo& info) {
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
    m_updating = false;
}

void InspectionRequestForm::requestProblems() {
    if (currentRun() < 0 || m_tasks->count() == 0 || !m_liveAvailable)
        return;
    m_typedActive = false;
    Q_EMIT problemsRequested(currentRun(), checkpointStep(), task(), m_length->value());
}

void InspectionRequestForm::setProblems(const std::vector<Problem>& problems) {
    m_problemSet = problems;
    m_updating = true;
    m_problems->clear();
    for (std::size_t i = 0; i < problems.size(); ++i)
        m_problems->addItem(problemLabel(problems[i], static_cast<int>(i)));
    m_updating = false;
    if (!problems.empty()) {
        m_problems->setCurrentIndex(0);
        requestInspection();
    }
}

void InspectionRequestForm::submitTyped() {
    if (m_typed->text().trimmed().isEmpty())
        return;
    m_typedActive = true;
    requestInspection();
}

void InspectionRequestForm::typeProblem(const QString& text) {
    m_typed->setText(text);
    submitTyped();
}

void InspectionRequestForm::setLength(int length) {
    m_length->setValue(length);
}

void InspectionRequestForm::setRule(const QString& rule, int fixedIterations,
                                    int maximumIterations) {
    m_updating = true;
    m_rule->setCurrentIndex(std::max(0, m_rule->findData(rule)));
    if (fixedIterations > 0)
        m_fixed->setValue(fixedIterations);
    m_maximum->setValue(maximumIterations);
    m_updating = false;
    requestInspection();
}

void InspectionRequestForm::requestInspection() {
    if (currentRun() < 0 || !m_liveAvailable)
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
    request.options.rule = rule().toStdString();
    // The fixed rule stops at N by definition; the others may be asked to loop on.
    request.options.fixedIterations = request.options.rule == "fixed" ? m_fixed->value() : 0;
    request.options.maximumIterations = request.options.rule == "fixed" ? 0 : m_maximum->value();
    Q_EMIT inspectionRequested(request);
}

void InspectionRequestForm::showError(const QString& message) {
    m_error->setText(message);
    m_error->show();
    if (m_typedActive)
        m_typed->setStyleSheet(QStringLiteral("border: 1px solid #d62728"));
}

void InspectionRequestForm::clearError() {
    m_error->hide();
    m_typed->setStyleSheet(QString());
}

void InspectionRequestForm::setLiveInferenceAvailable(bool available, const QString& reason) {
    m_liveAvailable = available;
    for (QWidget* widget : std::initializer_list<QWidget*>{m_checkpoints, m_length, m_problems,
                                                           m_typed, m_rule, m_maximum})
        widget->setEnabled(available);
    m_fixed->setEnabled(available && rule() == QLatin1String("fixed"));
    m_liveNote->setText(reason);
    m_liveNote->setVisible(!available);
}

} // namespace relay
