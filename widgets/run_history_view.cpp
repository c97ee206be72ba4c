#include "run_history_view.h"

#include "config_column_chooser.h"
#include "config_columns_proxy.h"
#include "run_history_filter.h"
#include "run_table_model.h"
#include "store/run_store.h"

#include <QCheckBox>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include <filesystem>

namespace relay {

RunHistoryView::RunHistoryView(StoreAccess* store, RunTableModel* model, QWidget* parent)
    : QWidget(parent), m_store(store), m_model(model) {
    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(
        tr("Filter by name, kind, task, status, tags or notes, and by config keys: "
           "model.layers=3 optimizer.learning_rate<1e-3"));
    m_filter->setToolTip(
        tr("Free text matches any column. A term key=value (or !=, <, <=, >, >=) whose key is "
           "in the runs' configs keeps the runs that meet it; numbers compare by value."));
    m_filter->setClearButtonEnabled(true);
    top->addWidget(new QLabel(tr("Filter:"), this));
    top->addWidget(m_filter, 1);
    auto* open = new QPushButton(tr("Open in dashboard"), this);
    auto* compare = new QPushButton(tr("Compare"), this);
    auto* rename = new QPushButton(tr("Rename…"), this);
    auto* tags = new QPushButton(tr("Tags…"), this);
    auto* notes = new QPushButton(tr("Notes…"), this);
    auto* remove = new QPushButton(tr("Delete…"), this);
    remove->setObjectName(QStringLiteral("deleteRunButton"));
    auto* columns = new QPushButton(tr("Config columns…"), this);
    columns->setToolTip(tr("Show keys of the runs' configs as columns"));
    for (QPushButton* button : {columns, open, compare, rename, tags, notes, remove})
        top->addWidget(button);
    layout->addLayout(top);

    m_columns = new ConfigColumnsProxy(m_model, this);
    m_proxy = new RunHistoryFilter(m_columns, this);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("historyTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(RunTableModel::Id, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    applyColumnWidths();
    // A reset (new runs, other config columns) forgets widths and moved sections.
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &RunHistoryView::applyColumnWidths);
    layout->addWidget(m_table, 1);

    connect(m_filter, &QLineEdit::textChanged, this, &RunHistoryView::setFilterText);
    connect(open, &QPushButton::clicked, this, [this] {
        const auto runs = selectedRuns();
        if (!runs.isEmpty())
            Q_EMIT openRequested(runs.first());
    });
    connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        Q_EMIT openRequested(index.data(RunTableModel::RunIdRole).toLongLong());
    });
    connect(compare, &QPushButton::clicked, this, [this] {
        if (!selectedRuns().isEmpty())
            Q_EMIT compareRequested(selectedRuns());
    });
    connect(rename, &QPushButton::clicked, this, &RunHistoryView::askRename);
    connect(tags, &QPushButton::clicked, this, &RunHistoryView::askTags);
    connect(notes, &QPushButton::clicked, this, &RunHistoryView::askNotes);
    connect(remove, &QPushButton::clicked, this, &RunHistoryView::askDelete);
    connect(columns, &QPushButton::clicked, this, &RunHistoryView::askConfigColumns);
}

void RunHistoryView::applyColumnWidths() {
    m_table->setColumnWidth(RunTableModel::Id, 50);
    m_table->setColumnWidth(RunTableModel::Name, 220);
    m_table->setColumnWidth(RunTableModel::Started, 130);
    // The config columns follow the name on screen, where a wide table does not scroll them out
    // of sight; in the model they stay after the table's own columns.
    QHeaderView* header = m_table->horizontalHeader();
    for (int column = m_columns->firstKeyColumn(); column < m_columns->columnCount(); ++column) {
        header->moveSection(header->visualIndex(column),
                            RunTableModel::Name + 1 + column - m_columns->firstKeyColumn());
        m_table->resizeColumnToContents(column);
    }
}

QSortFilterProxyModel* RunHistoryView::proxy() const {
    return m_proxy;
}

void RunHistoryView::setFilterText(const QString& text) {
    if (m_filter->text() != text)
        m_filter->setText(text);
    m_proxy->setFilterText(text);
}

void RunHistoryView::setConfigColumns(const QStringList& keys) {
    m_columns->setKeys(keys);
}

QStringList RunHistoryView::configColumns() const {
    return m_columns->keys();
}

QStringList RunHistoryView::availableConfigKeys() const {
    return m_columns->availableKeys();
}

void RunHistoryView::askConfigColumns() {
    ConfigColumnChooser chooser(availableConfigKeys(), configColumns(), this);
    if (chooser.exec() == QDialog::Accepted)
        setConfigColumns(chooser.chosenKeys());
}

QList<qint64> RunHistoryView::selectedRuns() const {
    QList<qint64> runs;
    for (const QModelIndex& index : m_table->selectionModel()->selectedRows())
        runs.append(index.data(RunTableModel::RunIdRole).toLongLong());
    return runs;
}

void RunHistoryView::selectRun(std::int64_t run) {
    const int row = m_model->rowOfRun(run);
    if (row < 0)
        return;
    const QModelIndex index =
        m_proxy->mapFromSource(m_columns->mapFromSource(m_model->index(row, 0)));
    m_table->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect |
                                                 QItemSelectionModel::Rows);
    m_table->scrollTo(index);
}

void RunHistoryView::applyEdit(std::function<void(RunStore&)> body) {
    m_store->edit(std::move(body), [this](const QString& error) {
        if (!error.isEmpty())
            Q_EMIT editFailed(error);
        Q_EMIT runsChanged();
    });
}

void RunHistoryView::renameRun(std::int64_t run, const QString& name) {
    applyEdit([run, name = name.toStdString()](RunStore& store) { store.rename(run, name); });
}

void RunHistoryView::setRunTags(std::int64_t run, const QString& tags) {
    applyEdit([run, tags = tags.toStdString()](RunStore& store) { store.setTags(run, tags); });
}

void RunHistoryView::setRunNotes(std::int64_t run, const QString& notes) {
    applyEdit([run, notes = notes.toStdString()](RunStore& store) { store.setNotes(run, notes); });
}

void RunHistoryView::deleteRuns(const QList<qint64>& runs, bool deleteCheckpoints) {
    applyEdit([runs, deleteCheckpoints](RunStore& store) {
        for (std::int64_t run : runs)
            store.deleteRun(run, deleteCheckpoints); // refused for a running run
    });
}

void RunHistoryView::askRename() {
    const auto runs = selectedRuns();
    if (runs.size() != 1)
        return;
    const RunRow* row = m_model->findRun(runs.first());
    bool ok = false;
    const QString name = QInputDialog::getText(
        this, tr("Rename run"), tr("New name of run %1:").arg(runs.first()), QLineEdit::Normal,
        row ? QString::fromStdString(row->run.name) : QString(), &ok);
    if (ok && !name.trimmed().isEmpty())
        renameRun(runs.first(), name.trimmed());
}

void RunHistoryView::askTags() {
    const auto runs = selectedRuns();
    if (runs.size() != 1)
        return;
    const RunRow* row = m_model->findRun(runs.first());
    bool ok = false;
    const QString tags = QInputDialog::getText(
        this, tr("Tags"), tr("Comma-separated tags of run %1:").arg(runs.first()),
        QLineEdit::Normal, row ? QString::fromStdString(row->run.tags) : QString(), &ok);
    if (ok)
        setRunTags(runs.first(), tags.trimmed());
}

void RunHistoryView::askNotes() {
    const auto runs = selectedRuns();
    if (runs.size() != 1)
        return;
    const RunRow* row = m_model->findRun(runs.first());
    bool ok = false;
    const QString notes = QInputDialog::getMultiLineText(
        this, tr("Notes"), tr("Notes on run %1:").arg(runs.first()),
        row ? QString::fromStdString(row->run.notes) : QString(), &ok);
    if (ok)
        setRunNotes(runs.first(), notes);
}

void RunHistoryView::askDelete() {
    const auto runs = selectedRuns();
    if (runs.isEmpty())
        return;
    QStringList names;
    for (std::int64_t run : runs) {
        const RunRow* row = m_model->findRun(run);
        if (row && row->run.status == RunStatus::Running) {
            QMessageBox::warning(
                this, tr("Run is running"),
                tr("Run %1 is still running. Cancel it first, then delete it.").arg(run));
            return;
        }
        names.append(
            row ? QStringLiteral("%1 (%2)").arg(QString::fromStdString(row->run.name)).arg(run)
                : QString::number(run));
    }
    QMessageBox box(QMessageBox::Warning, tr("Delete runs"),
                    tr("Delete %n run(s) from the store? Their metrics, evaluations and "
                       "chains are removed for good.",
                       nullptr, runs.size()),
                    QMessageBox::Cancel, this);
    box.setInformativeText(names.join(QStringLiteral(", ")));
    auto* alsoCheckpoints = new QCheckBox(tr("Also delete the checkpoint files"), &box);
    box.setCheckBox(alsoCheckpoints);
    QPushButton* confirm = box.addButton(tr("Delete"), QMessageBox::DestructiveRole);
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    if (box.clickedButton() == confirm)
        deleteRuns(runs, alsoCheckpoints->isChecked());
}

} // namespace relay
