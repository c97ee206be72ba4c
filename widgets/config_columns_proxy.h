// The run table with chosen keys of the runs' stored configs as extra columns ("model.layers",
// "tasks.0.modulus"), after the table's own: the run history shows, sorts and filters by them.
// The keys come from the stored config JSON alone (as this version writes it, so older runs
// show the keys added since), so the GUI needs no engine to list them.
#pragma once

#include <QHash>
#include <QIdentityProxyModel>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>

namespace relay {

class RunTableModel;

class ConfigColumnsProxy : public QIdentityProxyModel {
    Q_OBJECT
public:
    explicit ConfigColumnsProxy(RunTableModel* runs, QObject* parent = nullptr);

    void setKeys(const QStringList& keys); // the extra columns, in this order
    const QStringList& keys() const { return m_keys; }
    // Every dotted key any run's stored config has, sorted.
    QStringList availableKeys() const;
    // The value of `key` in the config of the run in `sourceRow`; nullopt where it has none.
    std::optional<nlohmann::json> value(int sourceRow, const std::string& key) const;
    // The first extra column (the table's own column count).
    int firstKeyColumn() const;
    // A config value as the table shows it: strings without their quotes.
    static QString displayText(const nlohmann::json& value);

    // A flat table: no index has children (the identity base would ask the source with the
    // invalid source index of a config cell, meaning the root).
    int rowCount(const QModelIndex& parent = {}) const override;
    bool hasChildren(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex sibling(int row, int column, const QModelIndex& index) const override;
    QModelIndex mapToSource(const QModelIndex& proxyIndex) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    struct Leaves {
        std::string configJson; // what they were flattened from
        std::map<std::string, nlohmann::json> values;
    };
    const std::map<std::string, nlohmann::json>& leavesOf(int sourceRow) const;
    bool isKeyColumn(int column) const { return column >= firstKeyColumn(); }

    RunTableModel* m_runs;
    QStringList m_keys;
    mutable QHash<qint64, Leaves> m_leaves; // by run id, re-flattened when its config changes
};

} // namespace relay
