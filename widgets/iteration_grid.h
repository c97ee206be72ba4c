// The loop-iteration grid (docs/architecture.md, view 3): one band per iteration t,
// the model's read-out right-aligned above the true CoT step t; read-out tokens green when
// right, red when wrong, grey when unscored, and faded by the model's confidence; the <pad>
// boundary drawn as a line; the current iteration framed. Only renders a ProblemInspection.
#pragma once

#include "inspection/problem_inspection.h"

#include <QWidget>

namespace relay {

class IterationGrid : public QWidget {
    Q_OBJECT
public:
    explicit IterationGrid(QWidget* parent = nullptr);

    void setInspection(const ProblemInspection& inspection);
    const ProblemInspection& inspection() const { return m_inspection; }
    void setCurrentIteration(int iteration); // 1-based; 0 for none
    int currentIteration() const { return m_current; }
    int iterationCount() const { return static_cast<int>(m_inspection.iterations.size()); }

    // First position drawn: the leftmost boundary pad of any row (left padding is hidden).
    int firstShownPosition() const { return m_firstPosition; }
    // The colour the read-out cell of `iteration` at `position` is painted with.
    QColor cellColor(int iteration, int position) const;
    // The rectangle of an iteration's band (both rows), for scrolling it into view.
    QRect bandRect(int iteration) const;

    QSize sizeHint() const override;

    static QColor rightColor();
    static QColor wrongColor();

Q_SIGNALS:
    void iterationClicked(int iteration);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    void paintBand(QPainter& painter, const InspectedIteration& row, int top) const;
    int cellWidth() const;
    int rowHeight() const;
    int labelWidth() const;
    int bandHeight() const { return 2 * rowHeight() + m_bandGap; }

    ProblemInspection m_inspection;
    int m_current = 0;
    int m_firstPosition = 0;
    int m_bandGap = 6;
};

} // namespace relay
