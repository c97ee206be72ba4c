// First page of the workbench: what the tool is and where to start.
#pragma once

#include <QWidget>

namespace relay {

class WelcomePage : public QWidget {
    Q_OBJECT
public:
    explicit WelcomePage(QWidget* parent = nullptr);
};

} // namespace relay
