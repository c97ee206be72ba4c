// The loop-iteration viewer's transport bar: first / previous / next / last, play and pause at
// a chosen speed (iterations per second), and "iteration t of N (T = ...)". Knows only how many
// iterations there are and which one is current; the viewer shows that iteration.
#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QTimer;
class QToolButton;

namespace relay {

class IterationPlayback : public QWidget {
    Q_OBJECT
public:
    explicit IterationPlayback(QWidget* parent = nullptr);

    // A new problem's iterations: count rows, `current` shown, T of its chain. Emits nothing.
    void setIterations(int count, int current, int truthIterations);
    int count() const { return m_count; }
    int current() const { return m_current; }

    void goTo(int iteration); // 1-based, clamped; always emits iterationChanged
    void first();
    void previous();
    void next();
    void last();
    void setPlaying(bool playing); // from the first iteration when at the last
    bool playing() const;
    void setSpeed(double iterationsPerSecond); // one of the offered speeds
    double speed() const;

Q_SIGNALS:
    void iterationChanged(int iteration);

private:
    void updateControls();

    QToolButton* m_first;
    QToolButton* m_previous;
    QToolButton* m_next;
    QToolButton* m_last;
    QToolButton* m_play;
    QComboBox* m_speed;
    QLabel* m_position;
    QTimer* m_timer;
    int m_count = 0;
    int m_current = 0;
    int m_truthIterations = 0;
};

} // namespace relay
