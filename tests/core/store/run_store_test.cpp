#include "store/run_store.h"
#include "store/schema.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

using namespace relay;
namespace fs = std::filesystem;

namespace {

class RunStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_folder = fs::temp_directory_path() /
                   ("relay-store-" + std::to_string(getpid()) + "-" +
                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(m_folder);
        fs::create_directories(m_folder);
    }
    void TearDown() override { fs::remove_all(m_folder); }
    std::string file(const std::string& name) const { return (m_folder / name).string(); }

    fs::path m_folder;
};

RunRecord sampleRun(const std::string& name) {
    RunRecord run;
    run.name = name;
    run.kind = RunKind::Looped;
    run.task = "ari";
    run.configJson = R"({"seed":1})";
    return run;
}

std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

TEST_F(RunStoreTest, NewStoreHasCurrentSchemaAndWal) {
    RunStore store(file("runs.db"));
    EXPECT_EQ(store.schemaVersion(), currentSchemaVersion());
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(file("runs.db").c_str(), &raw), SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &statement, nullptr);
    ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)), "wal");
    sqlite3_finalize(statement);
    sqlite3_close(raw);
}

TEST_F(RunStoreTest, RunsRoundTripAndEditing) {
    RunStore store(file("runs.db"));
    auto parent = store.createRun(sampleRun("stage one"));
    RunRecord child = sampleRun("fine tune");
    child.kind = RunKind::ArRelay;
    child.parentRun = parent;
    child.generatorRun = parent;
    auto childId = store.createRun(child);

    auto runs = store.runs();
    ASSERT_EQ(runs.size(), 2u);
    EXPECT_EQ(runs[0].id, childId); // newest first
    EXPECT_EQ(runs[0].parentRun, parent);
    EXPECT_EQ(runs[0].generatorRun, parent);
    EXPECT_EQ(runs[1].configJson, R"({"seed":1})");
    EXPECT_EQ(runs[1].status, RunStatus::Running);
    EXPECT_EQ(runs[1].processId, getpid());

    store.rename(parent, "renamed");
    store.setTags(parent, "baseline,paper");
    store.setNotes(parent, "lr too high?");
    const double beforeFinish = secondsSinceEpoch();
    store.setStatus(parent, RunStatus::Finished);
    const double afterFinish = secondsSinceEpoch();
    auto edited = store.run(parent);
    EXPECT_EQ(edited.name, "renamed");
    EXPECT_EQ(edited.tags, "baseline,paper");
    EXPECT_EQ(edited.notes, "lr too high?");
    EXPECT_EQ(edited.status, RunStatus::Finished);
    // Stamped when the run finished (not left 0 or copied from its start).
    EXPECT_GE(edited.finishedAt, beforeFinish - 1e-3);
    EXPECT_LE(edited.finishedAt, afterFinish + 1e-3);
    EXPECT_THROW(store.run(999), StoreError);
    EXPECT_THROW(store.rename(999, "x"), StoreError);
}

TEST_F(RunStoreTest, MeasurementsRoundTripAndDeleteCascades) {
    RunStore store(file("runs.db"));
    auto run = store.createRun(sampleRun("a"));
    std::vector<MetricPoint> points;
    for (int step = 0; step < 1000; ++step) {
        points.push_back({step, step * 0.1, "loss", 1.0 / (step + 1)});
        points.push_back({step, step * 0.1, "lr", 1e-3});
    }
    store.addMetrics(run, points);
    auto loss = store.metrics(run, "loss");
    ASSERT_EQ(loss.size(), 1000u);
    EXPECT_DOUBLE_EQ(loss[9].value, 0.1);
    EXPECT_EQ(store.metrics(run).size(), 2000u);
    EXPECT_EQ(store.metricNames(run), (std::vector<std::string>{"loss", "lr"}));

    EvalRecord eval;
    eval.step = 100;
    eval.task = "ari";
    eval.length = 5;
    eval.samples = 200;
    eval.answerAccuracy = 0.75;
    eval.chainAccuracy = 0.5;
    eval.tokenAccuracy = 0.9;
    store.addEvaluation(run, {eval}, {}, {});
    ASSERT_EQ(store.evals(run).size(), 1u);
    EXPECT_DOUBLE_EQ(store.evals(run)[0].chainAccuracy, 0.5);

    HitMatrixRecord older{50, "ari", 5, {{1, 0, 0.1, 10}}};
    HitMatrixRecord newer{100, "ari", 5, {{1, 0, 1.0, 10}, {1, 1, 0.5, 10}, {2, 0, 0.25, 10}}};
    store.addEvaluation(run, {}, {}, {older, newer});
    auto matrix = store.hitMatrix(run, 5);
    EXPECT_EQ(matrix.step, 100);
    ASSERT_EQ(matrix.cells.size(), 3u);
    EXPECT_EQ(matrix.cells[2].cotStep, 2);
    EXPECT_TRUE(store.hitMatrix(run, 6).cells.empty());

    ProbeRecord probe;
    probe.trainingStep = 100;
    probe.problem = "1 + 2 =";
    probe.iteration = 1;
    probe.predicted = "<pad> 3";
    probe.target = "<pad> 3";
    probe.confidenceJson = "[0.9,0.99]";
    store.addEvaluation(run, {}, {}, {}, {probe});
    probe.trainingStep = 200;
    store.addEvaluation(run, {}, {}, {}, {probe});
    EXPECT_EQ(store.probeSteps(run), (std::vector<std::int64_t>{100, 200}));
    EXPECT_EQ(store.probes(run, 200).size(), 1u);
    EXPECT_EQ(store.probes(run).size(), 2u);

    ChainRecord chain;
    chain.task = "ari";
    chain.length = 6;
    chain.input = "1 + 2 =";
    chain.stepsJson = R"(["3"])";
    chain.answer = "3";
    chain.verified = false;
    chain.firstWrongStep = 1;
    chain.tokenAccuracy = 0.75;
    chain.labelFreeKept = 1;
    store.addChains(run, {chain});
    ASSERT_EQ(store.chains(run).size(), 1u);
    EXPECT_FALSE(store.chains(run)[0].verified);
    EXPECT_EQ(store.chains(run)[0].firstWrongStep, 1);
    EXPECT_DOUBLE_EQ(store.chains(run)[0].tokenAccuracy, 0.75);
    EXPECT_EQ(store.chains(run)[0].labelFreeKept, 1);
    ChainRecord second = chain;
    second.input = "2 * 3 =";
    second.verified = true;
    store.replaceChains(run, {second, second});
    ASSERT_EQ(store.chains(run).size(), 2u);
    EXPECT_EQ(store.chains(run)[0].input, "2 * 3 =");
    EXPECT_TRUE(store.chains(run)[1].verified);
    store.replaceChains(run, {chain});
    ASSERT_EQ(store.chains(run).size(), 1u);

    const double beforeCheckpoint = secondsSinceEpoch();
    store.addCheckpoint(run, {100, "/tmp/x.ckpt", "abcd", 0});
    ASSERT_EQ(store.checkpoints(run).size(), 1u);
    // A record without a time is stamped when it is stored.
    EXPECT_GE(store.checkpoints(run)[0].createdAt, beforeCheckpoint - 1e-3);
    EXPECT_LE(store.checkpoints(run)[0].createdAt, secondsSinceEpoch() + 1e-3);

    store.deleteRun(run, /*withCheckpoints=*/false);
    EXPECT_TRUE(store.metrics(run).empty());
    EXPECT_TRUE(store.chains(run).empty());
    EXPECT_TRUE(store.checkpoints(run).empty());
}

// An evaluation writes four tables; a failure in any of them (here a trigger, set by another
// connection, that refuses one table's rows) must leave none of the evaluation's rows, where
// one transaction per table left the tables written before the failure.
TEST_F(RunStoreTest, AnEvaluationLandsWholeOrNotAtAll) {
    const std::string path = file("runs.db");
    RunStore store(path);
    const auto run = store.createRun(sampleRun("evaluated"));
    const std::vector<EvalRecord> evals = {EvalRecord{7, "ari", 3, 10, 0.5, 0.25, 0.75, "oracle"}};
    const std::vector<StepAccuracyRecord> stepAccuracies = {{7, "ari", 3, 1, 0.5}};
    const std::vector<HitMatrixRecord> matrices = {{7, "ari", 3, {{1, 0, 0.5, 10}}}};
    ProbeRecord probe;
    probe.trainingStep = 7;
    const auto countOf = [&](const std::string& table) {
        sqlite3* database = nullptr;
        EXPECT_EQ(sqlite3_open(path.c_str(), &database), SQLITE_OK);
        sqlite3_stmt* statement = nullptr;
        sqlite3_prepare_v2(database, ("SELECT count(*) FROM " + table).c_str(), -1, &statement,
                           nullptr);
        sqlite3_step(statement);
        const int count = sqlite3_column_int(statement, 0);
        sqlite3_finalize(statement);
        sqlite3_close(database);
        return count;
    };
    const auto execute = [&](const std::string& sql) {
        sqlite3* database = nullptr;
        ASSERT_EQ(sqlite3_open(path.c_str(), &database), SQLITE_OK);
        ASSERT_EQ(sqlite3_exec(database, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
            << sqlite3_errmsg(database);
        sqlite3_close(database);
    };
    const std::vector<std::string> tables = {"evals", "step_accuracy", "hit_matrix", "probes"};
    // Each table but the first in turn refuses its rows: every table written before it must
    // be rolled back.
    for (std::size_t failing = 1; failing < tables.size(); ++failing) {
        SCOPED_TRACE(tables[failing]);
        execute("CREATE TRIGGER refuse BEFORE INSERT ON " + tables[failing] +
                " BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
        EXPECT_THROW(store.addEvaluation(run, evals, stepAccuracies, matrices, {probe}),
                     StoreError);
        for (const auto& table : tables)
            EXPECT_EQ(countOf(table), 0) << table;
        execute("DROP TRIGGER refuse");
    }
    store.addEvaluation(run, evals, stepAccuracies, matrices, {probe});
    for (const auto& table : tables)
        EXPECT_EQ(countOf(table), 1) << table;
}

TEST_F(RunStoreTest, DataSurvivesReopen) {
    std::int64_t id = 0;
    {
        RunStore store(file("runs.db"));
        id = store.createRun(sampleRun("kept"));
        store.setStatus(id, RunStatus::Finished);
    }
    RunStore again(file("runs.db"));
    EXPECT_EQ(again.run(id).name, "kept");
    EXPECT_EQ(again.schemaVersion(), currentSchemaVersion());
}

TEST_F(RunStoreTest, NonSqliteFileIsReportedAndLeftUntouched) {
    std::string path = file("notes.txt");
    std::ofstream(path) << "these are my notes, not a database\n";
    std::string before = readAll(path);
    try {
        RunStore store(path);
        FAIL() << "opened a text file as a store";
    } catch (const StoreError& error) {
        EXPECT_NE(std::string(error.what()).find(path), std::string::npos) << error.what();
        EXPECT_NE(std::string(error.what()).find("not a usable SQLite"), std::string::npos);
    }
    EXPECT_EQ(readAll(path), before);
}

TEST_F(RunStoreTest, CorruptStoreIsReportedAndLeftUntouched) {
    std::string path = file("runs.db");
    {
        RunStore store(path);
        store.createRun(sampleRun("x"));
    }
    // Checkpoint the WAL into the main file so the damage below hits the real pages.
    sqlite3* raw = nullptr;
    sqlite3_open(path.c_str(), &raw);
    sqlite3_exec(raw, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
    sqlite3_close(raw);
    std::string bytes = readAll(path);
    ASSERT_GT(bytes.size(), 100u);
    for (std::size_t offset = 0; offset < 16; ++offset)
        bytes[offset] = 'X'; // destroy the SQLite header
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    EXPECT_THROW(RunStore store(path), StoreError);
    EXPECT_EQ(readAll(path), bytes);
}

TEST_F(RunStoreTest, ForeignSqliteDatabaseIsRefused) {
    std::string path = file("other.db");
    sqlite3* raw = nullptr;
    sqlite3_open(path.c_str(), &raw);
    sqlite3_exec(raw, "CREATE TABLE recipes (name TEXT)", nullptr, nullptr, nullptr);
    sqlite3_close(raw);
    const std::string before = readAll(path);
    try {
        RunStore store(path);
        FAIL();
    } catch (const StoreError& error) {
        EXPECT_NE(std::string(error.what()).find("not a RELAY run store"), std::string::npos);
    }
    // Refused before anything was written: not even switched to WAL (a header change).
    EXPECT_EQ(readAll(path), before);
}

// Found by fuzzing the store opener with real stores: a run kind or status this version does
// not know escaped as std::invalid_argument, which the store's readers (the fuzz target, the
// GUI's store access) do not expect from a damaged store.
TEST_F(RunStoreTest, AnUnknownRunKindOrStatusIsAStoreErrorNamingTheRun) {
    std::string path = file("runs.db");
    std::int64_t id = 0;
    {
        RunStore store(path);
        id = store.createRun(sampleRun("a"));
    }
    for (const std::string column : {"kind", "status"}) {
        sqlite3* raw = nullptr;
        sqlite3_open(path.c_str(), &raw);
        const std::string sql = "UPDATE runs SET " + column + " = 'sideways'";
        ASSERT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(raw);
        RunStore store(path);
        for (int reader = 0; reader < 2; ++reader) {
            try {
                reader == 0 ? store.runs() : std::vector<RunRecord>{store.run(id)};
                ADD_FAILURE() << column << ": read";
            } catch (const StoreError& error) {
                const std::string message = error.what();
                EXPECT_NE(message.find("run store " + path + ": run " + std::to_string(id) + ": "),
                          std::string::npos)
                    << message;
                EXPECT_NE(message.find("'sideways'"), std::string::npos) << message;
            }
        }
        sqlite3_open(path.c_str(), &raw);
        const std::string repair = "UPDATE runs SET kind = 'looped', status = 'finished'";
        ASSERT_EQ(sqlite3_exec(raw, repair.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(raw);
    }
}

TEST_F(RunStoreTest, NewerSchemaIsRefused) {
    std::string path = file("runs.db");
    { RunStore store(path); }
    sqlite3* raw = nullptr;
    sqlite3_open(path.c_str(), &raw);
    sqlite3_exec(raw, "PRAGMA user_version = 999", nullptr, nullptr, nullptr);
    sqlite3_close(raw);
    EXPECT_THROW(RunStore store(path), StoreError);
}

// Found by fuzzing the store opener: a negative user_version indexed the migrations before
// their start (SIGSEGV). Such a file is refused by name and left as it was.
TEST_F(RunStoreTest, NegativeSchemaVersionIsRefusedAndLeftUntouched) {
    std::string path = file("runs.db");
    { RunStore store(path); }
    sqlite3* raw = nullptr;
    sqlite3_open(path.c_str(), &raw);
    ASSERT_EQ(sqlite3_exec(raw, "PRAGMA journal_mode = DELETE; PRAGMA user_version = -3", nullptr,
                           nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(raw);
    const std::string before = readAll(path);
    try {
        RunStore store(path);
        FAIL() << "a store of schema version -3 opened";
    } catch (const StoreError& error) {
        EXPECT_NE(std::string(error.what()).find("schema version -3 is not one relay writes"),
                  std::string::npos)
            << error.what();
    }
    EXPECT_EQ(readAll(path), before);
}

TEST_F(RunStoreTest, VersionTwoStoreGainsChainTokenAccuracyAndLabelFreeVerdict) {
    // A store as version 2 left it: chains without token_accuracy. Opening it migrates it in
    // place, and the old chain reads as "not measured".
    std::string path = file("runs.db");
    std::int64_t run = 0;
    {
        RunStore store(path);
        run = store.createRun(sampleRun("old"));
        ChainRecord chain;
        chain.task = "ed";
        chain.length = 5;
        chain.input = "a b | a c <sep>";
        chain.answer = "3";
        store.addChains(run, {chain});
    }
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw,
                           "ALTER TABLE chains DROP COLUMN token_accuracy; "
                           "ALTER TABLE chains DROP COLUMN label_free_kept; "
                           "PRAGMA user_version = 2",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(raw);

    RunStore store(path);
    auto chains = store.chains(run);
    ASSERT_EQ(chains.size(), 1u);
    EXPECT_EQ(chains[0].input, "a b | a c <sep>");
    EXPECT_DOUBLE_EQ(chains[0].tokenAccuracy, -1);
    EXPECT_EQ(chains[0].labelFreeKept, -1); // version 5: not checked
}

TEST_F(RunStoreTest, RunsOfDeadProcessesAreMarkedInterrupted) {
    std::string path = file("runs.db");
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    waitpid(child, nullptr, 0); // child is gone: its pid names no live process
    std::int64_t dead = 0, alive = 0;
    {
        RunStore store(path);
        RunRecord orphan = sampleRun("orphan");
        orphan.processId = child;
        dead = store.createRun(orphan);
        alive = store.createRun(sampleRun("mine")); // this process: alive
    }
    RunStore reopened(path);
    EXPECT_EQ(reopened.run(dead).status, RunStatus::Interrupted);
    EXPECT_EQ(reopened.run(alive).status, RunStatus::Running);
}

// Two engine processes write while a third reads: nobody sees "database is locked".
TEST_F(RunStoreTest, TwoWritersAndAReaderNeverSeeLockErrors) {
    std::string path = file("runs.db");
    std::int64_t runA = 0, runB = 0;
    {
        RunStore store(path);
        runA = store.createRun(sampleRun("a"));
        runB = store.createRun(sampleRun("b"));
    }
    constexpr int kBatches = 60;
    auto writer = [&](std::int64_t run) {
        try {
            RunStore store(path);
            for (int batch = 0; batch < kBatches; ++batch) {
                std::vector<MetricPoint> points;
                for (int index = 0; index < 50; ++index)
                    points.push_back({batch * 50 + index, 0.0, "loss", 1.0});
                store.addMetrics(run, points);
                store.addEvaluation(run, {EvalRecord{batch, "ari", 3, 10, 1, 1, 1, "oracle"}}, {},
                                    {});
            }
            _exit(0);
        } catch (const std::exception& error) {
            fprintf(stderr, "writer failed: %s\n", error.what());
            _exit(1);
        }
    };
    pid_t first = fork();
    if (first == 0)
        writer(runA);
    pid_t second = fork();
    if (second == 0)
        writer(runB);
    pid_t reader = fork();
    if (reader == 0) {
        try {
            RunStore store(path);
            for (int round = 0; round < 200; ++round) {
                store.runs();
                store.metrics(runA, "loss");
                store.evals(runB);
            }
            _exit(0);
        } catch (const std::exception& error) {
            fprintf(stderr, "reader failed: %s\n", error.what());
            _exit(1);
        }
    }
    for (pid_t process : {first, second, reader}) {
        int status = 0;
        waitpid(process, &status, 0);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "process " << process;
    }
    RunStore store(path);
    EXPECT_EQ(store.metrics(runA, "loss").size(), static_cast<std::size_t>(kBatches * 50));
    EXPECT_EQ(store.metrics(runB, "loss").size(), static_cast<std::size_t>(kBatches * 50));
    EXPECT_EQ(store.evals(runA).size(), static_cast<std::size_t>(kBatches));
}

TEST_F(RunStoreTest, DeleteMeasurementsAfterKeepsEarlierSteps) {
    RunStore store(file("runs.db"));
    auto run = store.createRun(sampleRun("resumed"));
    std::vector<MetricPoint> points;
    for (int step = 1; step <= 10; ++step)
        points.push_back({step, 0.0, "loss", 1.0});
    store.addMetrics(run, points);
    store.addEvaluation(run,
                        {EvalRecord{5, "ari", 3, 1, 1, 1, 1, "oracle"},
                         EvalRecord{10, "ari", 3, 1, 1, 1, 1, "oracle"}},
                        {}, {});
    store.addCheckpoint(run, {5, "a", "x", 0});
    store.addCheckpoint(run, {10, "b", "y", 0});
    store.deleteMeasurementsAfter(run, 5);
    EXPECT_EQ(store.metrics(run, "loss").size(), 5u);
    ASSERT_EQ(store.evals(run).size(), 1u);
    EXPECT_EQ(store.evals(run)[0].step, 5);
    ASSERT_EQ(store.checkpoints(run).size(), 1u);
}
