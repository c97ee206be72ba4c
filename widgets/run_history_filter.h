// The run history's sorting and filtering over the run table and its config columns
// (ConfigColumnsProxy). The filter text holds free text, matched against every column as
// before, and conditions on config keys such as "model.layers=3", "optimizer.learning_rate <
// 1e-3" or "model.position_encoding != rope"; a row is shown when it meets every condition and
// contains the free text. Config columns sort numbers by value, then text, then runs without
// the key.
#pragma once

#include <QSortFilterProxyModel>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace relay {

class ConfigColumnsProxy;

struct KeyCondition {
    std::string key;
    QString comparison; // = != < <= > >=
    QString value;
};

struct HistoryFilter {
    std::vector<KeyCondition> conditions;
    QString text; // the rest, matched as a substring
};

// Terms "key op value" whose key is one of `keys` become conditions (spaces around the operator
// allowed; the value runs to the next space or comma, or is "quoted"); everything else, trimmed
// of spaces and commas, is the free text, so a note that reads "lr=1e-3" still filters as text.
HistoryFilter parseHistoryFilter(const QString& text, const QStringList& keys);

// Whether a run whose config holds `value` at the condition's key (nullopt: it has no such key)
// meets it. = and != compare numbers by value when both sides are numbers, else the text
// without case (booleans as true/false); < <= > >= hold only between numbers. A run without
// the key meets only !=.
bool conditionHolds(const KeyCondition& condition, const std::optional<nlohmann::json>& value);

class RunHistoryFilter : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit RunHistoryFilter(ConfigColumnsProxy* columns, QObject* parent = nullptr);

    // Parsed against the keys the runs' configs have (again when the runs change).
    void setFilterText(const QString& text);
    const HistoryFilter& filter() const { return m_filter; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    ConfigColumnsProxy* m_columns;
    QString m_text;
    HistoryFilter m_filter;
};

} // namespace relay
