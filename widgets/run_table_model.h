// The runs of the store as a table (id, name, kind, task, status, started, duration, best in-
// and out-of-distribution accuracy, tags, notes): the run list and the run history sort and
// filter it through proxies. Updates in place when the same runs come back, so selections and
// scroll positions survive the periodic refresh.
#pragma once

#include "store_access.h"

#include <QAbstractTableModel>

namespace relay {

class RunTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Id,
        Name,
        Kind,
        Task,
        Status,
        Started,
        Duration,
        BestIn,
        BestOut,
        Tags,
        Notes,
        ColumnCount
    };
    static constexpr int RunIdRole = Qt::UserRole + 1;
    static constexpr int SortRole = Qt::UserRole + 2;

    explicit RunTableModel(QObject* parent = nullptr);

    void setRows(const QVector<RunRow>& rows);
    const QVector<RunRow>& rows() const { return m_rows; }
    int rowOfRun(std::int64_t run) const; // -1 when absent
    const RunRow* findRun(std::int64_t run) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    static QString formatDuration(double seconds);
    static QColor statusColor(RunStatus status);

private:
    QVector<RunRow> m_rows;
};

} // namespace relay
