// Run comparison: pick runs, overlay one metric of each, draw accuracy against test length with
// one line per run and the training range shaded (the paper's main figure; answer accuracy, or
// CoT token accuracy as in its Fig. 7, where runs that did not measure it are left out; or the
// accuracy of each CoT step at one chosen test length), list
// the config keys where they differ, and export the charts (PNG, PDF) and their data (CSV).
// With "Group seeds" on, runs that differ only in their seed (seed_groups.h) are drawn as one
// line, their mean, with their minimum-to-maximum band shaded around it. The Frontier tab
// (frontier_chart.h) draws the chosen runs by self-improvement round with each one's frontier.
#pragma once

#include "run_series.h"
#include "store_access.h"

#include <QMap>
#include <QWidget>

#include <vector>

class QCheckBox;
class QComboBox;
class QCPTextElement;
class QCustomPlot;
class QListWidget;
class QSlider;
class QSplitter;
class QTableWidget;
class QTabWidget;
class QTimer;

namespace relay {

class CurvePlot;
class FrontierChart;
class RunTableModel;

class RunComparisonView : public QWidget {
    Q_OBJECT
public:
    RunComparisonView(StoreAccess* store, RunTableModel* model, QWidget* parent = nullptr);

    void setSelectedRuns(const QList<qint64>& runs);
    QList<qint64> selectedRuns() const;
    bool allLoaded() const; // every selected run's data has arrived
    void setMetric(const QString& name);
    void setGroupSeeds(bool group);
    bool groupSeeds() const;
    void setMeasure(EvalMeasure measure); // what the by-length chart draws
    EvalMeasure measure() const;
    void setStepLength(int length); // the test length of the accuracy by CoT step
    int stepLength() const;
    // The lines drawn, as the runs behind each (one run each while seeds are not grouped).
    const std::vector<std::vector<std::int64_t>>& drawnGroups() const { return m_groups; }

    CurvePlot* overlayPlot() const { return m_overlay; }
    QCustomPlot* accuracyPlot() const { return m_accuracy; }
    QTableWidget* diffTable() const { return m_diff; }
    FrontierChart* frontierChart() const { return m_frontier; }
    void showFrontier(); // brings the Frontier tab forward

    // Both charts stacked (PNG, PDF); the drawn data in long form (CSV, see
    // exportComparisonCsv). Return false and set *error when the file cannot be written.
    bool exportPng(const QString& path, QString* error = nullptr) const;
    bool exportPdf(const QString& path, QString* error = nullptr) const;
    bool exportCsv(const QString& path, QString* error = nullptr) const;

Q_SIGNALS:
    void updated(); // redrawn after a selection change or new data

private:
    void rebuildRunList();
    void onRunLoaded(const RunData& data);
    void redraw();
    void drawOverlay();
    void drawAccuracy();
    void offerStepLengths(); // the test lengths the selected runs have step accuracies at
    void drawDiff();
    void askExport(const QString& format);
    QString runLabel(std::int64_t run) const;
    QString lineName(const std::vector<std::int64_t>& group) const;   // in the CSV
    QString groupLabel(const std::vector<std::int64_t>& group) const; // in the legends
    std::vector<const RunData*> groupData(const std::vector<std::int64_t>& group) const;
    std::vector<std::vector<std::int64_t>> currentGroups() const;
    QStringList preferredStopping() const;

    StoreAccess* m_store;
    RunTableModel* m_model;
    QMap<std::int64_t, RunData> m_data;
    QListWidget* m_runs;
    QComboBox* m_metric;
    QComboBox* m_xAxis;
    QComboBox* m_stopping;
    QComboBox* m_measure;
    QComboBox* m_stepLength;
    QSlider* m_smoothing;
    QCheckBox* m_logScale;
    QCheckBox* m_allKeys;
    QCheckBox* m_groupSeeds;
    CurvePlot* m_overlay;
    QCustomPlot* m_accuracy;
    QCPTextElement* m_accuracyTitle;
    QTableWidget* m_diff;
    FrontierChart* m_frontier;
    QTabWidget* m_bottomTabs;
    QSplitter* m_charts;
    QTimer* m_refresh;
    std::vector<std::vector<std::int64_t>> m_groups; // as drawn
    bool m_updatingList = false;
};

} // namespace relay
