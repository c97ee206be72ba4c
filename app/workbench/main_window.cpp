#include "main_window.h"

#include "demo_store.h"
#include "engine_locator.h"
#include "experiment_setup_view.h"
#include "inspection_views.h"
#include "job_runner.h"
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
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QHeaderView>
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
    connect(m_jobs, &JobRunner::jobStarted, this, &MainWindow::onJobStarted);
    connect(m_jobs, &JobRunner::jobEvent, this, &MainWindow::onJobEvent);
    connect(m_jobs, &JobRunner::jobEnded, this, &MainWindow::onJobEnded);
    connect(m_jobs, &JobRunner::jobStateChanged, this, [this] {
        updateJobState();
        updateStatusBar();
    });
    connect(m_jobs, &JobRunner::jobLog, this, [this](Job* job, const QString& line) {
        if (job->run() >= 0 && job->run() == m_dashboard->currentRun())
            m_dashboard->appendLog(line);
    });

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
        m_jobs->startPreset(QStringLiteral("cpu-quick-ari"), QStringLiteral("looped"), {});
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
    connect(m_dashboard, &TrainingDashboard::cancelRequested, this, [this](qint64 run) {
        if (Job* job = m_jobs->activeJobForRun(run))
            job->cancel();
    });
    connect(m_dashboard, &TrainingDashboard::pauseRequested, this, [this](qint64 run, bool pause) {
        if (Job* job = m_jobs->activeJobForRun(run))
            job->setPaused(pause);
    });
    connect(m_dashboard, &TrainingDashboard::resumeRequested, this, &MainWindow::resumeRun);
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
                                                 .arg(QString::fromStdString(row->run.status)));
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

} // namespace relay
