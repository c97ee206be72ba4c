#include "store/sqlite_database.h"

#include <sqlite3.h>

#include <chrono>
#include <thread>

namespace relay {
namespace {

// Long enough to ride out an engine's batched insert; short enough that a wedged peer
// surfaces as an error the user can read.
constexpr int kBusyTimeoutMilliseconds = 15000;
constexpr int kBusyRetries = 40;

bool isBusy(int code) {
    int primary = code & 0xff;
    return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

[[noreturn]] void fail(sqlite3* database, const std::string& path, const std::string& what) {
    throw StoreError("run store " + path + ": " + what + ": " +
                     (database ? sqlite3_errmsg(database) : "out of memory"));
}

} // namespace

Statement::Statement(sqlite3* database, const std::string& sql, const std::string& path)
    : m_database(database), m_path(path) {
    for (int attempt = 0;; ++attempt) {
        int code = sqlite3_prepare_v2(database, sql.c_str(), -1, &m_statement, nullptr);
        if (code == SQLITE_OK)
            return;
        if (!isBusy(code) || attempt >= kBusyRetries)
            fail(database, path, "cannot prepare '" + sql.substr(0, 60) + "'");
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
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
    for (int attempt = 0;; ++attempt) {
        int code = sqlite3_step(m_statement);
        if (code == SQLITE_ROW)
            return true;
        if (code == SQLITE_DONE)
            return false;
        if (!isBusy(code) || attempt >= kBusyRetries)
            fail(m_database, m_path, "query failed");
        sqlite3_reset(m_statement);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
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
    for (int attempt = 0;; ++attempt) {
        char* error = nullptr;
        int code = sqlite3_exec(m_database, sql.c_str(), nullptr, nullptr, &error);
        std::string message = error ? error : "";
        sqlite3_free(error);
        if (code == SQLITE_OK)
            return;
        if (!isBusy(code) || attempt >= kBusyRetries)
            throw StoreError("run store " + m_path + ": '" + sql.substr(0, 60) +
                             "' failed: " + message);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

std::int64_t SqliteDatabase::lastInsertId() const {
    return sqlite3_last_insert_rowid(m_database);
}

void SqliteDatabase::transaction(const std::function<void()>& body) {
    for (int attempt = 0;; ++attempt) {
        execute("BEGIN IMMEDIATE");
        try {
            body();
            execute("COMMIT");
            return;
        } catch (const StoreError& error) {
            sqlite3_exec(m_database, "ROLLBACK", nullptr, nullptr, nullptr);
            int code = sqlite3_extended_errcode(m_database);
            if (!isBusy(code) || attempt >= kBusyRetries)
                throw;
        } catch (...) {
            sqlite3_exec(m_database, "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
    }
}

} // namespace relay
