#include "store/run_store.h"

#include "store/schema.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <stdexcept>
#include <utility>

#include <unistd.h>

namespace relay {
namespace {

std::string hostName() {
    char buffer[256] = {};
    if (gethostname(buffer, sizeof buffer - 1) != 0)
        return {};
    return buffer;
}

bool processAlive(std::int64_t processId) {
    if (processId <= 0)
        return false;
    // EPERM means it exists but belongs to someone else: still alive.
    return kill(static_cast<pid_t>(processId), 0) == 0 || errno == EPERM;
}

// Why a run cannot be taken over now ("" when it can): it is running in a live process other
// than this one (or on another host, where liveness cannot be checked).
std::string busyReason(const RunRecord& run) {
    if (run.status != "running" || run.processId == getpid())
        return {};
    if (run.host == hostName() && !processAlive(run.processId))
        return {};
    return "run " + std::to_string(run.id) + " is running (process " +
           std::to_string(run.processId) + (run.host.empty() ? "" : " on " + run.host) + ")";
}

RunRecord readRun(const Statement& row) {
    RunRecord run;
    run.id = row.integer(0);
    run.name = row.text(1);
    run.kind = row.text(2);
    run.task = row.text(3);
    if (!row.isNull(4))
        run.parentRun = row.integer(4);
    if (!row.isNull(5))
        run.generatorRun = row.integer(5);
    run.status = row.text(6);
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

void RunStore::migrate() {
    int version = schemaVersion();
    if (version > currentSchemaVersion())
        throw StoreError("run store " + path() + ": schema version " + std::to_string(version) +
                         " is newer than this relay understands (" +
                         std::to_string(currentSchemaVersion()) + "); upgrade relay");
    if (version == 0) {
        auto tables = m_database.prepare("SELECT count(*) FROM sqlite_master");
        tables.step();
        if (tables.integer(0) > 0)
            throw StoreError("run store " + path() +
                             ": this SQLite file is not a RELAY run store (it has other "
                             "tables); the file was left untouched");
    }
    if (version == currentSchemaVersion()) {
        m_database.execute("PRAGMA journal_mode = WAL");
        return;
    }
    // WAL must be switched on outside a transaction; it persists in the file.
    m_database.execute("PRAGMA journal_mode = WAL");
    m_database.transaction([&] {
        // Re-read under the write lock: another process may have migrated meanwhile.
        int current = schemaVersion();
        const auto& migrations = storeMigrations();
        for (int next = current; next < currentSchemaVersion(); ++next)
            m_database.execute(migrations[static_cast<std::size_t>(next)]);
        m_database.execute("PRAGMA user_version = " + std::to_string(currentSchemaVersion()));
    });
}

std::int64_t RunStore::createRun(const RunRecord& input) {
    RunRecord run = input;
    if (run.processId == 0)
        run.processId = getpid();
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
        insert.bind(1, run.name).bind(2, run.kind).bind(3, run.task).bind(4, run.parentRun);
        insert.bind(5, run.generatorRun).bind(6, run.status).bind(7, run.createdAt);
        insert.bind(8, run.configJson).bind(9, run.device).bind(10, run.version);
        insert.bind(11, run.tags).bind(12, run.notes).bind(13, run.processId).bind(14, run.host);
        insert.run();
        id = m_database.lastInsertId();
    });
    return id;
}

RunRecord RunStore::run(std::int64_t id) {
    auto query =
        m_database.prepare(std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = ?");
    query.bind(1, id);
    if (!query.step())
        throw StoreError("run store " + path() + ": no run with id " + std::to_string(id));
    return readRun(query);
}

std::vector<RunRecord> RunStore::runs() {
    auto query = m_database.prepare(std::string("SELECT ") + kRunColumns +
                                    " FROM runs ORDER BY created_at DESC, id DESC");
    std::vector<RunRecord> result;
    while (query.step())
        result.push_back(readRun(query));
    return result;
}

void RunStore::requireRun(std::int64_t id) {
    run(id);
}

void RunStore::setStatus(std::int64_t id, const std::string& status) {
    requireRun(id);
    bool finished = status != "running";
    m_database.transaction([&] {
        auto update =
            m_database.prepare("UPDATE runs SET status = ?, finished_at = ?, process_id = "
                               "CASE WHEN ? = 'running' THEN ? ELSE process_id END WHERE id = ?");
        update.bind(1, status);
        if (finished)
            update.bind(2, secondsSinceEpoch());
        else
            update.bindNull(2);
        update.bind(3, status).bind(4, static_cast<std::int64_t>(getpid())).bind(5, id);
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

std::vector<CheckpointRecord> RunStore::deleteRun(std::int64_t id) {
    std::vector<CheckpointRecord> checkpoints;
    m_database.transaction([&] {
        const RunRecord record = run(id);
        if (auto reason = busyReason(record); !reason.empty())
            throw StoreError("run store " + path() + ": " + reason +
                             "; stop it before deleting it");
        checkpoints = this->checkpoints(id);
        m_database.prepare("DELETE FROM runs WHERE id = ?").bind(1, id).run();
    });
    return checkpoints;
}

RunRecord RunStore::claimRunForResume(std::int64_t id) {
    RunRecord record;
    m_database.transaction([&] {
        record = run(id);
        if (record.status == "finished")
            throw std::invalid_argument("run " + std::to_string(id) +
                                        " has already finished; nothing to resume");
        if (auto reason = busyReason(record); !reason.empty())
            throw std::invalid_argument(reason + "; it cannot be resumed twice");
        m_database
            .prepare("UPDATE runs SET status = 'running', finished_at = NULL, process_id = ?, "
                     "host = ? WHERE id = ?")
            .bind(1, static_cast<std::int64_t>(getpid()))
            .bind(2, hostName())
            .bind(3, id)
            .run();
    });
    return run(id);
}

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

int RunStore::markInterruptedRuns() {
    std::string host = hostName();
    std::vector<std::pair<std::int64_t, std::int64_t>> dead; // run, its dead process
    {
        auto query = m_database.prepare(
            "SELECT id, process_id FROM runs WHERE status = 'running' AND host = ?");
        query.bind(1, host);
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
        auto update = m_database.prepare("UPDATE runs SET status = 'interrupted', finished_at = ? "
                                         "WHERE id = ? AND status = 'running' AND process_id = ?");
        for (const auto& [id, process] : dead)
            update.bind(1, secondsSinceEpoch()).bind(2, id).bind(3, process).run();
    });
    return static_cast<int>(dead.size());
}

} // namespace relay
