// The adaptive-stop trace of the loop-iteration viewer: the stopping score (uncertainty, lower =
// more confident) at every iteration, the iteration the rule chose marked, the true T and the
// current iteration drawn as vertical lines. A small QCustomPlot; clicking picks an iteration.
#pragma once

#include "inspection/problem_inspection.h"

#include <QWidget>

class QCustomPlot;
class QCPItemStraightLine;

namespace relay {

class ConfidenceTracePlot : public QWidget {
    Q_OBJECT
public:
    explicit ConfidenceTracePlot(QWidget* parent = nullptr);

    void setInspection(const ProblemInspection& inspection, bool showChosen);
    void setCurrentIteration(int iteration);
    QCustomPlot* plot() const { return m_plot; }
    int pointCount() const;

Q_SIGNALS:
    void iterationClicked(int iteration);

private:
    QCustomPlot* m_plot;
    QCPItemStraightLine* m_current;
};

} // namespace relay
