// The run store: one SQLite file holding every run, its metrics, evaluations, hit matrices,
// probe snapshots, generated chains and checkpoints (docs/architecture.md). Opened by the engine to
// write and by the GUI to read, possibly by several processes at once (WAL mode, waits out
// locks). Opening migrates older schemas forward and marks runs whose process died as
// interrupted. A file that is not a run store is reported and never overwritten.
#pragma once

#include "store/run_records.h"
#include "store/sqlite_database.h"

#include <memory>
#include <string>
#include <vector>

namespace relay {

// What RunStore::deleteRun removed.
struct DeletedRun {
    std::vector<CheckpointRecord> checkpoints; // the run's checkpoint rows
    std::size_t removedFiles = 0;              // checkpoint files deleted from disk
};

class RunStore {
public:
    explicit RunStore(const std::string& path);

    // The default store: $XDG_DATA_HOME/relay-workbench/runs.db (or ~/.local/share/...).
    static std::string defaultPath();

    const std::string& path() const { return m_database.path(); }
    int schemaVersion();

    // Runs.
    // Fills process id, host and time when unset. `chains` (a run's training chains, e.g. a
    // self-improvement round's) land in the same transaction: a run never exists without them.
    std::int64_t createRun(const RunRecord& run, const std::vector<ChainRecord>& chains = {});
    RunRecord run(std::int64_t id); // throws StoreError naming a missing id
    std::vector<RunRecord> runs();  // newest first
    void setStatus(std::int64_t run, RunStatus status);
    void rename(std::int64_t run, const std::string& name);
    void setTags(std::int64_t run, const std::string& tags);
    void setNotes(std::int64_t run, const std::string& notes);
    // Where a run's checkpoints go unless its request names a folder:
    // <store folder>/checkpoints/run-<id> for the default store runs.db, and
    // <store folder>/<stem>-checkpoints/run-<id> for any other, since run ids restart in every
    // store (runs.db and ablation.db in one folder must not write each other's run 1).
    std::string checkpointFolder(std::int64_t run) const;
    // Deletes the run's rows in one transaction, then, withCheckpoints, the checkpoint files
    // the rows named and each of their folders left empty: in that order, so no row ever
    // names a missing file. Refuses, with a StoreError and touching nothing, a run that
    // another live process is training.
    DeletedRun deleteRun(std::int64_t run, bool withCheckpoints);
    // Takes an interrupted or failed run over for this process, to resume it: checks its status
    // and marks it running in one transaction, so of two resumes started at once exactly one
    // proceeds. Throws std::invalid_argument for a finished run or one another process runs.
    RunRecord claimRunForResume(std::int64_t run);
    // Runs marked running whose process is gone (on this host) become interrupted; returns how
    // many. Called on open.
    int markInterruptedRuns();

    // Measurements; each call is one transaction however many rows it writes.
    void addMetrics(std::int64_t run, const std::vector<MetricPoint>& points);
    // One evaluation's rows: either all of them land or (on any error) none.
    void addEvaluation(std::int64_t run, const std::vector<EvalRecord>& evals,
                       const std::vector<StepAccuracyRecord>& stepAccuracies,
                       const std::vector<HitMatrixRecord>& hitMatrices,
                       const std::vector<ProbeRecord>& probes = {});
    void addChains(std::int64_t run, const std::vector<ChainRecord>& chains);
    // Replaces the run's chains in one transaction (a regenerated Stage II set).
    void replaceChains(std::int64_t run, const std::vector<ChainRecord>& chains);
    void addCheckpoint(std::int64_t run, const CheckpointRecord& checkpoint);
    // A resumed run redoes the steps after its checkpoint: drop what they had recorded.
    void deleteMeasurementsAfter(std::int64_t run, std::int64_t step);

    std::vector<MetricPoint> metrics(std::int64_t run, const std::string& name = {});
    std::vector<std::string> metricNames(std::int64_t run);
    // The latest wall time the run's metrics recorded (0 when none): where a resume continues.
    double lastWallTime(std::int64_t run);
    std::vector<EvalRecord> evals(std::int64_t run);
    std::vector<StepAccuracyRecord> stepAccuracy(std::int64_t run);
    // The newest hit matrix of a length (empty cells when none).
    HitMatrixRecord hitMatrix(std::int64_t run, int length);
    std::vector<ProbeRecord> probes(std::int64_t run, std::int64_t trainingStep = -1);
    std::vector<std::int64_t> probeSteps(std::int64_t run);
    std::vector<ChainRecord> chains(std::int64_t run);
    std::vector<CheckpointRecord> checkpoints(std::int64_t run);

private:
    void migrate();
    int migratableSchemaVersion();
    // Inserts without a transaction of their own (the caller's).
    void insertEvals(std::int64_t run, const std::vector<EvalRecord>& evals);
    void insertStepAccuracy(std::int64_t run, const std::vector<StepAccuracyRecord>& records);
    void insertHitMatrix(std::int64_t run, const HitMatrixRecord& matrix);
    void insertProbes(std::int64_t run, const std::vector<ProbeRecord>& probes);
    void insertChains(std::int64_t run, const std::vector<ChainRecord>& chains);
    void requireRun(std::int64_t run);

    SqliteDatabase m_database;
};

double secondsSinceEpoch();

} // namespace relay
