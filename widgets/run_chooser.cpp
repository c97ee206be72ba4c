#include "run_chooser.h"

#include "closed_set_text.h"

#include <QSignalBlocker>

namespace relay {

QString runChoiceLabel(const RunRow& row) {
    return QStringLiteral("%1  %2 (%3)")
        .arg(row.run.id)
        .arg(QString::fromStdString(row.run.name), screenText(row.run.kind));
}

qint64 chosenRun(const QComboBox* box) {
    return box->currentIndex() >= 0 ? box->currentData().toLongLong() : -1;
}

bool fillRunChooser(QComboBox* box, const QVector<RunRow>& rows,
                    const std::function<bool(const RunRow&)>& include,
                    const std::function<bool(const RunRow&)>& preferred) {
    QList<QPair<QString, qint64>> items;
    int preferredIndex = -1;
    for (const RunRow& row : rows)
        if (include(row)) {
            if (preferredIndex < 0 && preferred && preferred(row))
                preferredIndex = static_cast<int>(items.size());
            items.append({runChoiceLabel(row), row.run.id});
        }
    bool same = box->count() == items.size();
    for (int i = 0; same && i < box->count(); ++i)
        same =
            box->itemText(i) == items[i].first && box->itemData(i).toLongLong() == items[i].second;
    if (same)
        return false;
    const qint64 current = chosenRun(box);
    const QSignalBlocker block(box);
    box->clear();
    for (const auto& [label, id] : items)
        box->addItem(label, QVariant::fromValue<qint64>(id));
    const int index = box->findData(QVariant::fromValue<qint64>(current));
    box->setCurrentIndex(index >= 0            ? index
                         : preferredIndex >= 0 ? preferredIndex
                                               : (box->count() > 0 ? 0 : -1));
    return true;
}

} // namespace relay
