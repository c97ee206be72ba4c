// `relay-workbench`: the Qt 6 desktop workbench.
#include "main_window.h"

#include <QApplication>

int main(int argc, char** argv) {
    QApplication application(argc, argv);
    QApplication::setApplicationName(QStringLiteral("RELAY Workbench"));
    QApplication::setOrganizationName(QStringLiteral("relay-workbench"));
    relay::MainWindow window;
    window.show();
    return QApplication::exec();
}
