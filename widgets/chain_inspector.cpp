#include "chain_inspector.h"

#include "chain_detail.h"
#include "qcustomplot_include.h"
#include "run_chooser.h"
#include "series_colors.h"
#include "store_access.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace relay {

namespace {

enum Column {
    Number,
    Length,
    Input,
    Answer,
    Verified,
    AnswerRight,
    TokensRight,
    FirstWrong,
    LabelFree,
    ColumnCount
};

} // namespace

ChainInspector::ChainInspector(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("chainInspector"));
    m_runs = new QComboBox;
    m_runs->setMinimumContentsLength(22);
    m_length = new QComboBox;
    m_verdict = new QComboBox;
    m_verdict->addItem(tr("all chains"), int(ChainFilter::All));
    m_verdict->addItem(tr("verified"), int(ChainFilter::Verified));
    m_verdict->addItem(tr("wrong"), int(ChainFilter::Wrong));
    m_verdict->addItem(tr("kept by the label-free filter"), int(ChainFilter::LabelFreeKept));
    m_summary = new QLabel;
    m_exportJsonl = new QPushButton(tr("Export JSONL…"));
    m_exportCotbench = new QPushButton(tr("Export CoT_benchmark…"));
    for (QPushButton* button : {m_exportJsonl, m_exportCotbench})
        button->setToolTip(tr("Writes the chains the table shows (the generated chains, as "
                              "Stage II hands them to the fine-tune)"));

    m_table = new QTableWidget(0, ColumnCount);
    m_table->setObjectName(QStringLiteral("chainTable"));
    m_table->setHorizontalHeaderLabels({tr("#"), tr("length"), tr("input"), tr("answer"),
                                        tr("chain"), tr("answer right"), tr("tokens right"),
                                        tr("first wrong"), tr("label-free")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(Input, QHeaderView::Stretch);
    m_table->setAlternatingRowColors(true);
    m_detail = new QTextBrowser;
    m_detail->setObjectName(QStringLiteral("chainDetail"));
    m_chart = new QCustomPlot;
    m_chart->setMinimumHeight(180);
    m_chart->setBackground(palette().color(QPalette::Base));
    for (QCPAxis* axis : {m_chart->xAxis, m_chart->yAxis}) {
        axis->setBasePen(QPen(palette().color(QPalette::Text)));
        axis->setTickPen(QPen(palette().color(QPalette::Text)));
        axis->setTickLabelColor(palette().color(QPalette::Text));
        axis->setLabelColor(palette().color(QPalette::Text));
    }
    m_chart->xAxis->setLabel(tr("length"));
    m_chart->yAxis->setLabel(tr("share of chains"));
    m_chart->legend->setVisible(true);
    m_chart->legend->setBrush(palette().color(QPalette::Base));
    m_chart->legend->setTextColor(palette().color(QPalette::Text));

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Generator run")));
    top->addWidget(m_runs, 1);
    top->addWidget(new QLabel(tr("Length")));
    top->addWidget(m_length);
    top->addWidget(new QLabel(tr("Show")));
    top->addWidget(m_verdict);
    top->addWidget(m_exportJsonl);
    top->addWidget(m_exportCotbench);
    auto* right = new QSplitter(Qt::Vertical);
    right->addWidget(m_chart);
    right->addWidget(m_detail);
    right->setStretchFactor(1, 2);
    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(m_table);
    split->addWidget(right);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_summary);
    layout->addWidget(split, 1);

    connect(m_runs, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_updating)
            reload();
    });
    for (QComboBox* box : {m_length, m_verdict})
        connect(box, &QComboBox::currentIndexChanged, this, [this] {
            if (!m_updating)
                applyFilter();
        });
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &ChainInspector::showDetail);
    connect(m_exportJsonl, &QPushButton::clicked, this,
            [this] { askExport(DatasetFormat::Jsonl); });
    connect(m_exportCotbench, &QPushButton::clicked, this,
            [this] { askExport(DatasetFormat::Cotbench); });
}

void ChainInspector::setRuns(const QVector<RunRow>& rows) {
    const qint64 before = currentRun();
    fillRunChooser(m_runs, rows, [](const RunRow& row) { return !isAutoregressive(row.run.kind); });
    if (currentRun() != before)
        reload();
}

void ChainInspector::selectRun(qint64 run) {
    const int index = m_runs->findData(QVariant::fromValue<qint64>(run));
    if (index >= 0 && index != m_runs->currentIndex())
        m_runs->setCurrentIndex(index);
    else if (index >= 0)
        reload();
}

qint64 ChainInspector::currentRun() const {
    return m_runs->currentIndex() >= 0 ? m_runs->currentData().toLongLong() : -1;
}

void ChainInspector::reload() {
    m_loaded = false;
    const qint64 run = currentRun();
    if (run < 0) {
        showChains({}, "{}");
        return;
    }
    m_summary->setText(tr("Loading the chains of run %1…").arg(run));
    Q_EMIT chainsRequested(run);
}

void ChainInspector::setChains(qint64 run, const std::vector<ChainReview>& reviews,
                               const std::string& configJson, const QString& error) {
    if (run != currentRun())
        return;
    showChains(reviews, configJson);
    if (!error.isEmpty())
        m_summary->setText(tr("Store: %1").arg(error));
    Q_EMIT chainsLoaded(run);
}

void ChainInspector::showChains(const std::vector<ChainReview>& reviews,
                                const std::string& configJson) {
    m_reviews = reviews;
    m_configJson = configJson;
    m_correctness = correctnessByLength(m_reviews);
    const int keep = m_length->currentData().toInt();
    m_updating = true;
    m_length->clear();
    m_length->addItem(tr("all lengths"), 0);
    for (const LengthCorrectness& row : m_correctness)
        m_length->addItem(QString::number(row.length), row.length);
    m_length->setCurrentIndex(std::max(0, m_length->findData(keep)));
    m_updating = false;
    m_loaded = true;
    drawChart();
    applyFilter();
}

void ChainInspector::setLengthFilter(int length) {
    m_length->setCurrentIndex(std::max(0, m_length->findData(length)));
}

void ChainInspector::setVerdictFilter(ChainFilter filter) {
    m_verdict->setCurrentIndex(m_verdict->findData(int(filter)));
}

void ChainInspector::applyFilter() {
    m_shown = filterChains(m_reviews, m_length->currentData().toInt(),
                           ChainFilter(m_verdict->currentData().toInt()));
    m_table->setSortingEnabled(false);
    m_table->setRowCount(static_cast<int>(m_shown.size()));
    for (int row = 0; row < static_cast<int>(m_shown.size()); ++row) {
        const ChainRecord& chain = m_reviews[static_cast<std::size_t>(m_shown[row])].chain;
        auto set = [this, row](int column, const QString& text, const QColor& color = {}) {
            auto* item = new QTableWidgetItem(text);
            if (color.isValid())
                item->setForeground(color);
            m_table->setItem(row, column, item);
        };
        set(Number, QString::number(m_shown[row] + 1));
        set(Length, QString::number(chain.length));
        set(Input, QString::fromStdString(chain.input));
        set(Answer, QString::fromStdString(chain.answer));
        set(Verified, chain.verified ? tr("verified") : tr("wrong"),
            chain.verified ? seriesColor(2) : seriesColor(3));
        set(AnswerRight, chain.answerCorrect ? tr("yes") : tr("no"));
        set(TokensRight, chain.tokenAccuracy >= 0
                             ? QStringLiteral("%1%").arg(100 * chain.tokenAccuracy, 0, 'f', 0)
                             : QStringLiteral("—"));
        set(FirstWrong,
            chain.firstWrongStep > 0 ? QString::number(chain.firstWrongStep) : QStringLiteral("—"));
        set(LabelFree, labelFreeVerdictText(chain.labelFreeKept),
            chain.labelFreeKept == 1   ? seriesColor(2)
            : chain.labelFreeKept == 0 ? seriesColor(3)
                                       : QColor());
    }
    m_table->resizeColumnToContents(Number);
    m_table->resizeColumnToContents(Length);
    int verified = 0, labelFreeKept = 0, labelFreeChecked = 0;
    for (int index : m_shown) {
        const ChainRecord& chain = m_reviews[static_cast<std::size_t>(index)].chain;
        verified += chain.verified ? 1 : 0;
        labelFreeKept += chain.labelFreeKept == 1 ? 1 : 0;
        labelFreeChecked += chain.labelFreeKept >= 0 ? 1 : 0;
    }
    m_summary->setText(
        m_reviews.empty()
            ? tr("Run %1 has no Stage II chains yet: AR fine-tuning (or relay generate %1) "
                 "writes them.")
                  .arg(currentRun())
            : tr("%1 of %2 chains shown · %3 verified%4")
                  .arg(m_shown.size())
                  .arg(m_reviews.size())
                  .arg(verified)
                  .arg(labelFreeChecked > 0 ? tr(" · label-free filter kept %1 of %2 checked")
                                                  .arg(labelFreeKept)
                                                  .arg(labelFreeChecked)
                                            : QString()));
    m_exportJsonl->setEnabled(!m_shown.empty());
    m_exportCotbench->setEnabled(!m_shown.empty());
    if (!m_shown.empty())
        selectChain(0);
    else
        m_detail->clear();
}

void ChainInspector::drawChart() {
    m_chart->clearPlottables();
    QVector<double> lengths, verified, answers, measuredLengths, tokens;
    QVector<QString> labels;
    for (const LengthCorrectness& row : m_correctness) {
        lengths.append(row.length);
        labels.append(QString::number(row.length));
        verified.append(row.chains > 0 ? double(row.verified) / row.chains : 0);
        answers.append(row.chains > 0 ? double(row.answerCorrect) / row.chains : 0);
        if (row.tokenAccuracy >= 0) {
            measuredLengths.append(row.length);
            tokens.append(row.tokenAccuracy);
        }
    }
    auto* group = new QCPBarsGroup(m_chart);
    auto addBars = [&](const QString& name, const QVector<double>& keys,
                       const QVector<double>& values, const QColor& color) {
        auto* bars = new QCPBars(m_chart->xAxis, m_chart->yAxis);
        bars->setName(name);
        bars->setWidth(0.26);
        bars->setBrush(color);
        bars->setPen(QPen(color.darker(130)));
        bars->setData(keys, values, true);
        bars->setBarsGroup(group);
    };
    addBars(tr("chain verified"), lengths, verified, seriesColor(2));
    addBars(tr("answer right"), lengths, answers, seriesColor(0));
    // How close the chains come: a length with no exact chain can still be mostly right.
    if (!tokens.isEmpty())
        addBars(tr("tokens right"), measuredLengths, tokens, seriesColor(1));
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    ticker->addTicks(lengths, labels);
    m_chart->xAxis->setTicker(ticker);
    m_chart->xAxis->setRange(lengths.isEmpty() ? 0 : lengths.first() - 0.7,
                             lengths.isEmpty() ? 1 : lengths.last() + 0.7);
    m_chart->yAxis->setRange(0, 1.05);
    m_chart->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    m_chart->replot();
}

const ChainReview* ChainInspector::shownChain(int row) const {
    if (row < 0 || row >= static_cast<int>(m_shown.size()))
        return nullptr;
    return &m_reviews[static_cast<std::size_t>(m_shown[static_cast<std::size_t>(row)])];
}

void ChainInspector::selectChain(int row) {
    m_table->selectRow(row);
    showDetail();
}

void ChainInspector::showDetail() {
    const ChainReview* review = shownChain(m_table->currentRow());
    if (!review)
        return;
    m_detail->setHtml(chainDetailHtml(*review));
}

bool ChainInspector::exportTo(const QString& path, DatasetFormat format, QString* error,
                              int* skipped) const {
    try {
        writeDatasetFile(path.toStdString(),
                         exportExamples(m_reviews, m_shown, m_configJson, skipped), format);
        return true;
    } catch (const std::exception& failure) {
        if (error)
            *error = QString::fromStdString(failure.what());
        return false;
    }
}

void ChainInspector::askExport(DatasetFormat format) {
    const bool jsonl = format == DatasetFormat::Jsonl;
    const QString path = QFileDialog::getSaveFileName(
        this, jsonl ? tr("Export chains as JSONL") : tr("Export chains as CoT_benchmark text"),
        QStringLiteral("chains-run%1.%2").arg(currentRun()).arg(jsonl ? "jsonl" : "txt"),
        jsonl ? tr("JSONL (*.jsonl)") : tr("CoT_benchmark text (*.txt)"));
    if (path.isEmpty())
        return;
    QString error;
    int skipped = 0;
    if (!exportTo(path, format, &error, &skipped))
        QMessageBox::warning(this, tr("Export failed"),
                             tr("The chains were not written: %1").arg(error));
    else if (skipped > 0)
        QMessageBox::information(this, tr("Chains left out"),
                                 tr("%n chain(s) with an empty step were left out: neither "
                                    "format can hold an empty step.",
                                    nullptr, skipped));
}

} // namespace relay
