#include "store/sqlite_database.h"

#include <sqlite3.h>

#include <chrono>
#include <string>
#include <thread>

namespace relay {
namespace {

// SQLite's busy handler waits this long for another connection's write lock: far longer than
// an engine's batched insert takes, short enough that a wedged or paused peer surfaces as an
// error the user can read. A transaction tries kTransactionAttempts times, so a command waits at
// most kBusyTimeoutMilliseconds * kTransactionAttempts for a lock.
constexpr int kBusyTimeoutMilliseconds = 5000;
constexpr int kTransactionAttempts = 3;

bool isBusy(int code) {
    int primary = code & 0xff;
    return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

[[noreturn]] void fail(sqlite3* database, const std::string& path, const std::string& what) {
    const int code = database ? sqlite3_extended_errcode(database) : SQLITE_NOMEM;
    if (isBusy(code))
        throw StoreError("run store " + path +
                             " is locked: another process has held its write lock for seconds "
                             "(a paused or stuck relay?); try again when that process ends",
                         code);
    throw StoreError("run store " + path + ": " + what + ": " +
                         (database ? sqlite3_errmsg(database) : "out of memory"),
                     code);
}

} // namespace

Statement::Statement(sqlite3* database, const std::string& sql, const std::string& path)
    : m_database(database), m_path(path) {
    if (sqlite3_prepare_v2(database, sql.c_str(), -1, &m_statement, nullptr) != SQLITE_OK)
        fail(database, path, "cannot prepare '" + sql.substr(0, 60) + "'");
}

Statement::~Statement() {
    sqlite3_finalize(m_statement);
}

Statement& Statement::bind(int index, std::int64_t value) {
    sqlite3_bind_int64(m_statement, index, value);
    return *this;
}

Statement& Statement::bind(int index, double value) {
    sqlite3_bind_double(m_statement, index, value);
    return *this;
}

Statement& Statement::bind(int index, const std::string& value) {
    sqlite3_bind_text(m_statement, index, value.c_str(), static_cast<int>(value.size()),
                      SQLITE_TRANSIENT);
    return *this;
}

Statement& Statement::bind(int index, std::optional<std::int64_t> value) {
    return value ? bind(index, *value) : bindNull(index);
}

Statement& Statement::bindNull(int index) {
    sqlite3_bind_null(m_statement, index);
    return *this;
}

bool Statement::step() {
    // The busy handler has already waited out other connections' locks.
    int code = sqlite3_step(m_statement);
    if (code == SQLITE_ROW)
        return true;
    if (code == SQLITE_DONE)
        return false;
    fail(m_database, m_path, "query failed");
}

void Statement::run() {
    while (step()) {
    }
    reset();
}

void Statement::reset() {
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
}

std::int64_t Statement::integer(int column) const {
    return sqlite3_column_int64(m_statement, column);
}

double Statement::real(int column) const {
    return sqlite3_column_double(m_statement, column);
}

std::string Statement::text(int column) const {
    const unsigned char* value = sqlite3_column_text(m_statement, column);
    return value ? reinterpret_cast<const char*>(value) : std::string();
}

bool Statement::isNull(int column) const {
    return sqlite3_column_type(m_statement, column) == SQLITE_NULL;
}

SqliteDatabase::SqliteDatabase(const std::string& path) : m_path(path) {
    int code = sqlite3_open_v2(path.c_str(), &m_database,
                               SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (code != SQLITE_OK) {
        std::string message = m_database ? sqlite3_errmsg(m_database) : "out of memory";
        sqlite3_close(m_database);
        throw StoreError("run store " + path + ": cannot open: " + message);
    }
    sqlite3_busy_timeout(m_database, kBusyTimeoutMilliseconds);
    // Reading the schema is the first thing that touches the file's contents: a file that is
    // not SQLite fails here, before anything could write to it.
    char* error = nullptr;
    code = sqlite3_exec(m_database, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, &error);
    if (code != SQLITE_OK) {
        std::string message = error ? error : sqlite3_errstr(code);
        sqlite3_free(error);
        sqlite3_close(m_database);
        m_database = nullptr;
        throw StoreError("run store " + path + ": not a usable SQLite database (" + message +
                         "); the file was left untouched");
    }
}

SqliteDatabase::~SqliteDatabase() {
    sqlite3_close(m_database);
}

void SqliteDatabase::execute(const std::string& sql) {
    char* error = nullptr;
    int code = sqlite3_exec(m_database, sql.c_str(), nullptr, nullptr, &error);
    sqlite3_free(error);
    if (code != SQLITE_OK)
        fail(m_database, m_path, "'" + sql.substr(0, 60) + "' failed");
}

std::int64_t SqliteDatabase::lastInsertId() const {
    return sqlite3_last_insert_rowid(m_database);
}

void SqliteDatabase::transaction(const std::function<void()>& body) {
    for (int attempt = 1;; ++attempt) {
        try {
            execute("BEGIN IMMEDIATE");
        } catch (const StoreError& error) {
            if (!isBusy(error.sqliteCode()) || attempt >= kTransactionAttempts)
                throw;
            continue;
        }
        try {
            body();
            execute("COMMIT");
            return;
        } catch (const StoreError& error) {
            // The error carries its code: ROLLBACK resets the connection's.
            sqlite3_exec(m_database, "ROLLBACK", nullptr, nullptr, nullptr);
            if (!isBusy(error.sqliteCode()) || attempt >= kTransactionAttempts)
                throw;
        } catch (...) {
            sqlite3_exec(m_database, "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
    }
}

void SqliteDatabase::useWriteAheadLog() {
    // The switch takes the file's exclusive lock from a read lock. When two processes switch one
    // new file at once, each holds the read lock the other's switch waits for, and SQLite refuses
    // one of them at once instead of calling the busy handler on a deadlock (measured: 1-5 of 72
    // processes opening 12 new stores in groups of six). The refused one tries again until the
    // other's switch is done, for as long as the busy handler would have waited.
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::milliseconds(kBusyTimeoutMilliseconds);
    for (;;) {
        try {
            execute("PRAGMA journal_mode = WAL");
            return;
        } catch (const StoreError& error) {
            if (!isBusy(error.sqliteCode()) || Clock::now() >= deadline)
                throw;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

} // namespace relay
