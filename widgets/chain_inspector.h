// The chain inspector (docs/architecture.md, view 4): the chains a looped run wrote in Stage II,
// filtered by length and verified / wrong; chain correctness per length as a bar chart; the
// selected chain step by step against the true chain with its first wrong step and wrong tokens
// marked; the filtered set exported as JSONL or CoT_benchmark text. It only renders and asks:
// the chains and their true chains come from elsewhere (app/workbench wires the store in).
#pragma once

#include "chain_review.h"
#include "tasks/dataset_file.h"

#include <QWidget>

class QComboBox;
class QCustomPlot;
class QLabel;
class QPushButton;
class QTableWidget;
class QTextBrowser;

namespace relay {

struct RunRow;

class ChainInspector : public QWidget {
    Q_OBJECT
public:
    explicit ChainInspector(QWidget* parent = nullptr);

    // Looped runs (the generators); keeps the chosen one when still there.
    void setRuns(const QVector<RunRow>& rows);
    void selectRun(qint64 run);
    qint64 currentRun() const;
    void reload(); // asks for the chosen run's chains again (chainsRequested)
    // The answer to chainsRequested: the run's chains reviewed against their true chains, and
    // its stored config (the export's task options). Ignored when another run is chosen now;
    // a non-empty error is shown in place of the summary.
    void setChains(qint64 run, const std::vector<ChainReview>& reviews,
                   const std::string& configJson, const QString& error = {});
    bool loaded() const { return m_loaded; }

    void setLengthFilter(int length); // 0: every length
    void setVerdictFilter(ChainFilter filter);
    void selectChain(int row); // a row of the filtered table
    int shownCount() const { return static_cast<int>(m_shown.size()); }
    const std::vector<ChainReview>& reviews() const { return m_reviews; }
    const ChainReview* shownChain(int row) const;
    const std::vector<LengthCorrectness>& correctness() const { return m_correctness; }

    // Writes the filtered chains; false and *error on failure. *skipped counts chains left out
    // because a step is empty (neither format can hold one).
    bool exportTo(const QString& path, DatasetFormat format, QString* error = nullptr,
                  int* skipped = nullptr) const;

    QTableWidget* table() const { return m_table; }
    QTextBrowser* detail() const { return m_detail; }
    QCustomPlot* chart() const { return m_chart; }

Q_SIGNALS:
    void chainsRequested(qint64 run);
    void chainsLoaded(qint64 run);

private:
    void showChains(const std::vector<ChainReview>& reviews, const std::string& configJson);
    void applyFilter();
    void drawChart();
    void showDetail();
    void askExport(DatasetFormat format);

    QComboBox* m_runs;
    QComboBox* m_length;
    QComboBox* m_verdict;
    QLabel* m_summary;
    QTableWidget* m_table;
    QTextBrowser* m_detail;
    QCustomPlot* m_chart;
    QPushButton* m_exportJsonl;
    QPushButton* m_exportCotbench;
    std::vector<ChainReview> m_reviews;
    std::vector<LengthCorrectness> m_correctness;
    std::vector<int> m_shown;
    std::string m_configJson;
    bool m_loaded = false;
    bool m_updating = false;
};

} // namespace relay
