#include "config_columns_proxy.h"

#include "config/config_keys.h"
#include "config_diff.h"
#include "run_table_model.h"

#include <set>

namespace relay {

ConfigColumnsProxy::ConfigColumnsProxy(RunTableModel* runs, QObject* parent)
    : QIdentityProxyModel(parent), m_runs(runs) {
    setSourceModel(runs);
    // The table reports its own columns changed on every refresh; the config columns of the
    // same rows may have changed with them (another store with the same run ids).
    connect(runs, &QAbstractItemModel::dataChanged, this, [this] {
        if (!m_keys.isEmpty() && rowCount() > 0)
            Q_EMIT dataChanged(index(0, firstKeyColumn()),
                               index(rowCount() - 1, columnCount() - 1));
    });
}

void ConfigColumnsProxy::setKeys(const QStringList& keys) {
    if (keys == m_keys)
        return;
    beginResetModel();
    m_keys = keys;
    endResetModel();
}

int ConfigColumnsProxy::firstKeyColumn() const {
    return RunTableModel::ColumnCount;
}

const std::map<std::string, nlohmann::json>& ConfigColumnsProxy::leavesOf(int sourceRow) const {
    const RunRecord& run = m_runs->rows().at(sourceRow).run;
    Leaves& leaves = m_leaves[run.id];
    if (leaves.configJson != run.configJson) {
        leaves.configJson = run.configJson;
        const nlohmann::json config = currentFormConfig(run.configJson);
        leaves.values =
            config.empty() ? std::map<std::string, nlohmann::json>() : flattenJsonLeaves(config);
    }
    return leaves.values;
}

QStringList ConfigColumnsProxy::availableKeys() const {
    std::set<std::string> keys;
    for (int row = 0; row < m_runs->rowCount(); ++row)
        for (const auto& [key, value] : leavesOf(row))
            keys.insert(key);
    QStringList result;
    for (const std::string& key : keys)
        result.append(QString::fromStdString(key));
    return result;
}

std::optional<nlohmann::json> ConfigColumnsProxy::value(int sourceRow,
                                                        const std::string& key) const {
    if (sourceRow < 0 || sourceRow >= m_runs->rowCount())
        return std::nullopt;
    const auto& leaves = leavesOf(sourceRow);
    const auto found = leaves.find(key);
    if (found == leaves.end())
        return std::nullopt;
    return found->second;
}

QString ConfigColumnsProxy::displayText(const nlohmann::json& value) {
    return QString::fromStdString(value.is_string() ? value.get<std::string>() : value.dump());
}

int ConfigColumnsProxy::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : QIdentityProxyModel::rowCount();
}

bool ConfigColumnsProxy::hasChildren(const QModelIndex& parent) const {
    return !parent.isValid() && rowCount() > 0;
}

int ConfigColumnsProxy::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : firstKeyColumn() + static_cast<int>(m_keys.size());
}

QModelIndex ConfigColumnsProxy::index(int row, int column, const QModelIndex& parent) const {
    if (!isKeyColumn(column))
        return QIdentityProxyModel::index(row, column, parent);
    if (parent.isValid() || row < 0 || row >= rowCount() || column >= columnCount())
        return {};
    return createIndex(row, column);
}

QModelIndex ConfigColumnsProxy::sibling(int row, int column, const QModelIndex& index) const {
    if (isKeyColumn(column) || isKeyColumn(index.column()))
        return this->index(row, column);
    return QIdentityProxyModel::sibling(row, column, index);
}

QModelIndex ConfigColumnsProxy::mapToSource(const QModelIndex& proxyIndex) const {
    if (proxyIndex.isValid() && isKeyColumn(proxyIndex.column()))
        return {}; // no source cell: the value comes from the row's config
    return QIdentityProxyModel::mapToSource(proxyIndex);
}

Qt::ItemFlags ConfigColumnsProxy::flags(const QModelIndex& index) const {
    if (index.isValid() && isKeyColumn(index.column()))
        return Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    return QIdentityProxyModel::flags(index);
}

QVariant ConfigColumnsProxy::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || !isKeyColumn(index.column()))
        return QIdentityProxyModel::data(index, role);
    if (role == RunTableModel::RunIdRole)
        return QVariant::fromValue<qint64>(m_runs->rows().at(index.row()).run.id);
    const QString& key = m_keys.at(index.column() - firstKeyColumn());
    const auto found = value(index.row(), key.toStdString());
    if (!found)
        return role == Qt::DisplayRole ? QStringLiteral("–") : QVariant();
    switch (role) {
    case Qt::DisplayRole:
        return displayText(*found);
    case RunTableModel::SortRole: // numbers by value (RunHistoryFilter orders them)
        return found->is_number() ? QVariant(found->get<double>()) : QVariant(displayText(*found));
    case Qt::ToolTipRole:
        return QStringLiteral("%1 = %2").arg(key, displayText(*found));
    case Qt::TextAlignmentRole:
        return found->is_number() ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
    default:
        return {};
    }
}

QVariant ConfigColumnsProxy::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || !isKeyColumn(section))
        return QIdentityProxyModel::headerData(section, orientation, role);
    if (section >= columnCount())
        return {};
    const QString& key = m_keys.at(section - firstKeyColumn());
    if (role == Qt::DisplayRole)
        return key;
    if (role == Qt::ToolTipRole)
        for (const ConfigKey& entry : configKeys())
            if (entry.key == key.toStdString())
                return QString::fromStdString(entry.meaning);
    return {};
}

} // namespace relay
