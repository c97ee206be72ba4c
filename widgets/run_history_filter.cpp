#include "run_history_filter.h"

#include "config_columns_proxy.h"
#include "run_table_model.h"

#include <QRegularExpression>

namespace relay {
namespace {

std::optional<double> numberIn(const QString& text) {
    bool ok = false;
    const double number = text.toDouble(&ok);
    return ok ? std::optional<double>(number) : std::nullopt;
}

// Ascending order of config cells: numbers by value, then text, then a missing key.
int rankOf(const QVariant& value) {
    if (!value.isValid())
        return 2;
    return value.typeId() == QMetaType::Double ? 0 : 1;
}

} // namespace

HistoryFilter parseHistoryFilter(const QString& text, const QStringList& keys) {
    static const QRegularExpression term(
        QStringLiteral(R"((?<![\w.])([A-Za-z_][\w.]*)\s*(<=|>=|!=|=|<|>)\s*("[^"]*"|[^\s,"]+))"));
    HistoryFilter filter;
    QString rest;
    qsizetype from = 0;
    for (auto match = term.globalMatch(text); match.hasNext();) {
        const QRegularExpressionMatch found = match.next();
        if (!keys.contains(found.captured(1)))
            continue;
        QString value = found.captured(3);
        if (value.size() >= 2 && value.startsWith(QLatin1Char('"')))
            value = value.mid(1, value.size() - 2);
        filter.conditions.push_back({found.captured(1).toStdString(), found.captured(2), value});
        rest += text.mid(from, found.capturedStart() - from) + QLatin1Char(' ');
        from = found.capturedEnd();
    }
    rest += text.mid(from);
    static const QRegularExpression edges(QStringLiteral(R"(^[\s,]+|[\s,]+$)"));
    filter.text = rest.simplified().remove(edges);
    return filter;
}

bool conditionHolds(const KeyCondition& condition, const std::optional<nlohmann::json>& value) {
    const QString& comparison = condition.comparison;
    const bool equality = comparison == QLatin1String("=") || comparison == QLatin1String("!=");
    if (!value)
        return comparison == QLatin1String("!=");
    const std::optional<double> wanted = numberIn(condition.value);
    if (value->is_number() && wanted) {
        const double number = value->get<double>();
        if (comparison == QLatin1String("="))
            return number == *wanted;
        if (comparison == QLatin1String("!="))
            return number != *wanted;
        if (comparison == QLatin1String("<"))
            return number < *wanted;
        if (comparison == QLatin1String("<="))
            return number <= *wanted;
        if (comparison == QLatin1String(">"))
            return number > *wanted;
        return number >= *wanted;
    }
    if (!equality)
        return false; // an order needs two numbers
    const bool same =
        ConfigColumnsProxy::displayText(*value).compare(condition.value, Qt::CaseInsensitive) == 0;
    return comparison == QLatin1String("=") ? same : !same;
}

RunHistoryFilter::RunHistoryFilter(ConfigColumnsProxy* columns, QObject* parent)
    : QSortFilterProxyModel(parent), m_columns(columns) {
    setSourceModel(columns);
    setSortRole(RunTableModel::SortRole);
    // Keys a condition names may arrive with the runs.
    connect(columns, &QAbstractItemModel::modelReset, this, [this] {
        if (!m_text.isEmpty())
            setFilterText(m_text);
    });
}

void RunHistoryFilter::setFilterText(const QString& text) {
    m_text = text;
    // Listing the keys reads every run's config: only when the text may hold a condition.
    static const QRegularExpression comparison(QStringLiteral("[=<>]"));
    m_filter = parseHistoryFilter(text, text.contains(comparison) ? m_columns->availableKeys()
                                                                  : QStringList());
    invalidateFilter();
}

bool RunHistoryFilter::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    for (const KeyCondition& condition : m_filter.conditions)
        if (!conditionHolds(condition, m_columns->value(sourceRow, condition.key)))
            return false;
    if (m_filter.text.isEmpty())
        return true;
    for (int column = 0; column < m_columns->columnCount(); ++column)
        if (m_columns->index(sourceRow, column, sourceParent)
                .data()
                .toString()
                .contains(m_filter.text, Qt::CaseInsensitive))
            return true;
    return false;
}

bool RunHistoryFilter::lessThan(const QModelIndex& left, const QModelIndex& right) const {
    if (left.column() < m_columns->firstKeyColumn())
        return QSortFilterProxyModel::lessThan(left, right);
    const QVariant a = left.data(sortRole()), b = right.data(sortRole());
    if (rankOf(a) != rankOf(b))
        return rankOf(a) < rankOf(b);
    if (rankOf(a) == 0)
        return a.toDouble() < b.toDouble();
    return rankOf(a) == 1 && a.toString().compare(b.toString(), Qt::CaseInsensitive) < 0;
}

} // namespace relay
