// The workbench's main window: run list on the left, views as tabs (filled in by later work).
#pragma once

#include <QMainWindow>

namespace relay {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

private:
    void showAbout();
};

} // namespace relay
