// MainWindow: menus, toolbar, shortcuts and the small dialogs behind them.
#include "colour_palette.h"
#include "demo_store.h"
#include "engine_locator.h"
#include "job_runner.h"
#include "main_window.h"
#include "run_table_model.h"
#include "training_dashboard.h"
#include "version.h"

#include <QAction>
#include <QCoreApplication>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProcess>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QTreeView>

namespace relay {

QList<qint64> MainWindow::selectedRunsInList() const {
    QList<qint64> runs;
    for (const QModelIndex& index : m_runList->selectionModel()->selectedRows())
        runs.append(index.data(RunTableModel::RunIdRole).toLongLong());
    return runs;
}

void MainWindow::buildMenus() {
    auto* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New experiment…"), QKeySequence::New, this,
                    [this] { showView(View::Setup); });
    file->addAction(tr("&Open run store in a new window…"), QKeySequence::Open, this,
                    &MainWindow::openAnotherStore);
    QAction* demo =
        file->addAction(tr("Open the &demo in a new window"), this, &MainWindow::openDemo);
    demo->setEnabled(!shippedDemoFolder().isEmpty());
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    auto* run = menuBar()->addMenu(tr("&Run"));
    QAction* pipeline = run->addAction(tr("Run the CPU-quick &pipeline"), this, [this] {
        m_jobs->startPipeline(QStringLiteral("cpu-quick-ari"), {});
    });
    QAction* cancel = run->addAction(tr("&Cancel the shown run's job"), this, [this] {
        if (Job* job = m_jobs->activeJobForRun(m_dashboard->currentRun()))
            job->cancel();
    });
    cancel->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    QAction* resume = run->addAction(tr("&Resume the shown run"), this,
                                     [this] { resumeRun(m_dashboard->currentRun()); });
    resume->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    QAction* compare = run->addAction(tr("C&ompare the selected runs"), this,
                                      [this] { compareRuns(selectedRunsInList()); });
    compare->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    QAction* reload = run->addAction(tr("Re&fresh"), this, [this] {
        refreshRuns();
        if (m_dashboard->currentRun() >= 0)
            m_dashboard->openRun(m_dashboard->currentRun());
    });
    reload->setShortcut(QKeySequence::Refresh);

    auto* view = menuBar()->addMenu(tr("&View"));
    for (int i = 1; i < m_viewPages.size(); ++i) {
        QAction* action = view->addAction(m_views->tabText(i - 1), this,
                                          [this, i] { showView(static_cast<View>(i)); });
        action->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_0 + i)));
    }
    view->addSeparator();
    for (QDockWidget* dock : findChildren<QDockWidget*>())
        view->addAction(dock->toggleViewAction());
    view->addSeparator();
    addPaletteMenu(view, statusBar());

    auto* settings = menuBar()->addMenu(tr("&Settings"));
    settings->addAction(tr("&Engine…"), this, &MainWindow::chooseEngine);

    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Welcome page"), this, [this] { showView(View::Welcome); });
    help->addAction(tr("&About RELAY Workbench"), this, &MainWindow::showAbout);

    auto* toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolbar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolbar->addAction(tr("New experiment"), this, [this] { showView(View::Setup); });
    toolbar->addAction(pipeline);
    toolbar->addSeparator();
    toolbar->addAction(cancel);
    toolbar->addAction(resume);
    toolbar->addAction(compare);
    toolbar->addAction(reload);
}

void MainWindow::chooseEngine() {
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Choose the relay engine"), m_jobs->engine());
    if (path.isEmpty())
        return;
    m_jobs->setEngine(path);
    saveEnginePath(path);
    m_storeLabel->setToolTip(tr("Engine: %1").arg(path));
}

void MainWindow::openAnotherStore() {
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Open or create a run store"), QFileInfo(m_options.storePath).absolutePath(),
        tr("Run store (*.db)"), nullptr, QFileDialog::DontConfirmOverwrite);
    if (!path.isEmpty())
        openStoreInNewWindow(path);
}

void MainWindow::openStoreInNewWindow(const QString& path) {
    QStringList arguments = {QStringLiteral("--db"), path};
    if (!m_jobs->engine().isEmpty())
        arguments << QStringLiteral("--engine") << m_jobs->engine();
    QProcess::startDetached(QCoreApplication::applicationFilePath(), arguments);
}

void MainWindow::openDemo() {
    const QString shipped = shippedDemoFolder();
    if (shipped.isEmpty()) {
        QMessageBox::warning(this, tr("No demo"), tr("No demo store is installed."));
        return;
    }
    const QString copy = demoCopyFolder();
    if (QFileInfo(copy).exists()) {
        const auto answer = QMessageBox::question(
            this, tr("Open the demo"),
            tr("A copy of the demo from before is in %1. Replace it with a fresh copy? (No: "
               "open the copy as it is.)")
                .arg(QDir::toNativeSeparators(copy)),
            QMessageBox::Yes | QMessageBox::No | QMessageBox::Cancel, QMessageBox::No);
        if (answer == QMessageBox::Cancel)
            return;
        if (answer == QMessageBox::No) {
            openStoreInNewWindow(QDir(copy).filePath(QStringLiteral("runs.db")));
            return;
        }
    }
    QString error;
    const QString store = copyDemoStore(shipped, copy, &error);
    if (store.isEmpty()) {
        QMessageBox::warning(this, tr("Open the demo"), error);
        return;
    }
    openStoreInNewWindow(store);
}

void MainWindow::showAbout() {
    QMessageBox::about(
        this, tr("About RELAY Workbench"),
        tr("<b>RELAY Workbench %1</b> (commit %2)<br>CoT-aligned looped transformers "
           "(arXiv 2502.08482).<br><br>Workbench: Qt %3 · SQLite %4 · LibTorch %5<br>Engine: "
           "%6<br>%7<br>Store: %8")
            .arg(QString::fromStdString(engineVersion()), QString::fromStdString(engineCommit()),
                 QString::fromLatin1(qVersion()), QString::fromStdString(sqliteVersion()),
                 QString::fromStdString(torchVersion()),
                 m_engineVersion.isEmpty() ? tr("version unknown") : m_engineVersion,
                 m_jobs->engine().isEmpty() ? tr("not found") : m_jobs->engine(),
                 m_options.storePath));
}

} // namespace relay
