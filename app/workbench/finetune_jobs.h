// Runs what the fine-tuning launcher asks for as two engine jobs: `relay generate GENERATOR`
// (Stage II chains, verified and stored), then `relay finetune --generator --baseline --chains` on
// them (an ar-relay run), feeding each stage's events back to the launcher. When the fine-tune
// finishes it asks for the comparison of the baseline and the fine-tuned run.
#pragma once

#include "finetune_launcher.h"

#include <QObject>
#include <QPointer>

namespace relay {

class Job;
class JobRunner;
struct JobEvent;

class FineTuneJobs : public QObject {
    Q_OBJECT
public:
    FineTuneJobs(JobRunner* runner, FineTuneLauncher* launcher, QObject* parent = nullptr);

    Job* generateJob() const { return m_generate; }
    Job* fineTuneJob() const { return m_fineTune; }

Q_SIGNALS:
    void compareRequested(const QList<qint64>& runs);
    void chainsGenerated(qint64 generator);

private:
    void start(const FineTuneRequest& request);
    void onEvent(Job* job, const JobEvent& event);
    void onEnded(Job* job);

    JobRunner* m_runner;
    FineTuneLauncher* m_launcher;
    FineTuneRequest m_request;
    QPointer<Job> m_generate;
    QPointer<Job> m_fineTune;
    qint64 m_fineTunedRun = -1;
};

} // namespace relay
