// The run history's column chooser: every dotted key of the runs' stored configs in a checkable
// list with a search field; the checked keys become columns.
#pragma once

#include <QDialog>
#include <QStringList>

class QLineEdit;
class QListWidget;

namespace relay {

class ConfigColumnChooser : public QDialog {
    Q_OBJECT
public:
    // `chosen` keys missing from `available` (runs since deleted) are still listed, checked.
    ConfigColumnChooser(const QStringList& available, const QStringList& chosen,
                        QWidget* parent = nullptr);

    QStringList chosenKeys() const; // in list order
    QListWidget* list() const { return m_list; }
    void setSearch(const QString& text); // shows the keys containing it

private:
    QLineEdit* m_search;
    QListWidget* m_list;
};

} // namespace relay
