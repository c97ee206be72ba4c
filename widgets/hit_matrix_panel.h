// One hit matrix (docs/architecture.md, view 3): for a run and a length, the token accuracy of
// every position of every CoT step as a heat map (QCPColorMap, rows = CoT steps, columns = position
// within the step) with a colour scale and the value under the mouse. When the store has no
// matrix for that length, a button asks the engine to compute it (`relay eval --hit-matrix`).
#pragma once

#include "store/run_records.h"

#include <QWidget>

class QComboBox;
class QCPColorMap;
class QCPColorScale;
class QCustomPlot;
class QLabel;
class QPushButton;

namespace relay {

class StoreAccess;
struct RunRow;

class HitMatrixPanel : public QWidget {
    Q_OBJECT
public:
    explicit HitMatrixPanel(StoreAccess* store, QWidget* parent = nullptr);

    void setRuns(const QVector<RunRow>& rows, RunKind preferredKind);
    void selectRun(qint64 run);
    qint64 currentRun() const;
    void setLength(int length);
    void reload(); // reads the matrix of the current run and length from the store
    void setMatrix(const HitMatrixRecord& matrix);

    int rowCount() const { return m_rows; }          // CoT steps
    int columnCount() const { return m_columns; }    // positions within the step
    double valueAt(int cotStep, int position) const; // NaN when the cell is absent
    QString hoverText(double x, double y) const;
    bool loaded() const { return m_loaded; }
    QCustomPlot* plot() const { return m_plot; }
    QCPColorMap* colorMap() const { return m_map; }
    QPushButton* computeButton() const { return m_compute; }

Q_SIGNALS:
    void computeRequested(qint64 run, int length);
    void matrixShown();

private:
    StoreAccess* m_store;
    QComboBox* m_runs;
    QLabel* m_status;
    QPushButton* m_compute;
    QCustomPlot* m_plot;
    QCPColorMap* m_map;
    QCPColorScale* m_scale;
    HitMatrixRecord m_matrix;
    int m_length = 0;
    int m_rows = 0;
    int m_columns = 0;
    bool m_loaded = false;
    bool m_updating = false;
};

} // namespace relay
