#include "planned_view_page.h"

#include <QLabel>
#include <QVBoxLayout>

namespace relay {

PlannedViewPage::PlannedViewPage(const QString& title, const QString& whatItWillShow,
                                 const QString& meanwhile, QWidget* parent)
    : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    auto* label = new QLabel(
        tr("<h2>%1</h2><p><b>Not built yet.</b> This view comes with a later release.</p>"
           "<p>It will show: %2</p><p>Meanwhile: %3</p>")
            .arg(title.toHtmlEscaped(), whatItWillShow, meanwhile),
        this);
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    label->setMaximumWidth(720);
    layout->addWidget(label, 0, Qt::AlignHCenter | Qt::AlignTop);
    layout->addStretch(1);
}

} // namespace relay
