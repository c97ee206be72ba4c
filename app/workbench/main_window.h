// The workbench's main window: the live run list on the left, the views as tabs (setup,
// dashboard, the planned iteration viewer / chain inspector / fine-tuning, history,
// comparison), the jobs dock below, menus, toolbar and a status bar with the store and the
// running jobs. Wires the views to the store and to the engine jobs.
#pragma once

#include <QMainWindow>
#include <QMessageBox>
#include <QPointer>
#include <QProcess>

class QLabel;

class QSortFilterProxyModel;
class QTabWidget;
class QTreeView;

namespace relay {

class ExperimentSetupView;
class Job;
class JobRunner;
class JobsController;
class JobsPanel;
class RunComparisonView;
class RunHistoryView;
class RunTableModel;
class StoreAccess;
class TrainingDashboard;
class WelcomePage;
struct RunRow;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    struct Options {
        QString storePath;          // the run store (created when absent)
        QString enginePath;         // the relay executable ("" when not found)
        bool rememberLayout = true; // read and write QSettings (off in tests)
    };
    enum class View {
        Welcome,
        Setup,
        Dashboard,
        Iterations,
        Chains,
        FineTuning,
        History,
        Comparison
    };

    explicit MainWindow(const Options& options, QWidget* parent = nullptr);
    ~MainWindow() override;

    void showView(View view);
    QWidget* viewWidget(View view) const;
    void openRun(qint64 run); // in the dashboard
    void compareRuns(const QList<qint64>& runs);
    void refreshRuns();
    bool welcomeShown() const;

    StoreAccess* store() const { return m_store; }
    RunTableModel* runModel() const { return m_runModel; }
    JobRunner* jobs() const { return m_jobs; }
    JobsController* jobsController() const { return m_jobsController; }
    QTreeView* runList() const { return m_runList; }
    QTabWidget* views() const { return m_views; }
    WelcomePage* welcome() const { return m_welcome; }
    ExperimentSetupView* setup() const { return m_setup; }
    TrainingDashboard* dashboard() const { return m_dashboard; }
    RunHistoryView* history() const { return m_history; }
    RunComparisonView* comparison() const { return m_comparison; }
    JobsPanel* jobsPanel() const { return m_jobsPanel; }
    QMessageBox* failureDialog() const { return m_failureBox; }

Q_SIGNALS:
    void runsRefreshed(); // the run list holds the store's latest state

protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    void buildViews();
    void buildRunList();
    void buildMenus();
    bool restoreLayout(); // false when no saved layout was applied
    void onRunsLoaded(const QVector<RunRow>& rows);
    void wireJobs();
    void showJobFailure(Job* job);
    void updateJobState();
    void updateStatusBar();
    void chooseEngine();
    void openAnotherStore();
    void openDemo();
    void openStoreInNewWindow(const QString& path);
    void showAbout();
    QList<qint64> selectedRunsInList() const;

    Options m_options;
    StoreAccess* m_store = nullptr;
    RunTableModel* m_runModel = nullptr;
    QSortFilterProxyModel* m_runProxy = nullptr;
    JobRunner* m_jobs = nullptr;
    JobsController* m_jobsController = nullptr;
    QTreeView* m_runList = nullptr;
    QTabWidget* m_views = nullptr;
    WelcomePage* m_welcome = nullptr;
    ExperimentSetupView* m_setup = nullptr;
    TrainingDashboard* m_dashboard = nullptr;
    RunHistoryView* m_history = nullptr;
    RunComparisonView* m_comparison = nullptr;
    JobsPanel* m_jobsPanel = nullptr;
    QList<QWidget*> m_viewPages; // by View
    QLabel* m_storeLabel = nullptr;
    QLabel* m_jobsLabel = nullptr;
    QPointer<QMessageBox> m_failureBox;
    qint64 m_failureRun = -1;
    QString m_engineVersion; // `relay --version`, read in the background
    QPointer<QProcess> m_versionProcess;
    bool m_firstLoad = true;
    bool m_layoutRestored = false;
};

} // namespace relay
