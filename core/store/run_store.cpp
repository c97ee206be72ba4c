#include "store/run_store.h"

#include "store/run_liveness.h"
#include "store/schema.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <stdexcept>
#include <utility>

namespace relay {
namespace {

// Removes the files and each of their folders left empty; returns how many files went.
std::size_t removeCheckpointFiles(const std::vector<CheckpointRecord>& checkpoints) {
    std::size_t removed = 0;
    std::set<std::filesystem::path> folders;
    for (const auto& checkpoint : checkpoints) {
        std::error_code ignored;
        removed += std::filesystem::remove(checkpoint.path, ignored) ? 1 : 0;
        folders.insert(std::filesystem::path(checkpoint.path).parent_path());
    }
    for (const auto& folder : folders) {
        std::error_code ignored;
        if (!folder.empty() && std::filesystem::is_empty(folder, ignored))
            std::filesystem::remove(folder, ignored);
    }
    return removed;
}

// The text of a closed-set column; a value this version does not know is a StoreError naming
// the store and the run (every reader of a store expects StoreError for a damaged one).
template <class Enum>
Enum readClosedSet(const std::string& text, std::int64_t run, const std::string& store) {
    try {
        return parseClosedSet<Enum>(text);
    } catch (const std::invalid_argument& error) {
        throw StoreError("run store " + store + ": run " + std::to_string(run) + ": " +
                         error.what() + " (the store was written by hand or by a newer version)");
    }
}

RunRecord readRun(const Statement& row, const std::string& store) {
    RunRecord run;
    run.id = row.integer(0);
    run.name = row.text(1);
    run.kind = readClosedSet<RunKind>(row.text(2), run.id, store);
    run.task = row.text(3);
    if (!row.isNull(4))
        run.parentRun = row.integer(4);
    if (!row.isNull(5))
        run.generatorRun = row.integer(5);
    run.status = readClosedSet<RunStatus>(row.text(6), run.id, store);
    run.createdAt = row.real(7);
    run.finishedAt = row.isNull(8) ? 0 : row.real(8);
    run.configJson = row.text(9);
    run.device = row.text(10);
    run.version = row.text(11);
    run.tags = row.text(12);
    run.notes = row.text(13);
    run.processId = row.integer(14);
    run.host = row.text(15);
    return run;
}

constexpr const char* kRunColumns =
    "id, name, kind, task, parent_run, generator_run, status, created_at, finished_at, config, "
    "device, version, tags, notes, process_id, host";

} // namespace

double secondsSinceEpoch() {
    using namespace std::chrono;
    return duration<double>(system_clock::now().time_since_epoch()).count();
}

RunStore::RunStore(const std::string& path) : m_database(path) {
    migrate();
    m_database.execute("PRAGMA foreign_keys = ON");
    markInterruptedRuns();
}

std::string RunStore::defaultPath() {
    std::filesystem::path base;
    if (const char* data = std::getenv("XDG_DATA_HOME"); data && *data)
        base = data;
    else if (const char* home = std::getenv("HOME"); home && *home)
        base = std::filesystem::path(home) / ".local" / "share";
    else
        base = std::filesystem::temp_directory_path();
    return (base / "relay-workbench" / "runs.db").string();
}

int RunStore::schemaVersion() {
    auto query = m_database.prepare("PRAGMA user_version");
    query.step();
    return static_cast<int>(query.integer(0));
}

// The file's schema version, one this relay can migrate from. A version above ours is a newer
// relay's store; a negative one no relay writes (SQLite's user_version is any 32-bit integer,
// and a crafted file indexed the migrations before their start with it); version 0 with tables
// is some other program's SQLite file. Version and tables are read in one statement, so at one
// moment: between two reads, another process can finish creating a new store's tables.
int RunStore::migratableSchemaVersion() {
    auto query = m_database.prepare("SELECT (SELECT user_version FROM pragma_user_version), "
                                    "(SELECT count(*) FROM sqlite_master)");
    query.step();
    const int version = static_cast<int>(query.integer(0));
    const bool hasTables = query.integer(1) > 0;
    if (version > currentSchemaVersion())
        throw StoreError("run store " + path() + ": schema version " + std::to_string(version) +
                         " is newer than this relay understands (" +
                         std::to_string(currentSchemaVersion()) + "); upgrade relay");
    if (version < 0)
        throw StoreError("run store " + path() + ": schema version " + std::to_string(version) +
                         " is not one relay writes; the file was left untouched");
    if (version == 0 && hasTables)
        throw StoreError("run store " + path() +
                         ": this SQLite file is not a RELAY run store (it has other "
                         "tables); the file was left untouched");
    return version;
}

void RunStore::migrate() {
    // Checked before the switch to WAL, which would change another program's file.
    migratableSchemaVersion();
    // Outside the migration's transaction: WAL cannot be switched on inside one.
    m_database.useWriteAheadLog();
    if (migratableSchemaVersion() == currentSchemaVersion())
        return;
    m_database.transaction([&] {
        // Re-read under the write lock: another process may have migrated meanwhile.
        int current = migratableSchemaVersion();
        const auto& migrations = storeMigrations();
        for (int next = current; next < currentSchemaVersion(); ++next)
            m_database.execute(migrations[static_cast<std::size_t>(next)]);
        m_database.execute("PRAGMA user_version = " + std::to_string(currentSchemaVersion()));
    });
}

std::int64_t RunStore::createRun(const RunRecord& input, const std::vector<ChainRecord>& chains) {
    RunRecord run = input;
    if (run.processId == 0)
        run.processId = currentProcessId();
    if (run.host.empty())
        run.host = hostName();
    if (run.createdAt == 0)
        run.createdAt = secondsSinceEpoch();
    std::int64_t id = 0;
    m_database.transaction([&] {
        auto insert = m_database.prepare(
            "INSERT INTO runs (name, kind, task, parent_run, generator_run, status, created_at, "
            "config, device, version, tags, notes, process_id, host) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        insert.bind(1, run.name).bind(2, textOf(run.kind)).bind(3, run.task);
        insert.bind(4, run.parentRun).bind(5, run.generatorRun).bind(6, textOf(run.status));
        insert.bind(7, run.createdAt);
        insert.bind(8, run.configJson).bind(9, run.device).bind(10, run.version);
        insert.bind(11, run.tags).bind(12, run.notes).bind(13, run.processId).bind(14, run.host);
        insert.run();
        id = m_database.lastInsertId();
        insertChains(id, chains);
    });
    return id;
}

RunRecord RunStore::run(std::int64_t id) {
    auto query =
        m_database.prepare(std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = ?");
    query.bind(1, id);
    if (!query.step())
        throw StoreError("run store " + path() + ": no run with id " + std::to_string(id));
    return readRun(query, path());
}

std::vector<RunRecord> RunStore::runs() {
    auto query = m_database.prepare(std::string("SELECT ") + kRunColumns +
                                    " FROM runs ORDER BY created_at DESC, id DESC");
    std::vector<RunRecord> result;
    while (query.step())
        result.push_back(readRun(query, path()));
    return result;
}

void RunStore::requireRun(std::int64_t id) {
    run(id);
}

void RunStore::setStatus(std::int64_t id, RunStatus status) {
    requireRun(id);
    const bool running = status == RunStatus::Running;
    m_database.transaction([&] {
        auto update =
            m_database.prepare("UPDATE runs SET status = ?, finished_at = ?, process_id = "
                               "CASE WHEN ? THEN ? ELSE process_id END WHERE id = ?");
        update.bind(1, textOf(status));
        if (running)
            update.bindNull(2);
        else
            update.bind(2, secondsSinceEpoch());
        update.bind(3, static_cast<std::int64_t>(running ? 1 : 0));
        update.bind(4, currentProcessId()).bind(5, id);
        update.run();
    });
}

void RunStore::rename(std::int64_t id, const std::string& name) {
    requireRun(id);
    m_database.transaction([&] {
        m_database.prepare("UPDATE runs SET name = ? WHERE id = ?").bind(1, name).bind(2, id).run();
    });
}

void RunStore::setTags(std::int64_t id, const std::string& tags) {
    requireRun(id);
    m_database.transaction([&] {
        m_database.prepare("UPDATE runs SET tags = ? WHERE id = ?").bind(1, tags).bind(2, id).run();
    });
}

void RunStore::setNotes(std::int64_t id, const std::string& notes) {
    requireRun(id);
    m_database.transaction([&] {
        m_database.prepare("UPDATE runs SET notes = ? WHERE id = ?")
            .bind(1, notes)
            .bind(2, id)
            .run();
    });
}

std::string RunStore::checkpointFolder(std::int64_t run) const {
    // Absolute: the store reads a relative checkpoint path as relative to its own folder, not
    // to the working directory a relative --db was given from.
    const std::filesystem::path storePath = std::filesystem::absolute(path());
    const std::string stem = storePath.stem().string();
    const std::string folder = stem == "runs" ? "checkpoints" : stem + "-checkpoints";
    return (storePath.parent_path() / folder / ("run-" + std::to_string(run))).string();
}

DeletedRun RunStore::deleteRun(std::int64_t id, bool withCheckpoints) {
    DeletedRun deleted;
    m_database.transaction([&] {
        const RunRecord record = run(id);
        if (auto reason = busyReason(record); !reason.empty())
            throw StoreError("run store " + path() + ": " + reason +
                             "; stop it before deleting it");
        deleted.checkpoints = checkpoints(id);
        m_database.prepare("DELETE FROM runs WHERE id = ?").bind(1, id).run();
    });
    if (withCheckpoints)
        deleted.removedFiles = removeCheckpointFiles(deleted.checkpoints);
    return deleted;
}

RunRecord RunStore::claimRunForResume(std::int64_t id) {
    RunRecord record;
    m_database.transaction([&] {
        record = run(id);
        if (record.status == RunStatus::Finished)
            throw std::invalid_argument("run " + std::to_string(id) +
                                        " has already finished; nothing to resume");
        if (auto reason = busyReason(record); !reason.empty())
            throw std::invalid_argument(reason + "; it cannot be resumed twice");
        m_database
            .prepare("UPDATE runs SET status = ?, finished_at = NULL, process_id = ?, "
                     "host = ? WHERE id = ?")
            .bind(1, textOf(RunStatus::Running))
            .bind(2, currentProcessId())
            .bind(3, hostName())
            .bind(4, id)
            .run();
    });
    return run(id);
}

int RunStore::markInterruptedRuns() {
    std::string host = hostName();
    std::vector<std::pair<std::int64_t, std::int64_t>> dead; // run, its dead process
    {
        auto query =
            m_database.prepare("SELECT id, process_id FROM runs WHERE status = ? AND host = ?");
        query.bind(1, textOf(RunStatus::Running)).bind(2, host);
        while (query.step())
            if (!processAlive(query.integer(1)))
                dead.emplace_back(query.integer(0), query.integer(1));
    }
    if (dead.empty())
        return 0;
    // Only while the dead process still holds the run: another process may have marked it and
    // resumed it since the query (without the check, a second resume started at the same
    // moment would mark the live one's run interrupted and train it too).
    m_database.transaction([&] {
        auto update = m_database.prepare("UPDATE runs SET status = ?, finished_at = ? WHERE id = ? "
                                         "AND status = ? AND process_id = ?");
        for (const auto& [id, process] : dead)
            update.bind(1, textOf(RunStatus::Interrupted))
                .bind(2, secondsSinceEpoch())
                .bind(3, id)
                .bind(4, textOf(RunStatus::Running))
                .bind(5, process)
                .run();
    });
    return static_cast<int>(dead.size());
}

// The measurement tables (metrics, evals, step accuracy, hit matrices, probes, chains,
// checkpoints): each add* call writes all its rows in one transaction, an evaluation's four
// tables included.

void RunStore::addMetrics(std::int64_t run, const std::vector<MetricPoint>& points) {
    m_database.transaction([&] {
        auto insert = m_database.prepare(
            "INSERT INTO metrics (run, step, wall_time, name, value) VALUES (?, ?, ?, ?, ?)");
        for (const auto& point : points) {
            insert.bind(1, run).bind(2, point.step).bind(3, point.wallTime);
            insert.bind(4, point.name).bind(5, point.value).run();
        }
    });
}

void RunStore::addEvaluation(std::int64_t run, const std::vector<EvalRecord>& evals,
                             const std::vector<StepAccuracyRecord>& stepAccuracies,
                             const std::vector<HitMatrixRecord>& hitMatrices,
                             const std::vector<ProbeRecord>& probes) {
    m_database.transaction([&] {
        insertEvals(run, evals);
        insertStepAccuracy(run, stepAccuracies);
        for (const auto& matrix : hitMatrices)
            insertHitMatrix(run, matrix);
        insertProbes(run, probes);
    });
}

void RunStore::insertEvals(std::int64_t run, const std::vector<EvalRecord>& evals) {
    auto insert = m_database.prepare(
        "INSERT INTO evals (run, step, task, length, samples, answer_accuracy, "
        "chain_accuracy, token_accuracy, stopping) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const auto& eval : evals) {
        insert.bind(1, run).bind(2, eval.step).bind(3, eval.task).bind(4, eval.length);
        insert.bind(5, eval.samples).bind(6, eval.answerAccuracy);
        insert.bind(7, eval.chainAccuracy).bind(8, eval.tokenAccuracy);
        insert.bind(9, eval.stopping).run();
    }
}

void RunStore::insertStepAccuracy(std::int64_t run,
                                  const std::vector<StepAccuracyRecord>& records) {
    auto insert = m_database.prepare("INSERT INTO step_accuracy (run, step, task, length, "
                                     "cot_step, accuracy) VALUES (?, ?, ?, ?, ?, ?)");
    for (const auto& record : records) {
        insert.bind(1, run).bind(2, record.step).bind(3, record.task);
        insert.bind(4, record.length).bind(5, record.cotStep).bind(6, record.accuracy).run();
    }
}

void RunStore::insertHitMatrix(std::int64_t run, const HitMatrixRecord& matrix) {
    auto insert = m_database.prepare(
        "INSERT INTO hit_matrix (run, step, task, length, cot_step, position, accuracy, "
        "samples) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    for (const auto& cell : matrix.cells) {
        insert.bind(1, run).bind(2, matrix.step).bind(3, matrix.task).bind(4, matrix.length);
        insert.bind(5, cell.cotStep).bind(6, cell.position).bind(7, cell.accuracy);
        insert.bind(8, cell.samples).run();
    }
}

void RunStore::insertProbes(std::int64_t run, const std::vector<ProbeRecord>& probes) {
    auto insert = m_database.prepare(
        "INSERT INTO probes (run, training_step, problem_index, problem, length, iteration, "
        "predicted, target, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const auto& probe : probes) {
        insert.bind(1, run).bind(2, probe.trainingStep).bind(3, probe.problemIndex);
        insert.bind(4, probe.problem).bind(5, probe.length).bind(6, probe.iteration);
        insert.bind(7, probe.predicted).bind(8, probe.target);
        insert.bind(9, probe.confidenceJson).run();
    }
}

void RunStore::addChains(std::int64_t run, const std::vector<ChainRecord>& chains) {
    m_database.transaction([&] { insertChains(run, chains); });
}

void RunStore::replaceChains(std::int64_t run, const std::vector<ChainRecord>& chains) {
    m_database.transaction([&] {
        m_database.prepare("DELETE FROM chains WHERE run = ?").bind(1, run).run();
        insertChains(run, chains);
    });
}

void RunStore::insertChains(std::int64_t run, const std::vector<ChainRecord>& chains) {
    auto insert =
        m_database.prepare("INSERT INTO chains (run, task, length, input, steps, answer, verified, "
                           "first_wrong_step, answer_correct, token_accuracy, label_free_kept) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const auto& chain : chains) {
        insert.bind(1, run).bind(2, chain.task).bind(3, chain.length).bind(4, chain.input);
        insert.bind(5, chain.stepsJson).bind(6, chain.answer);
        insert.bind(7, chain.verified ? 1 : 0).bind(8, chain.firstWrongStep);
        insert.bind(9, chain.answerCorrect ? 1 : 0).bind(10, chain.tokenAccuracy);
        insert.bind(11, chain.labelFreeKept).run();
    }
}

void RunStore::addCheckpoint(std::int64_t run, const CheckpointRecord& checkpoint) {
    m_database.transaction([&] {
        auto insert = m_database.prepare("INSERT INTO checkpoints (run, step, path, checksum, "
                                         "created_at) VALUES (?, ?, ?, ?, ?)");
        insert.bind(1, run).bind(2, checkpoint.step).bind(3, checkpoint.path);
        insert.bind(4, checkpoint.checksum);
        insert.bind(5, checkpoint.createdAt == 0 ? secondsSinceEpoch() : checkpoint.createdAt);
        insert.run();
    });
}

void RunStore::deleteMeasurementsAfter(std::int64_t run, std::int64_t step) {
    m_database.transaction([&] {
        for (const char* table : {"metrics", "evals", "step_accuracy", "hit_matrix"})
            m_database.prepare(std::string("DELETE FROM ") + table + " WHERE run = ? AND step > ?")
                .bind(1, run)
                .bind(2, step)
                .run();
        m_database.prepare("DELETE FROM probes WHERE run = ? AND training_step > ?")
            .bind(1, run)
            .bind(2, step)
            .run();
        m_database.prepare("DELETE FROM checkpoints WHERE run = ? AND step > ?")
            .bind(1, run)
            .bind(2, step)
            .run();
    });
}

std::vector<MetricPoint> RunStore::metrics(std::int64_t run, const std::string& name) {
    auto query = m_database.prepare(
        "SELECT step, wall_time, name, value FROM metrics WHERE run = ? AND (? = '' OR name = ?) "
        "ORDER BY name, step, rowid");
    query.bind(1, run).bind(2, name).bind(3, name);
    std::vector<MetricPoint> result;
    while (query.step())
        result.push_back({query.integer(0), query.real(1), query.text(2), query.real(3)});
    return result;
}

double RunStore::lastWallTime(std::int64_t run) {
    auto query =
        m_database.prepare("SELECT coalesce(max(wall_time), 0) FROM metrics WHERE run = ?");
    query.bind(1, run);
    query.step();
    return query.real(0);
}

std::vector<std::string> RunStore::metricNames(std::int64_t run) {
    auto query =
        m_database.prepare("SELECT DISTINCT name FROM metrics WHERE run = ? ORDER BY name");
    query.bind(1, run);
    std::vector<std::string> names;
    while (query.step())
        names.push_back(query.text(0));
    return names;
}

std::vector<EvalRecord> RunStore::evals(std::int64_t run) {
    auto query = m_database.prepare(
        "SELECT step, task, length, samples, answer_accuracy, chain_accuracy, token_accuracy, "
        "stopping FROM evals WHERE run = ? ORDER BY step, task, stopping, length");
    query.bind(1, run);
    std::vector<EvalRecord> result;
    while (query.step()) {
        EvalRecord eval;
        eval.step = query.integer(0);
        eval.task = query.text(1);
        eval.length = static_cast<int>(query.integer(2));
        eval.samples = static_cast<int>(query.integer(3));
        eval.answerAccuracy = query.real(4);
        eval.chainAccuracy = query.real(5);
        eval.tokenAccuracy = query.real(6);
        eval.stopping = query.text(7);
        result.push_back(eval);
    }
    return result;
}

std::vector<StepAccuracyRecord> RunStore::stepAccuracy(std::int64_t run) {
    auto query = m_database.prepare("SELECT step, task, length, cot_step, accuracy FROM "
                                    "step_accuracy WHERE run = ? ORDER BY step, length, cot_step");
    query.bind(1, run);
    std::vector<StepAccuracyRecord> result;
    while (query.step())
        result.push_back({query.integer(0), query.text(1), static_cast<int>(query.integer(2)),
                          static_cast<int>(query.integer(3)), query.real(4)});
    return result;
}

HitMatrixRecord RunStore::hitMatrix(std::int64_t run, int length) {
    HitMatrixRecord matrix;
    matrix.length = length;
    auto newest =
        m_database.prepare("SELECT step, task FROM hit_matrix WHERE run = ? AND length = ? "
                           "ORDER BY step DESC LIMIT 1");
    newest.bind(1, run).bind(2, length);
    if (!newest.step())
        return matrix;
    matrix.step = newest.integer(0);
    matrix.task = newest.text(1);
    auto cells = m_database.prepare(
        "SELECT cot_step, position, accuracy, samples FROM hit_matrix WHERE run = ? AND "
        "length = ? AND step = ? ORDER BY cot_step, position");
    cells.bind(1, run).bind(2, length).bind(3, matrix.step);
    while (cells.step())
        matrix.cells.push_back({static_cast<int>(cells.integer(0)),
                                static_cast<int>(cells.integer(1)), cells.real(2),
                                static_cast<int>(cells.integer(3))});
    return matrix;
}

std::vector<ProbeRecord> RunStore::probes(std::int64_t run, std::int64_t trainingStep) {
    auto query = m_database.prepare(
        "SELECT training_step, problem_index, problem, length, iteration, predicted, target, "
        "confidence FROM probes WHERE run = ? AND (? < 0 OR training_step = ?) "
        "ORDER BY training_step, problem_index, iteration");
    query.bind(1, run).bind(2, trainingStep).bind(3, trainingStep);
    std::vector<ProbeRecord> result;
    while (query.step()) {
        ProbeRecord probe;
        probe.trainingStep = query.integer(0);
        probe.problemIndex = static_cast<int>(query.integer(1));
        probe.problem = query.text(2);
        probe.length = static_cast<int>(query.integer(3));
        probe.iteration = static_cast<int>(query.integer(4));
        probe.predicted = query.text(5);
        probe.target = query.text(6);
        probe.confidenceJson = query.text(7);
        result.push_back(probe);
    }
    return result;
}

std::vector<std::int64_t> RunStore::probeSteps(std::int64_t run) {
    auto query = m_database.prepare(
        "SELECT DISTINCT training_step FROM probes WHERE run = ? ORDER BY training_step");
    query.bind(1, run);
    std::vector<std::int64_t> steps;
    while (query.step())
        steps.push_back(query.integer(0));
    return steps;
}

std::vector<ChainRecord> RunStore::chains(std::int64_t run) {
    auto query = m_database.prepare(
        "SELECT id, task, length, input, steps, answer, verified, "
        "first_wrong_step, answer_correct, token_accuracy, label_free_kept FROM chains "
        "WHERE run = ? "
        "ORDER BY id");
    query.bind(1, run);
    std::vector<ChainRecord> result;
    while (query.step()) {
        ChainRecord chain;
        chain.id = query.integer(0);
        chain.task = query.text(1);
        chain.length = static_cast<int>(query.integer(2));
        chain.input = query.text(3);
        chain.stepsJson = query.text(4);
        chain.answer = query.text(5);
        chain.verified = query.integer(6) != 0;
        chain.firstWrongStep = static_cast<int>(query.integer(7));
        chain.answerCorrect = query.integer(8) != 0;
        chain.tokenAccuracy = query.real(9);
        chain.labelFreeKept = static_cast<int>(query.integer(10));
        result.push_back(chain);
    }
    return result;
}

std::vector<CheckpointRecord> RunStore::checkpoints(std::int64_t run) {
    auto query = m_database.prepare("SELECT step, path, checksum, created_at FROM checkpoints "
                                    "WHERE run = ? ORDER BY step");
    query.bind(1, run);
    // A relative path is relative to the store's folder, so a store moves together with its
    // checkpoints (the demo store shipped with the project keeps them that way).
    const auto folder = std::filesystem::path(path()).parent_path();
    std::vector<CheckpointRecord> result;
    while (query.step()) {
        std::filesystem::path file = query.text(1);
        if (file.is_relative())
            file = folder / file;
        result.push_back({query.integer(0), file.string(), query.text(2), query.real(3)});
    }
    return result;
}

} // namespace relay
