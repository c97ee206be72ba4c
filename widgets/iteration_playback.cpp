#include "iteration_playback.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QTimer>
#include <QToolButton>

#include <algorithm>

namespace relay {

IterationPlayback::IterationPlayback(QWidget* parent) : QWidget(parent) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    // The style's media icons: every font has them, unlike the Unicode transport symbols.
    auto button = [this](QStyle::StandardPixmap icon, const QString& tip) {
        auto* b = new QToolButton(this);
        b->setIcon(style()->standardIcon(icon));
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
    m_speed = new QComboBox(this);
    for (double perSecond : {0.5, 1.0, 2.0, 4.0, 8.0})
        m_speed->addItem(tr("%1 it/s").arg(perSecond), perSecond);
    m_speed->setCurrentIndex(2);
    m_position = new QLabel(this);
    for (QWidget* widget : std::initializer_list<QWidget*>{m_first, m_previous, m_next, m_last,
                                                           m_play, m_speed, m_position})
        layout->addWidget(widget);

    m_timer = new QTimer(this);
    connect(m_timer, &QTimer::timeout, this, [this] {
        if (m_current >= m_count)
            setPlaying(false);
        else
            next();
    });
    connect(m_first, &QToolButton::clicked, this, &IterationPlayback::first);
    connect(m_previous, &QToolButton::clicked, this, &IterationPlayback::previous);
    connect(m_next, &QToolButton::clicked, this, &IterationPlayback::next);
    connect(m_last, &QToolButton::clicked, this, &IterationPlayback::last);
    connect(m_play, &QToolButton::toggled, this, &IterationPlayback::setPlaying);
    connect(m_speed, &QComboBox::currentIndexChanged, this,
            [this] { m_timer->setInterval(static_cast<int>(1000 / speed())); });
    updateControls();
}

void IterationPlayback::setIterations(int count, int current, int truthIterations) {
    m_count = count;
    m_current = current;
    m_truthIterations = truthIterations;
    updateControls();
}

void IterationPlayback::goTo(int iteration) {
    m_current = m_count == 0 ? 0 : std::clamp(iteration, 1, m_count);
    updateControls();
    Q_EMIT iterationChanged(m_current);
}

void IterationPlayback::first() {
    goTo(1);
}
void IterationPlayback::previous() {
    goTo(m_current - 1);
}
void IterationPlayback::next() {
    goTo(m_current + 1);
}
void IterationPlayback::last() {
    goTo(m_count);
}

void IterationPlayback::setPlaying(bool playing) {
    if (playing && m_current >= m_count)
        goTo(1); // play from the start when at the end
    if (playing) {
        m_timer->setInterval(static_cast<int>(1000 / speed()));
        m_timer->start();
    } else {
        m_timer->stop();
    }
    const QSignalBlocker block(m_play);
    m_play->setChecked(playing);
    m_play->setText(playing ? tr("Pause") : tr("Play"));
    m_play->setIcon(style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
}

bool IterationPlayback::playing() const {
    return m_timer->isActive();
}

void IterationPlayback::setSpeed(double iterationsPerSecond) {
    const int index = m_speed->findData(iterationsPerSecond);
    if (index >= 0)
        m_speed->setCurrentIndex(index);
}

double IterationPlayback::speed() const {
    return m_speed->currentData().toDouble();
}

void IterationPlayback::updateControls() {
    m_first->setEnabled(m_current > 1);
    m_previous->setEnabled(m_current > 1);
    m_next->setEnabled(m_current < m_count);
    m_last->setEnabled(m_current < m_count);
    m_play->setEnabled(m_count > 1);
    m_position->setText(
        m_count == 0
            ? QString()
            : tr("iteration %1 of %2 (T = %3)").arg(m_current).arg(m_count).arg(m_truthIterations));
}

} // namespace relay
