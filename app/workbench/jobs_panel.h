// The jobs dock: every engine job of this session with its run, state, progress and last
// message; cancel, pause/continue, and the selected job's latest log lines (where a failed
// job's error shows).
#pragma once

#include <QWidget>

class QPlainTextEdit;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace relay {

class Job;
class JobRunner;

class JobsPanel : public QWidget {
    Q_OBJECT
public:
    explicit JobsPanel(JobRunner* runner, QWidget* parent = nullptr);

    QTreeWidget* tree() const { return m_tree; }
    QString detailsText() const;
    void selectJob(Job* job);

Q_SIGNALS:
    void openRunRequested(qint64 run);

private:
    void updateJob(Job* job);
    void updateButtons();
    void showDetails();
    Job* selectedJob() const;
    QTreeWidgetItem* itemOf(Job* job) const;

    JobRunner* m_runner;
    QTreeWidget* m_tree;
    QPlainTextEdit* m_details;
    QPushButton* m_cancel;
    QPushButton* m_pause;
    QPushButton* m_open;
};

} // namespace relay
