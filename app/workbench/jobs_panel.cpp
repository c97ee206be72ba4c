#include "jobs_panel.h"

#include "job_runner.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace relay {
namespace {

enum Column { Number, Label, Run, State, Progress, Message };

QColor stateColor(Job::State state) {
    switch (state) {
    case Job::State::Running:
        return QColor(0x2a, 0x7f, 0xd4);
    case Job::State::Finished:
        return QColor(0x2e, 0x9e, 0x4f);
    case Job::State::Failed:
        return QColor(0xd0, 0x3b, 0x3b);
    default:
        return QColor(0xc0, 0x84, 0x1a);
    }
}

} // namespace

JobsPanel::JobsPanel(JobRunner* runner, QWidget* parent) : QWidget(parent), m_runner(runner) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    auto* left = new QWidget(splitter);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    m_tree = new QTreeWidget(left);
    m_tree->setObjectName(QStringLiteral("jobsTree"));
    m_tree->setRootIsDecorated(false);
    m_tree->setHeaderLabels(
        {tr("#"), tr("Job"), tr("Run"), tr("State"), tr("Progress"), tr("Last message")});
    m_tree->header()->setStretchLastSection(true);
    m_tree->setColumnWidth(Number, 36);
    m_tree->setColumnWidth(Label, 170);
    m_tree->setColumnWidth(Run, 50);
    m_tree->setColumnWidth(State, 80);
    m_tree->setColumnWidth(Progress, 110);
    leftLayout->addWidget(m_tree, 1);
    auto* buttons = new QHBoxLayout;
    m_cancel = new QPushButton(tr("Cancel job"), left);
    m_pause = new QPushButton(tr("Pause"), left);
    m_open = new QPushButton(tr("Show run"), left);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_pause);
    buttons->addWidget(m_open);
    buttons->addStretch(1);
    leftLayout->addLayout(buttons);
    m_details = new QPlainTextEdit(splitter);
    m_details->setObjectName(QStringLiteral("jobDetails"));
    m_details->setReadOnly(true);
    m_details->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_details->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_details->setPlaceholderText(tr("The selected job's latest log lines"));
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    layout->addWidget(splitter);

    connect(m_runner, &JobRunner::jobStarted, this, [this](Job* job) {
        auto* item = new QTreeWidgetItem(m_tree);
        item->setData(Number, Qt::UserRole, job->id());
        updateJob(job);
        if (!selectedJob())
            m_tree->setCurrentItem(item);
    });
    connect(m_runner, &JobRunner::jobStateChanged, this, &JobsPanel::updateJob);
    connect(m_runner, &JobRunner::jobEnded, this, [this](Job* job) {
        updateJob(job);
        if (job->state() == Job::State::Failed)
            selectJob(job); // the error is what the user needs to see now
    });
    connect(m_runner, &JobRunner::jobEvent, this,
            [this](Job* job, const JobEvent&) { updateJob(job); });
    connect(m_runner, &JobRunner::jobLog, this, [this](Job* job, const QString& line) {
        if (job == selectedJob()) {
            m_details->appendPlainText(line);
        }
    });
    connect(m_tree, &QTreeWidget::currentItemChanged, this, [this] {
        showDetails();
        updateButtons();
    });
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (Job* job = selectedJob())
            job->cancel();
    });
    connect(m_pause, &QPushButton::clicked, this, [this] {
        if (Job* job = selectedJob())
            job->setPaused(job->state() != Job::State::Paused);
    });
    connect(m_open, &QPushButton::clicked, this, [this] {
        if (Job* job = selectedJob(); job && job->run() >= 0)
            Q_EMIT openRunRequested(job->run());
    });
    connect(m_tree, &QTreeWidget::itemDoubleClicked, this, [this] {
        if (Job* job = selectedJob(); job && job->run() >= 0)
            Q_EMIT openRunRequested(job->run());
    });
    updateButtons();
}

Job* JobsPanel::selectedJob() const {
    QTreeWidgetItem* item = m_tree->currentItem();
    if (!item)
        return nullptr;
    const int id = item->data(Number, Qt::UserRole).toInt();
    for (Job* job : m_runner->jobs())
        if (job->id() == id)
            return job;
    return nullptr;
}

QTreeWidgetItem* JobsPanel::itemOf(Job* job) const {
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i)
        if (m_tree->topLevelItem(i)->data(Number, Qt::UserRole).toInt() == job->id())
            return m_tree->topLevelItem(i);
    return nullptr;
}

void JobsPanel::selectJob(Job* job) {
    if (QTreeWidgetItem* item = itemOf(job))
        m_tree->setCurrentItem(item);
    showDetails();
}

void JobsPanel::updateJob(Job* job) {
    QTreeWidgetItem* item = itemOf(job);
    if (!item)
        return;
    item->setText(Number, QString::number(job->id()));
    item->setText(Label, job->label());
    item->setText(Run, job->run() >= 0 ? QString::number(job->run()) : QStringLiteral("–"));
    item->setText(State, Job::stateName(job->state()));
    item->setForeground(State, stateColor(job->state()));
    QString progress = job->stage();
    if (job->totalSteps() > 0)
        progress = QStringLiteral("%1%2/%3")
                       .arg(progress.isEmpty() ? QString() : progress + QLatin1Char(' '))
                       .arg(job->step())
                       .arg(job->totalSteps());
    item->setText(Progress, progress);
    const QString message = job->state() == Job::State::Failed ? job->errorMessage()
                            : job->log().isEmpty()             ? QString()
                                                               : job->log().last().mid(9);
    item->setText(Message, message);
    item->setToolTip(Message, message);
    if (job == selectedJob())
        updateButtons();
}

void JobsPanel::showDetails() {
    Job* job = selectedJob();
    if (!job) {
        m_details->clear();
        return;
    }
    QStringList lines = job->lastLines(200);
    if (job->state() == Job::State::Failed)
        lines.prepend(tr("FAILED: %1\n").arg(job->errorMessage()));
    m_details->setPlainText(lines.join(QLatin1Char('\n')));
    m_details->verticalScrollBar()->setValue(m_details->verticalScrollBar()->maximum());
}

QString JobsPanel::detailsText() const {
    return m_details->toPlainText();
}

void JobsPanel::updateButtons() {
    Job* job = selectedJob();
    m_cancel->setEnabled(job && job->active());
    m_pause->setEnabled(job && job->active());
    m_pause->setText(job && job->state() == Job::State::Paused ? tr("Continue") : tr("Pause"));
    m_open->setEnabled(job && job->run() >= 0);
}

} // namespace relay
