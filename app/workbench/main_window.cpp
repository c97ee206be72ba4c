#include "main_window.h"

#include "closed_set_text.h"
#include "colour_palette.h"
#include "demo_store.h"
#include "engine_locator.h"
#include "experiment_setup_view.h"
#include "inspection_views.h"
#include "job_runner.h"
#include "jobs_controller.h"
#include "jobs_panel.h"
#include "run_comparison_view.h"
#include "run_history_view.h"
#include "run_table_model.h"
#include "store_access.h"
#include "training_dashboard.h"
#include "version.h"
#include "welcome_page.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QCoreApplication>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QProcess>
#include <QScreen>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>

namespace relay {
namespace {

constexpr int kRunListRefreshMilliseconds = 2000;

} // namespace

MainWindow::MainWindow(const Options& options, QWidget* parent)
    : QMainWindow(parent), m_options(options) {
    setWindowTitle(tr("RELAY Workbench — %1").arg(QFileInfo(options.storePath).fileName()));
    setObjectName(QStringLiteral("mainWindow"));
    setDockNestingEnabled(true);
    qRegisterMetaType<RunData>();
    qRegisterMetaType<RunRow>();
    m_store = new StoreAccess(options.storePath, this);
    m_runModel = new RunTableModel(this);
    m_jobs = new JobRunner(options.enginePath, options.storePath, this);
    buildViews();
    buildRunList();
    buildMenus();

    m_storeLabel = new QLabel(this);
    m_storeLabel->setText(tr("Store: %1").arg(QDir::toNativeSeparators(options.storePath)));
    m_storeLabel->setToolTip(options.enginePath.isEmpty()
                                 ? tr("Engine: not found (Settings > Engine…)")
                                 : tr("Engine: %1").arg(options.enginePath));
    m_jobsLabel = new QLabel(this);
    statusBar()->addWidget(m_storeLabel, 1);
    statusBar()->addPermanentWidget(m_jobsLabel);
    updateStatusBar();

    connect(m_store, &StoreAccess::runsLoaded, this, &MainWindow::onRunsLoaded);
    connect(m_store, &StoreAccess::failed, this, [this](const QString& message) {
        statusBar()->showMessage(tr("Run store: %1").arg(message), 10000);
    });
    // Last of the runner's listeners, as its comment asks.
    m_jobsController = new JobsController(m_jobs, this);
    wireJobs();

    if (!options.enginePath.isEmpty()) {
        auto* version = new QProcess(this);
        m_versionProcess = version;
        connect(version, &QProcess::finished, this, [this, version] {
            m_engineVersion = QString::fromUtf8(version->readAllStandardOutput()).trimmed();
            version->deleteLater();
        });
        version->start(options.enginePath, {QStringLiteral("--version")});
    }

    auto* refresh = new QTimer(this);
    refresh->setInterval(kRunListRefreshMilliseconds);
    connect(refresh, &QTimer::timeout, this, &MainWindow::refreshRuns);
    refresh->start();
    // 1400 x 900, or nine tenths of a smaller (or highly scaled) screen, so all of it shows.
    QSize size(1400, 900);
    if (const QScreen* screen = QGuiApplication::primaryScreen())
        size = size.boundedTo(screen->availableGeometry().size() * 0.9);
    resize(size);
    // A small jobs dock by default (a saved layout overrides it); docks size once shown.
    m_layoutRestored = m_options.rememberLayout && restoreLayout();
    refreshRuns();
}

MainWindow::~MainWindow() {
    if (m_versionProcess && m_versionProcess->state() != QProcess::NotRunning) {
        m_versionProcess->kill();
        m_versionProcess->waitForFinished(1000);
    }
}

void MainWindow::buildViews() {
    m_views = new QTabWidget(this);
    m_views->setObjectName(QStringLiteral("views"));
    m_views->setDocumentMode(true);
    m_welcome = new WelcomePage(m_views);
    m_setup = new ExperimentSetupView(m_views);
    m_dashboard = new TrainingDashboard(m_store, m_views);
    // Views 3-5 (loop iterations with hit matrices, chains, fine-tuning) come wired together.
    auto* inspection = new InspectionViews(m_store, m_jobs, m_views);
    inspection->setObjectName(QStringLiteral("inspectionViews"));
    QWidget* iterations = inspection->iterationsPage();
    QWidget* chains = inspection->chainsPage();
    QWidget* fineTuning = inspection->fineTuningPage();
    connect(this, &MainWindow::runsRefreshed, inspection,
            [this, inspection] { inspection->setRuns(m_runModel->rows()); });
    connect(inspection, &InspectionViews::compareRequested, this, &MainWindow::compareRuns);
    m_history = new RunHistoryView(m_store, m_runModel, m_views);
    m_comparison = new RunComparisonView(m_store, m_runModel, m_views);
    m_viewPages = {m_welcome, m_setup,    m_dashboard, iterations,
                   chains,    fineTuning, m_history,   m_comparison};
    const QStringList titles = {
        tr("Welcome"), tr("Experiment setup"), tr("Training dashboard"), tr("Loop iterations"),
        tr("Chains"),  tr("AR fine-tuning"),   tr("Run history"),        tr("Run comparison")};
    for (int i = 1; i < m_viewPages.size(); ++i)
        m_views->addTab(m_viewPages[i], titles[i]);
    m_welcome->hide();
    setCentralWidget(m_views);

    connect(m_welcome, &WelcomePage::pipelineRequested, this,
            [this] { m_jobs->startPipeline(QStringLiteral("cpu-quick-ari"), {}); });
    connect(m_welcome, &WelcomePage::quickTrainRequested, this, [this] {
        m_jobs->startPreset(QStringLiteral("cpu-quick-ari"), screenText(RunKind::Looped), {});
    });
    connect(m_welcome, &WelcomePage::setupRequested, this, [this] { showView(View::Setup); });
    connect(m_welcome, &WelcomePage::demoRequested, this, &MainWindow::openDemo);
    m_welcome->setDemoAvailable(!shippedDemoFolder().isEmpty());
    connect(m_setup, &ExperimentSetupView::trainRequested, this,
            [this](const QString& kind, const QString& config) {
                m_jobs->startTraining(kind, config);
            });
    connect(m_setup, &ExperimentSetupView::pipelineRequested, this,
            [this](const QString& preset, const QStringList& overrides) {
                m_jobs->startPipeline(preset, overrides);
            });
    connect(m_history, &RunHistoryView::openRequested, this, [this](qint64 run) {
        openRun(run);
        showView(View::Dashboard);
    });
    connect(m_history, &RunHistoryView::compareRequested, this, &MainWindow::compareRuns);
    connect(m_history, &RunHistoryView::runsChanged, this, &MainWindow::refreshRuns);
    connect(m_jobs, &JobRunner::startFailed, this, [this](const QString& message) {
        QMessageBox::warning(this, tr("Training not started"), message);
    });
    connect(m_history, &RunHistoryView::editFailed, this, [this](const QString& message) {
        QMessageBox::warning(this, tr("Run not changed"),
                             tr("The store refused the change: %1").arg(message));
    });

    auto* jobsDock = new QDockWidget(tr("Jobs"), this);
    jobsDock->setObjectName(QStringLiteral("jobsDock"));
    m_jobsPanel = new JobsPanel(m_jobs, jobsDock);
    jobsDock->setWidget(m_jobsPanel);
    addDockWidget(Qt::BottomDockWidgetArea, jobsDock);
    connect(m_jobsPanel, &JobsPanel::openRunRequested, this, [this](qint64 run) {
        openRun(run);
        showView(View::Dashboard);
    });
}

void MainWindow::buildRunList() {
    auto* dock = new QDockWidget(tr("Runs"), this);
    dock->setObjectName(QStringLiteral("runsDock"));
    auto* panel = new QWidget(dock);
    auto* layout = new QVBoxLayout(panel);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* filter = new QLineEdit(panel);
    filter->setPlaceholderText(tr("Filter runs"));
    filter->setClearButtonEnabled(true);
    m_runProxy = new QSortFilterProxyModel(this);
    m_runProxy->setSourceModel(m_runModel);
    m_runProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_runProxy->setFilterKeyColumn(-1);
    m_runProxy->setSortRole(RunTableModel::SortRole);
    m_runList = new QTreeView(panel);
    m_runList->setObjectName(QStringLiteral("runList"));
    m_runList->setModel(m_runProxy);
    m_runList->setRootIsDecorated(false);
    m_runList->setSortingEnabled(true);
    m_runList->sortByColumn(RunTableModel::Id, Qt::DescendingOrder);
    m_runList->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_runList->setAlternatingRowColors(true);
    m_runList->setUniformRowHeights(true);
    for (int column = 0; column < RunTableModel::ColumnCount; ++column)
        m_runList->setColumnHidden(
            column, column != RunTableModel::Id && column != RunTableModel::Name &&
                        column != RunTableModel::Status && column != RunTableModel::BestOut);
    // The name takes what the other columns leave: no horizontal scrolling in a narrow dock.
    m_runList->header()->setStretchLastSection(false);
    m_runList->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_runList->header()->setSectionResizeMode(RunTableModel::Name, QHeaderView::Stretch);
    layout->addWidget(filter);
    layout->addWidget(m_runList, 1);
    dock->setWidget(panel);
    addDockWidget(Qt::LeftDockWidgetArea, dock);
    resizeDocks({dock}, {330}, Qt::Horizontal);
    connect(filter, &QLineEdit::textChanged, m_runProxy,
            &QSortFilterProxyModel::setFilterFixedString);
    connect(m_runList->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                if (current.isValid())
                    openRun(current.data(RunTableModel::RunIdRole).toLongLong());
            });
    connect(m_runList, &QTreeView::activated, this, [this] { showView(View::Dashboard); });
}

bool MainWindow::restoreLayout() {
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    const bool restored =
        restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_views->setCurrentIndex(settings.value(QStringLiteral("window/tab"), 0).toInt());
    m_dashboard->setSmoothing(
        settings.value(QStringLiteral("dashboard/smoothing"), 0.6).toDouble());
    return restored;
}

void MainWindow::showEvent(QShowEvent* event) {
    QMainWindow::showEvent(event);
    if (m_layoutRestored)
        return;
    m_layoutRestored = true;
    // Without a saved layout: a small jobs dock, once the window has its real size.
    QTimer::singleShot(0, this, [this] {
        if (auto* jobsDock = findChild<QDockWidget*>(QStringLiteral("jobsDock")))
            resizeDocks({jobsDock}, {150}, Qt::Vertical);
    });
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (m_jobs->activeCount() > 0) {
        const auto answer = QMessageBox::question(
            this, tr("Jobs are running"),
            tr("%n engine job(s) still running. Quit and cancel them? Each writes a checkpoint "
               "and can be resumed later.",
               nullptr, m_jobs->activeCount()),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
    }
    if (m_options.rememberLayout) {
        QSettings settings;
        settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
        settings.setValue(QStringLiteral("window/state"), saveState());
        settings.setValue(QStringLiteral("window/tab"), m_views->currentIndex());
        settings.setValue(QStringLiteral("dashboard/smoothing"), m_dashboard->smoothing());
        settings.setValue(QStringLiteral("store/path"), m_options.storePath);
    }
    event->accept();
}

void MainWindow::showView(View view) {
    QWidget* page = viewWidget(view);
    if (view == View::Welcome && m_views->indexOf(page) < 0)
        m_views->insertTab(0, page, tr("Welcome"));
    m_views->setCurrentWidget(page);
}

QWidget* MainWindow::viewWidget(View view) const {
    return m_viewPages.value(int(view));
}

bool MainWindow::welcomeShown() const {
    return m_views->indexOf(m_welcome) >= 0;
}

void MainWindow::refreshRuns() {
    m_store->requestRuns();
}

void MainWindow::onRunsLoaded(const QVector<RunRow>& rows) {
    const qint64 current = m_dashboard->currentRun();
    m_runModel->setRows(rows);
    m_welcome->setStoreEmpty(rows.isEmpty());
    if (current >= 0) { // keep the list's cursor on the shown run across a reset
        const int row = m_runModel->rowOfRun(current);
        const QModelIndex index = m_runProxy->mapFromSource(m_runModel->index(row, 0));
        if (row >= 0 && m_runList->currentIndex().row() != index.row()) {
            QSignalBlocker block(m_runList->selectionModel());
            m_runList->setCurrentIndex(index);
        }
    }
    if (rows.isEmpty() && m_jobs->jobs().isEmpty() && m_firstLoad) {
        showView(View::Welcome); // an empty store: offer the one-click pipeline
    } else if (!rows.isEmpty() && welcomeShown() && m_views->currentWidget() != m_welcome) {
        m_views->removeTab(m_views->indexOf(m_welcome));
    }
    m_firstLoad = false;
    if (m_failureBox && m_failureRun >= 0)
        if (const RunRow* row = m_runModel->findRun(m_failureRun))
            m_failureBox->setInformativeText(tr("Run %1 is marked %2 in the store.")
                                                 .arg(m_failureRun)
                                                 .arg(screenText(row->run.status)));
    Q_EMIT runsRefreshed();
}

void MainWindow::openRun(qint64 run) {
    if (run < 0)
        return;
    m_dashboard->openRun(run);
    Job* job = m_jobs->latestJobForRun(run);
    if (job) {
        m_dashboard->setLog(job->log());
    } else {
        // Jobs of earlier sessions left their log beside the store.
        QFile file(QDir(m_jobs->logFolder()).filePath(QStringLiteral("run-%1.log").arg(run)));
        if (file.open(QIODevice::ReadOnly | QIODevice::Text)) {
            if (file.size() > 256 * 1024)
                file.seek(file.size() - 256 * 1024);
            m_dashboard->setLog(QString::fromUtf8(file.readAll()).split(QLatin1Char('\n')));
        } else {
            m_dashboard->setLog({tr("No engine log for run %1: it was started outside the "
                                    "workbench (its curves come from the store).")
                                     .arg(run)});
        }
    }
    updateJobState();
}

void MainWindow::compareRuns(const QList<qint64>& runs) {
    m_comparison->setSelectedRuns(runs);
    showView(View::Comparison);
}

void MainWindow::wireJobs() {
    JobsController* jobs = m_jobsController;
    connect(m_dashboard, &TrainingDashboard::cancelRequested, jobs, &JobsController::cancelRun);
    connect(m_dashboard, &TrainingDashboard::pauseRequested, jobs, &JobsController::setRunPaused);
    connect(m_dashboard, &TrainingDashboard::resumeRequested, jobs, &JobsController::resumeRun);
    connect(jobs, &JobsController::jobStarted, this, [this](Job* job) {
        if (welcomeShown())
            m_views->removeTab(m_views->indexOf(m_welcome));
        if (auto* dock = findChild<QDockWidget*>(QStringLiteral("jobsDock")))
            dock->show();
        statusBar()->showMessage(tr("Started %1").arg(job->label()), 5000);
    });
    connect(jobs, &JobsController::runsChanged, this, &MainWindow::refreshRuns);
    connect(jobs, &JobsController::followedRunStarted, this, [this](qint64 run) {
        openRun(run);
        showView(View::Dashboard);
    });
    connect(jobs, &JobsController::progress, this,
            [this](qint64 run, qint64 step, qint64 totalSteps, double examplesPerSecond,
                   double etaSeconds) {
                if (run == m_dashboard->currentRun())
                    m_dashboard->showProgress(step, totalSteps, examplesPerSecond, etaSeconds);
            });
    connect(jobs, &JobsController::runUpdated, this, [this](qint64 run) {
        if (run == m_dashboard->currentRun())
            m_store->requestRun(run);
    });
    connect(jobs, &JobsController::pipelineReported, this, &MainWindow::compareRuns);
    connect(jobs, &JobsController::logLine, this, [this](qint64 run, const QString& line) {
        if (run == m_dashboard->currentRun())
            m_dashboard->appendLog(line);
    });
    connect(jobs, &JobsController::activityChanged, this, [this] {
        updateJobState();
        updateStatusBar();
    });
    connect(jobs, &JobsController::jobFinished, this, [this](Job* job) {
        statusBar()->showMessage(tr("%1 finished").arg(job->label()), 10000);
    });
    connect(jobs, &JobsController::jobCancelled, this, [this](Job* job) {
        statusBar()->showMessage(
            tr("%1 cancelled; a checkpoint was written, Resume continues it").arg(job->label()),
            10000);
    });
    connect(jobs, &JobsController::jobFailed, this, &MainWindow::showJobFailure);
    connect(jobs, &JobsController::alreadyRunning, this, [this](qint64 run) {
        statusBar()->showMessage(tr("Run %1 is already running").arg(run), 5000);
    });
}

void MainWindow::showJobFailure(Job* job) {
    // Not modal: the window (and other jobs) carry on while the message is up.
    if (m_failureBox)
        m_failureBox->close();
    m_failureBox =
        new QMessageBox(QMessageBox::Critical, tr("Job failed"),
                        tr("<b>%1</b> failed: %2")
                            .arg(job->label().toHtmlEscaped(), job->errorMessage().toHtmlEscaped()),
                        QMessageBox::Close, this);
    m_failureBox->setObjectName(QStringLiteral("jobFailureDialog"));
    m_failureBox->setAttribute(Qt::WA_DeleteOnClose);
    m_failureBox->setModal(false);
    m_failureBox->setDetailedText(job->lastLines(30).join(QLatin1Char('\n')));
    m_failureRun = job->run();
    m_failureBox->setInformativeText(
        job->run() >= 0
            ? tr("Run %1: its status follows from the store.").arg(job->run())
            : tr("No run was created: fix what the message names (in Experiment setup or the "
                 "engine path under Settings) and launch again."));
    m_failureBox->show();
    m_jobsPanel->selectJob(job);
    statusBar()->showMessage(tr("%1 failed: %2").arg(job->label(), job->errorMessage()), 15000);
}

void MainWindow::updateJobState() {
    Job* job = m_jobs->activeJobForRun(m_dashboard->currentRun());
    m_dashboard->setJobState(job != nullptr, job && job->state() == Job::State::Paused);
    m_dashboard->setLive(job != nullptr);
}

void MainWindow::updateStatusBar() {
    const int active = m_jobs->activeCount();
    m_jobsLabel->setText(active == 0 ? tr("No jobs running")
                                     : tr("%n job(s) running", nullptr, active));
}

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
        m_jobsController->cancelRun(m_dashboard->currentRun());
    });
    cancel->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    QAction* resume = run->addAction(tr("&Resume the shown run"), this, [this] {
        m_jobsController->resumeRun(m_dashboard->currentRun());
    });
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
