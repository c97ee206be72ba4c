#include "main_window.h"

#include "version.h"
#include "welcome_page.h"

#include <QApplication>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>

namespace relay {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(QStringLiteral("RELAY Workbench"));
    auto* splitter = new QSplitter(this);
    auto* runList = new QListWidget(splitter);
    runList->setObjectName(QStringLiteral("runList"));
    auto* views = new QTabWidget(splitter);
    views->addTab(new WelcomePage(views), tr("Welcome"));
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({240, 960});
    setCentralWidget(splitter);

    auto* fileMenu = menuBar()->addMenu(tr("&File"));
    fileMenu->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    auto* helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->addAction(tr("&About RELAY Workbench"), this, &MainWindow::showAbout);
    statusBar()->showMessage(tr("No run store opened yet"));
    resize(1200, 760);
}

void MainWindow::showAbout() {
    QMessageBox::about(
        this, tr("About RELAY Workbench"),
        tr("<b>RELAY Workbench %1</b><br>CoT-aligned looped transformers (arXiv 2502.08482)."
           "<br><br>Qt %2 · LibTorch %3 · SQLite %4")
            .arg(QString::fromStdString(engineVersion()), QString::fromLatin1(qVersion()),
                 QString::fromStdString(torchVersion()), QString::fromStdString(sqliteVersion())));
}

} // namespace relay
