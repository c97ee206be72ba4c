#include "config_column_chooser.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QVBoxLayout>

namespace relay {

ConfigColumnChooser::ConfigColumnChooser(const QStringList& available, const QStringList& chosen,
                                         QWidget* parent)
    : QDialog(parent) {
    setWindowTitle(tr("Config columns"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Config keys to show as columns of the run history:"), this));
    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Search keys, e.g. model. or seed"));
    m_search->setClearButtonEnabled(true);
    layout->addWidget(m_search);
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("configColumnKeys"));
    QStringList keys = available;
    for (const QString& key : chosen)
        if (!keys.contains(key))
            keys.append(key);
    for (const QString& key : keys) {
        auto* item = new QListWidgetItem(key, m_list);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(chosen.contains(key) ? Qt::Checked : Qt::Unchecked);
    }
    layout->addWidget(m_list, 1);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_search, &QLineEdit::textChanged, this, &ConfigColumnChooser::setSearch);
    resize(380, 480);
}

void ConfigColumnChooser::setSearch(const QString& text) {
    if (m_search->text() != text)
        m_search->setText(text);
    for (int row = 0; row < m_list->count(); ++row)
        m_list->item(row)->setHidden(
            !m_list->item(row)->text().contains(text, Qt::CaseInsensitive));
}

QStringList ConfigColumnChooser::chosenKeys() const {
    QStringList keys;
    for (int row = 0; row < m_list->count(); ++row)
        if (m_list->item(row)->checkState() == Qt::Checked)
            keys.append(m_list->item(row)->text());
    return keys;
}

} // namespace relay
