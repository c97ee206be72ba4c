// A tab for a view that is not built yet (loop-iteration viewer, chain inspector, AR
// fine-tuning launcher): says plainly what it will show and what to use meanwhile.
#pragma once

#include <QWidget>

namespace relay {

class PlannedViewPage : public QWidget {
    Q_OBJECT
public:
    PlannedViewPage(const QString& title, const QString& whatItWillShow, const QString& meanwhile,
                    QWidget* parent = nullptr);
};

} // namespace relay
