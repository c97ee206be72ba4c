// The frontier chart of self-improvement rounds: answer accuracy by length for each chosen run,
// in round order (frontier_rounds.h), each run's frontier marked by a dashed drop line at the
// first length beyond training where its accuracy falls below one half, the one-half level
// drawn across; a table beneath names each line's round, run and frontier.
#pragma once

#include "frontier_rounds.h"

#include <QWidget>

class QCustomPlot;
class QTableWidget;

namespace relay {

class FrontierChart : public QWidget {
    Q_OBJECT
public:
    explicit FrontierChart(QWidget* parent = nullptr);

    void setRuns(const std::vector<const RunData*>& runs, const QStringList& preferredStopping);

    const std::vector<FrontierLine>& lines() const { return m_lines; }
    QCustomPlot* plot() const { return m_plot; }
    QTableWidget* table() const { return m_table; }

private:
    void draw();
    void fillTable();

    QCustomPlot* m_plot;
    QTableWidget* m_table;
    std::vector<FrontierLine> m_lines;
};

} // namespace relay
