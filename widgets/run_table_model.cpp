#include "run_table_model.h"

#include "closed_set_text.h"

#include <QApplication>
#include <QColor>
#include <QDateTime>
#include <QPalette>

namespace relay {
namespace {

QString percent(const std::optional<double>& value) {
    return value ? QStringLiteral("%1%").arg(100.0 * *value, 0, 'f', 1) : QStringLiteral("–");
}

QString text(const std::string& value) {
    return QString::fromStdString(value);
}

} // namespace

RunTableModel::RunTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void RunTableModel::setRows(const QVector<RunRow>& rows) {
    bool sameRuns = rows.size() == m_rows.size();
    for (int i = 0; sameRuns && i < rows.size(); ++i)
        sameRuns = rows[i].run.id == m_rows[i].run.id;
    if (sameRuns) {
        m_rows = rows;
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(m_rows.size() - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

int RunTableModel::rowOfRun(std::int64_t run) const {
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].run.id == run)
            return i;
    return -1;
}

const RunRow* RunTableModel::findRun(std::int64_t run) const {
    const int row = rowOfRun(run);
    return row < 0 ? nullptr : &m_rows[row];
}

int RunTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : m_rows.size();
}

int RunTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QString RunTableModel::formatDuration(double seconds) {
    if (seconds < 0)
        seconds = 0;
    const qint64 whole = static_cast<qint64>(seconds);
    if (whole < 60)
        return QStringLiteral("%1 s").arg(whole);
    if (whole < 3600)
        return QStringLiteral("%1 min %2 s").arg(whole / 60).arg(whole % 60);
    return QStringLiteral("%1 h %2 min").arg(whole / 3600).arg((whole % 3600) / 60);
}

QColor RunTableModel::statusColor(RunStatus status) {
    switch (status) {
    case RunStatus::Running:
        return QColor(0x2a, 0x7f, 0xd4);
    case RunStatus::Finished:
        return QColor(0x2e, 0x9e, 0x4f);
    case RunStatus::Failed:
    case RunStatus::Diverged:
        return QColor(0xd0, 0x3b, 0x3b);
    case RunStatus::Cancelled:
    case RunStatus::Interrupted:
        break;
    }
    return QColor(0xc0, 0x84, 0x1a);
}

QVariant RunTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const RunRow& row = m_rows[index.row()];
    const RunRecord& run = row.run;
    if (role == RunIdRole)
        return QVariant::fromValue<qint64>(run.id);
    if (role == Qt::ForegroundRole && index.column() == Status)
        return statusColor(run.status);
    if (role == Qt::ToolTipRole)
        return tr("Run %1 · %2 · %3 · %4\n%5")
            .arg(run.id)
            .arg(screenText(run.kind), text(run.task), screenText(run.status), text(run.notes));
    if (role == Qt::TextAlignmentRole && (index.column() == Id || index.column() == BestIn ||
                                          index.column() == BestOut || index.column() == Duration))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == SortRole) {
        switch (index.column()) {
        case Id:
            return QVariant::fromValue<qint64>(run.id);
        case Started:
            return run.createdAt;
        case Duration:
            return row.summary.durationSeconds;
        case BestIn:
            return row.summary.bestInDistribution.value_or(-1);
        case BestOut:
            return row.summary.bestOutOfDistribution.value_or(-1);
        default:
            break;
        }
        role = Qt::DisplayRole;
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Id:
        return QVariant::fromValue<qint64>(run.id);
    case Name:
        return text(run.name);
    case Kind:
        return screenText(run.kind);
    case Task:
        return text(run.task);
    case Status:
        return screenText(run.status);
    case Started:
        return QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(run.createdAt * 1000))
            .toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    case Duration:
        return formatDuration(row.summary.durationSeconds);
    case BestIn:
        return percent(row.summary.bestInDistribution);
    case BestOut:
        return percent(row.summary.bestOutOfDistribution);
    case Tags:
        return text(run.tags);
    case Notes:
        return text(run.notes).section(QLatin1Char('\n'), 0, 0);
    default:
        return {};
    }
}

QVariant RunTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole) {
        if (section == BestIn)
            return tr("Best mean answer accuracy over the training lengths");
        if (section == BestOut)
            return tr("Best mean answer accuracy over lengths longer than training");
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    static const char* const names[] = {"ID",       "Name",    "Kind",     "Task",
                                        "Status",   "Started", "Duration", "Best in-dist.",
                                        "Best OOD", "Tags",    "Notes"};
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

} // namespace relay
