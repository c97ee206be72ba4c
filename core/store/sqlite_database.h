// A thin RAII layer over SQLite for the run store: one connection, prepared statements, and
// transactions that wait out other processes' short write locks (the engine writes while the
// GUI reads, and several engines may share one store). A lock held longer than a few seconds
// (a writer paused or wedged) is an error naming the store, not an endless wait.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace relay {

// Any failure of the store: names the database file and what went wrong.
class StoreError : public std::runtime_error {
public:
    explicit StoreError(const std::string& message, int sqliteCode = 0)
        : std::runtime_error(message), m_code(sqliteCode) {}
    // SQLite's extended result code when SQLite failed (0 otherwise), read before anything
    // (a ROLLBACK) could reset it.
    int sqliteCode() const { return m_code; }

private:
    int m_code;
};

class Statement {
public:
    Statement(sqlite3* database, const std::string& sql, const std::string& path);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Binders take 1-based parameter indices, as SQLite does; they return *this to chain.
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, double value);
    Statement& bind(int index, const std::string& value);
    Statement& bind(int index, std::optional<std::int64_t> value);
    Statement& bindNull(int index);

    bool step(); // true while a row is available; throws StoreError on failure
    void run();  // step to completion, then reset for reuse
    void reset();

    std::int64_t integer(int column) const;
    double real(int column) const;
    std::string text(int column) const;
    bool isNull(int column) const;

private:
    sqlite3* m_database;
    sqlite3_stmt* m_statement = nullptr;
    std::string m_path;
};

class SqliteDatabase {
public:
    // Opens (creating when absent) and checks that the file is an SQLite database; a file
    // that is not is reported and left untouched.
    explicit SqliteDatabase(const std::string& path);
    ~SqliteDatabase();
    SqliteDatabase(const SqliteDatabase&) = delete;
    SqliteDatabase& operator=(const SqliteDatabase&) = delete;

    void execute(const std::string& sql);
    Statement prepare(const std::string& sql) { return Statement(m_database, sql, m_path); }
    std::int64_t lastInsertId() const;
    const std::string& path() const { return m_path; }

    // Runs body inside BEGIN IMMEDIATE ... COMMIT; retries the whole body a few times when
    // another process holds the write lock too long; rolls back and rethrows on any error.
    void transaction(const std::function<void()>& body);

    // Puts the file in write-ahead-log mode (it persists in the file); outside a transaction.
    void useWriteAheadLog();

private:
    sqlite3* m_database = nullptr;
    std::string m_path;
};

} // namespace relay
