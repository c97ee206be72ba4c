// main() of the widget tests: a QApplication (offscreen under ctest) around GoogleTest, with
// QSettings and other standard paths redirected so tests never touch the user's settings.
#include <gtest/gtest.h>

#include <QApplication>
#include <QStandardPaths>

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QStandardPaths::setTestModeEnabled(true);
    QApplication application(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("relay-workbench-tests"));
    QApplication::setApplicationName(QStringLiteral("relay-workbench-tests"));
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
