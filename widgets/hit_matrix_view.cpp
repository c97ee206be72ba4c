#include "hit_matrix_view.h"

#include "hit_matrix_panel.h"
#include "store_access.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>

namespace relay {

HitMatrixView::HitMatrixView(StoreAccess* store, QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("hitMatrixView"));
    m_length = new QSpinBox;
    m_length->setRange(1, 200);
    m_length->setValue(6);
    m_left = new HitMatrixPanel(store);
    m_right = new HitMatrixPanel(store);
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Length")));
    top->addWidget(m_length);
    auto* note = new QLabel(tr("Token accuracy per CoT step and position over the stored test "
                               "set; hover a cell for its value."));
    note->setWordWrap(true);
    top->addWidget(note, 1);
    auto* panels = new QHBoxLayout;
    panels->addWidget(m_left, 1);
    panels->addWidget(m_right, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(panels, 1);
    m_left->setLength(m_length->value());
    m_right->setLength(m_length->value());
    connect(m_length, &QSpinBox::valueChanged, this, [this](int length) {
        m_left->setLength(length);
        m_right->setLength(length);
    });
    for (HitMatrixPanel* panel : {m_left, m_right})
        connect(panel, &HitMatrixPanel::computeRequested, this, &HitMatrixView::computeRequested);
}

void HitMatrixView::setRuns(const QVector<RunRow>& rows) {
    m_left->setRuns(rows, RunKind::Looped);
    m_right->setRuns(rows, RunKind::ArRelay);
}

void HitMatrixView::setLength(int length) {
    m_length->setValue(length);
}
int HitMatrixView::length() const {
    return m_length->value();
}

void HitMatrixView::reload() {
    m_left->reload();
    m_right->reload();
}

} // namespace relay
