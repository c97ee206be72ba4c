#include "iteration_viewer_wiring.h"

#include "config/stored_config.h"
#include "inspection_worker.h"
#include "iteration_viewer.h"
#include "store/run_store.h"
#include "store_query.h"

namespace relay {

namespace {

constexpr int kProblemsPerLength = 20;

// Tasks and lengths from the stored config (migrated from the version that wrote it); a run
// whose config cannot be read still opens with the task its row names.
IterationRunInfo readRunInfo(RunStore& store, qint64 run) {
    IterationRunInfo info;
    info.run = run;
    const RunRecord record = store.run(run);
    if (const auto config =
            tryStoredExperimentConfig(record.configJson, "run " + std::to_string(run))) {
        for (const auto& entry : config->tasks)
            info.tasks.push_back(entry.task);
        info.trainLengthMax = config->trainLengths.max;
        info.testLengthMax = config->testLengths.max;
    }
    if (info.tasks.empty())
        info.tasks.push_back(record.task.substr(0, record.task.find(',')));
    for (const CheckpointRecord& checkpoint : store.checkpoints(run))
        info.checkpointSteps.push_back(checkpoint.step);
    for (std::int64_t step : store.probeSteps(run))
        info.probeSteps.push_back(step);
    return info;
}

} // namespace

void wireIterationViewer(IterationViewer* viewer, InspectionWorker* worker, StoreAccess* store) {
    viewer->setLiveInferenceAvailable(InspectionWorker::engineAvailable(),
                                      InspectionWorker::unavailableReason());
    QObject::connect(viewer, &IterationViewer::runChosen, viewer, [viewer, store](qint64 run) {
        queryStore<IterationRunInfo>(
            store, viewer, [run](RunStore& runs) { return readRunInfo(runs, run); },
            [viewer](const IterationRunInfo& info, const QString& error) {
                if (error.isEmpty())
                    viewer->setRunInfo(info);
                else
                    viewer->showInspectionError(error);
            });
    });
    QObject::connect(
        viewer, &IterationViewer::probeSnapshotRequested, viewer,
        [viewer, store](qint64 run, qint64 step) {
            queryStore<std::vector<ProbeRecord>>(
                store, viewer, [run, step](RunStore& runs) { return runs.probes(run, step); },
                [viewer, step](const std::vector<ProbeRecord>& probes, const QString& error) {
                    if (error.isEmpty())
                        viewer->setProbeSnapshot(step, probes);
                    else
                        viewer->showInspectionError(error);
                });
        });
    QObject::connect(viewer, &IterationViewer::problemsRequested, viewer,
                     [viewer, worker](qint64 run, qint64 step, const QString& task, int length) {
                         worker->requestProblems(
                             run, step, task, length, kProblemsPerLength,
                             [viewer](const std::vector<Problem>& problems, const QString& error) {
                                 if (error.isEmpty())
                                     viewer->setProblems(problems);
                                 else
                                     viewer->showInspectionError(error);
                             });
                     });
    QObject::connect(viewer, &IterationViewer::inspectionRequested, viewer,
                     [viewer, worker](const InspectionRequest& request) {
                         worker->requestInspection(
                             request,
                             [viewer](const ProblemInspection& inspection, const QString& error) {
                                 if (error.isEmpty())
                                     viewer->showInspection(inspection);
                                 else
                                     viewer->showInspectionError(error);
                             });
                     });
}

} // namespace relay
