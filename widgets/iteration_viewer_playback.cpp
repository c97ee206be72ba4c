// IterationViewer: showing inspections and snapshots, stepping and playing through iterations.
#include "iteration_viewer.h"

#include "confidence_trace_plot.h"
#include "iteration_grid.h"
#include "probe_inspections.h"

#include <QCheckBox>
#include <QComboBox>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QSlider>
#include <QSpinBox>
#include <QStyle>
#include <QTimer>
#include <QToolButton>

namespace relay {

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
    const int count = m_grid->iterationCount();
    const int clamped = count == 0 ? 0 : std::clamp(iteration, 1, count);
    m_grid->setCurrentIteration(clamped);
    m_trace->setCurrentIteration(clamped);
    if (clamped > 0) {
        const QRect band = m_grid->bandRect(clamped);
        m_scroll->ensureVisible(m_scroll->horizontalScrollBar()->value(), band.center().y(), 0,
                                band.height());
    }
    updateNavigation();
    Q_EMIT currentIterationChanged(clamped);
}

void IterationViewer::first() {
    goTo(1);
}
void IterationViewer::previous() {
    goTo(currentIteration() - 1);
}
void IterationViewer::next() {
    goTo(currentIteration() + 1);
}
void IterationViewer::last() {
    goTo(m_grid->iterationCount());
}

void IterationViewer::setPlaying(bool playing) {
    if (playing && currentIteration() >= m_grid->iterationCount())
        goTo(1); // play from the start when at the end
    if (playing) {
        m_player->setInterval(static_cast<int>(1000 / m_speed->currentData().toDouble()));
        m_player->start();
    } else {
        m_player->stop();
    }
    const QSignalBlocker block(m_play);
    m_play->setChecked(playing);
    m_play->setText(playing ? tr("Pause") : tr("Play"));
    m_play->setIcon(style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
}

bool IterationViewer::playing() const {
    return m_player->isActive();
}

void IterationViewer::updateNavigation() {
    const int count = m_grid->iterationCount();
    const int current = currentIteration();
    m_first->setEnabled(current > 1);
    m_previous->setEnabled(current > 1);
    m_next->setEnabled(current < count);
    m_last->setEnabled(current < count);
    m_play->setEnabled(count > 1);
    const int truthT = m_grid->inspection().truth.iterations();
    m_position->setText(
        count == 0 ? QString()
                   : tr("iteration %1 of %2 (T = %3)").arg(current).arg(count).arg(truthT));
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
