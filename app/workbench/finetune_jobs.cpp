#include "finetune_jobs.h"

#include "job.h"
#include "job_runner.h"

#include <QJsonObject>

namespace relay {

using Stage = FineTuneLauncher::Stage;
using StageState = FineTuneLauncher::StageState;

FineTuneJobs::FineTuneJobs(JobRunner* runner, FineTuneLauncher* launcher, QObject* parent)
    : QObject(parent), m_runner(runner), m_launcher(launcher) {
    connect(launcher, &FineTuneLauncher::launchRequested, this, &FineTuneJobs::start);
    connect(launcher, &FineTuneLauncher::cancelRequested, this, [this] {
        for (Job* job : {m_generate.data(), m_fineTune.data()})
            if (job && job->active())
                job->cancel();
    });
    connect(launcher, &FineTuneLauncher::compareRequested, this, &FineTuneJobs::compareRequested);
    connect(runner, &JobRunner::jobEvent, this, &FineTuneJobs::onEvent);
    connect(runner, &JobRunner::jobEnded, this, &FineTuneJobs::onEnded);
}

void FineTuneJobs::start(const FineTuneRequest& request) {
    m_request = request;
    m_fineTunedRun = -1;
    m_fineTune = nullptr;
    m_launcher->setStage(Stage::Generate, StageState::Running);
    QStringList arguments = {QStringLiteral("generate"), QString::number(request.generator)};
    for (const QString& assignment : request.generateOverrides())
        arguments << QStringLiteral("--set") << assignment;
    m_generate = m_runner->start(arguments, tr("generate chains (run %1)").arg(request.generator));
}

void FineTuneJobs::onEvent(Job* job, const JobEvent& event) {
    if (job == m_generate && event.type == QLatin1String("stage") &&
        event.body.value(QLatin1String("stage")).toString() == QLatin1String("generate") &&
        event.body.value(QLatin1String("state")).toString() == QLatin1String("finished")) {
        const int generated = event.body.value(QLatin1String("generated")).toInt();
        const int verified = event.body.value(QLatin1String("verified")).toInt();
        m_launcher->setStage(Stage::Generate, StageState::Finished,
                             tr("%1 chains, %2 verified ✓").arg(generated).arg(verified));
    } else if (job == m_fineTune) {
        if (event.type == QLatin1String("started")) {
            m_fineTunedRun = event.run;
            m_launcher->setStage(Stage::FineTune, StageState::Running,
                                 tr("run %1 started").arg(event.run));
        } else if (event.type == QLatin1String("step")) {
            m_launcher->setFineTuneProgress(
                event.body.value(QLatin1String("step")).toInteger(),
                event.body.value(QLatin1String("total_steps")).toInteger());
        }
    }
}

void FineTuneJobs::onEnded(Job* job) {
    if (job == m_generate && job != nullptr) {
        if (job->state() != Job::State::Finished) {
            m_launcher->setStage(Stage::Generate, StageState::Failed, Job::stateName(job->state()));
            m_launcher->setFinished(-1, false,
                                    tr("Chain generation %1: %2")
                                        .arg(Job::stateName(job->state()), job->errorMessage()));
            return;
        }
        if (m_launcher->stageState(Stage::Generate) != StageState::Finished)
            m_launcher->setStage(Stage::Generate, StageState::Finished);
        Q_EMIT chainsGenerated(m_request.generator);
        m_launcher->setStage(Stage::FineTune, StageState::Running);
        m_fineTune =
            m_runner->start(m_request.fineTuneArguments(), tr("fine-tune run %1 on run %2's chains")
                                                               .arg(m_request.baseline)
                                                               .arg(m_request.generator));
    } else if (job == m_fineTune && job != nullptr) {
        const bool finished = job->state() == Job::State::Finished;
        m_launcher->setStage(Stage::FineTune, finished ? StageState::Finished : StageState::Failed,
                             finished ? tr("run %1 done ✓").arg(m_fineTunedRun)
                                      : Job::stateName(job->state()));
        m_launcher->setFinished(
            m_fineTunedRun, finished,
            finished ? tr("Fine-tuned run %1 is in the store; the comparison with baseline run "
                          "%2 opens.")
                           .arg(m_fineTunedRun)
                           .arg(m_request.baseline)
                     : tr("The fine-tune %1: %2")
                           .arg(Job::stateName(job->state()), job->errorMessage()));
        if (finished && m_fineTunedRun >= 0)
            Q_EMIT compareRequested({m_request.baseline, m_fineTunedRun});
    }
}

} // namespace relay
