// Run history: every run of the store in a sortable, filterable table (name, kind, task,
// status, started, duration, best in- and out-of-distribution accuracy, tags, notes, and any
// config keys the user picks as columns), with rename, tag, note and delete (after
// confirmation; checkpoint files only when asked). The filter takes free text and conditions
// on config keys ("model.layers=3 seed>1", run_history_filter.h).
#pragma once

#include "store_access.h"

#include <QWidget>

#include <functional>

class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace relay {

class ConfigColumnsProxy;
class RunHistoryFilter;
class RunTableModel;

class RunHistoryView : public QWidget {
    Q_OBJECT
public:
    RunHistoryView(StoreAccess* store, RunTableModel* model, QWidget* parent = nullptr);

    QTableView* table() const { return m_table; }
    QSortFilterProxyModel* proxy() const;
    void setFilterText(const QString& text);
    // Config keys shown as columns after the table's own, in this order.
    void setConfigColumns(const QStringList& keys);
    QStringList configColumns() const;
    QStringList availableConfigKeys() const; // every dotted key of the runs' stored configs
    QList<qint64> selectedRuns() const;
    void selectRun(std::int64_t run);

    // The edits behind the buttons, without dialogs (the buttons ask first).
    void renameRun(std::int64_t run, const QString& name);
    void setRunTags(std::int64_t run, const QString& tags);
    void setRunNotes(std::int64_t run, const QString& notes);
    void deleteRuns(const QList<qint64>& runs, bool deleteCheckpoints);

Q_SIGNALS:
    void openRequested(std::int64_t run); // in the dashboard
    void compareRequested(QList<qint64> runs);
    void runsChanged(); // after an edit: the owner refreshes the run list
    void editFailed(const QString& message);

private:
    void askRename();
    void askTags();
    void askNotes();
    void askDelete();
    void askConfigColumns();
    void applyColumnWidths();
    void applyEdit(std::function<void(RunStore&)> body);

    StoreAccess* m_store;
    RunTableModel* m_model;
    ConfigColumnsProxy* m_columns;
    RunHistoryFilter* m_proxy;
    QTableView* m_table;
    QLineEdit* m_filter;
};

} // namespace relay
