// The store's guards against concurrent processes (issue 17): two resumes of one run, deleting
// a run that is training, duplicate metric rows, a write lock held for ever, and wall time
// across a resume.
#include "store/run_store.h"
#include "store/schema.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sys/wait.h>
#include <unistd.h>

using namespace relay;
namespace fs = std::filesystem;

namespace {

class RunStoreSafety : public ::testing::Test {
protected:
    void SetUp() override {
        m_folder = fs::temp_directory_path() /
                   ("relay-store-safety-" + std::to_string(getpid()) + "-" +
                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(m_folder);
        fs::create_directories(m_folder);
    }
    void TearDown() override {
        for (pid_t child : m_children) {
            kill(child, SIGKILL);
            waitpid(child, nullptr, 0);
        }
        fs::remove_all(m_folder);
    }
    std::string file(const std::string& name) const { return (m_folder / name).string(); }

    // A live process that is not this one (it sleeps until the test ends).
    pid_t otherLiveProcess() {
        pid_t child = fork();
        if (child == 0) {
            pause();
            _exit(0);
        }
        m_children.push_back(child);
        return child;
    }

    // Forks `count` processes that each run `body` (its value is the exit status) once all of
    // them exist, so that they start at the same moment; returns their ids.
    static std::vector<pid_t> startTogether(int count, const std::function<int()>& body) {
        int pipes[2];
        if (pipe(pipes) != 0)
            return {};
        std::vector<pid_t> children;
        for (int index = 0; index < count; ++index) {
            pid_t child = fork();
            if (child == 0) {
                char go = 0;
                close(pipes[1]);
                if (read(pipes[0], &go, 1) != 1)
                    _exit(3);
                _exit(body());
            }
            children.push_back(child);
        }
        close(pipes[0]);
        const std::string go(static_cast<std::size_t>(count), 'g');
        if (write(pipes[1], go.data(), go.size()) != static_cast<ssize_t>(go.size()))
            children.clear();
        close(pipes[1]);
        return children;
    }

    fs::path m_folder;
    std::vector<pid_t> m_children;
};

RunRecord runOf(RunStatus status, std::int64_t processId = 0) {
    RunRecord run;
    run.name = "r";
    run.kind = RunKind::Looped;
    run.task = "ari";
    run.configJson = "{}";
    run.status = status;
    run.processId = processId;
    return run;
}

// Two processes claim one interrupted run at the same moment: exactly one wins.
TEST_F(RunStoreSafety, OfTwoConcurrentResumesExactlyOneProceeds) {
    const std::string path = file("runs.db");
    std::int64_t run = 0;
    {
        RunStore store(path);
        run = store.createRun(runOf(RunStatus::Interrupted));
    }
    const auto claimants = startTogether(2, [&] {
        try {
            RunStore store(path);
            store.claimRunForResume(run);
            pause(); // stay alive, as a training process would
            return 0;
        } catch (const std::invalid_argument&) {
            return 1;
        } catch (...) {
            return 2;
        }
    });
    ASSERT_EQ(claimants.size(), 2u);
    // The loser exits 1 (refused); the winner keeps running with the run claimed.
    int status = 0;
    pid_t ended = wait(&status);
    ASSERT_TRUE(ended == claimants[0] || ended == claimants[1]);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << status;
    const pid_t winner = ended == claimants[0] ? claimants[1] : claimants[0];
    m_children.push_back(winner);
    RunStore store(path);
    const auto record = store.run(run);
    EXPECT_EQ(record.status, RunStatus::Running);
    EXPECT_EQ(record.processId, winner);
    // And a third resume while the winner trains is refused too.
    EXPECT_THROW(store.claimRunForResume(run), std::invalid_argument);
}

TEST_F(RunStoreSafety, ClaimTakesOverAnInterruptedRunAndRefusesAFinishedOne) {
    RunStore store(file("runs.db"));
    const auto interrupted = store.createRun(runOf(RunStatus::Interrupted, 1));
    const auto finished = store.createRun(runOf(RunStatus::Finished));
    const auto record = store.claimRunForResume(interrupted);
    EXPECT_EQ(record.status, RunStatus::Running);
    EXPECT_EQ(record.processId, getpid());
    EXPECT_EQ(record.finishedAt, 0);
    EXPECT_THROW(store.claimRunForResume(finished), std::invalid_argument);
}

TEST_F(RunStoreSafety, DeletingARunAnotherProcessTrainsIsRefused) {
    const std::string path = file("runs.db");
    RunStore store(path);
    const auto trainer = otherLiveProcess();
    const auto run = store.createRun(runOf(RunStatus::Running, trainer));
    store.addCheckpoint(run, {5, file("a.ckpt"), "x", 0});
    std::ofstream(file("a.ckpt")) << "x";
    try {
        store.deleteRun(run, /*withCheckpoints=*/true);
        FAIL() << "deleted a running run";
    } catch (const StoreError& error) {
        EXPECT_NE(std::string(error.what()).find("is running"), std::string::npos) << error.what();
    }
    EXPECT_EQ(store.run(run).status, RunStatus::Running);
    EXPECT_EQ(store.checkpoints(run).size(), 1u);
    EXPECT_TRUE(fs::exists(file("a.ckpt"))) << "a refused delete keeps the files";

    // Once that process is gone the run is no longer running and can be deleted.
    kill(trainer, SIGKILL);
    waitpid(trainer, nullptr, 0);
    m_children.clear();
    const DeletedRun deleted = store.deleteRun(run, /*withCheckpoints=*/false);
    ASSERT_EQ(deleted.checkpoints.size(), 1u);
    EXPECT_EQ(deleted.checkpoints[0].path, file("a.ckpt"));
    EXPECT_EQ(deleted.removedFiles, 0u);
    EXPECT_TRUE(fs::exists(file("a.ckpt"))) << "without checkpoints the files stay";
    EXPECT_THROW(store.run(run), StoreError);
}

TEST_F(RunStoreSafety, DeletingWithCheckpointsRemovesTheFilesAndTheirEmptyFolder) {
    RunStore store(file("runs.db"));
    const auto run = store.createRun(runOf(RunStatus::Cancelled));
    const auto other = store.createRun(runOf(RunStatus::Finished));
    // The layout: checkpoints/run-<id> beside runs.db, <stem>-checkpoints beside another store.
    ASSERT_EQ(fs::path(store.checkpointFolder(run)), m_folder / "checkpoints" / "run-1");
    EXPECT_EQ(fs::path(RunStore(file("ablation.db")).checkpointFolder(7)),
              m_folder / "ablation-checkpoints" / "run-7");
    const fs::path folder = store.checkpointFolder(run);
    const fs::path otherFolder = store.checkpointFolder(other);
    fs::create_directories(folder);
    fs::create_directories(otherFolder);
    for (int step : {1, 2}) {
        const fs::path checkpoint = folder / ("step-" + std::to_string(step) + ".ckpt");
        std::ofstream(checkpoint) << "x";
        store.addCheckpoint(run, {step, checkpoint.string(), "x", 0});
    }
    store.addCheckpoint(run, {3, (folder / "gone.ckpt").string(), "x", 0}); // already gone
    std::ofstream(otherFolder / "step-1.ckpt") << "x";
    store.addCheckpoint(other, {1, (otherFolder / "step-1.ckpt").string(), "x", 0});

    const DeletedRun deleted = store.deleteRun(run, /*withCheckpoints=*/true);
    EXPECT_EQ(deleted.checkpoints.size(), 3u);
    EXPECT_EQ(deleted.removedFiles, 2u);
    EXPECT_FALSE(fs::exists(folder));
    EXPECT_THROW(store.run(run), StoreError);
    // The other run keeps its row and its file.
    EXPECT_TRUE(fs::exists(otherFolder / "step-1.ckpt"));
    EXPECT_EQ(store.checkpoints(other).size(), 1u);
}

// A store of version 3 with duplicated (run, name, step) metric rows (two resumes that both
// trained) opens, keeps the first of each, and refuses new duplicates.
TEST_F(RunStoreSafety, MigrationRemovesDuplicateMetricsAndForbidsNewOnes) {
    const std::string path = file("runs.db");
    std::int64_t run = 0;
    {
        RunStore store(path);
        run = store.createRun(runOf(RunStatus::Finished));
    }
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
    // A version 3 store: the non-unique index, and no column of later versions.
    const std::string sql = "DROP INDEX metrics_by_run; "
                            "ALTER TABLE chains DROP COLUMN label_free_kept; "
                            "CREATE INDEX metrics_by_run ON metrics(run, name, step); "
                            "INSERT INTO metrics VALUES (" +
                            std::to_string(run) +
                            ", 1, 0.5, 'loss', 2.0); "
                            "INSERT INTO metrics VALUES (" +
                            std::to_string(run) +
                            ", 1, 0.7, 'loss', 9.0); "
                            "INSERT INTO metrics VALUES (" +
                            std::to_string(run) +
                            ", 2, 0.9, 'loss', 1.0); "
                            "PRAGMA user_version = 3";
    ASSERT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(raw);

    RunStore store(path);
    EXPECT_EQ(store.schemaVersion(), currentSchemaVersion());
    const auto loss = store.metrics(run, "loss");
    ASSERT_EQ(loss.size(), 2u);
    EXPECT_EQ(loss[0].step, 1);
    EXPECT_DOUBLE_EQ(loss[0].value, 2.0); // the first written
    EXPECT_DOUBLE_EQ(loss[1].value, 1.0);
    EXPECT_THROW(store.addMetrics(run, {{2, 1.0, "loss", 5.0}}), StoreError);
    EXPECT_EQ(store.metrics(run, "loss").size(), 2u); // the failed batch left nothing
}

TEST_F(RunStoreSafety, LastWallTimeIsWhereAResumeContinues) {
    RunStore store(file("runs.db"));
    const auto run = store.createRun(runOf(RunStatus::Interrupted));
    EXPECT_EQ(store.lastWallTime(run), 0.0);
    store.addMetrics(run, {{1, 3.5, "loss", 1.0}, {2, 7.25, "loss", 1.0}, {2, 7.0, "lr", 1.0}});
    EXPECT_DOUBLE_EQ(store.lastWallTime(run), 7.25);
}

// A process holding the write lock (paused inside a transaction, say) once stalled every
// command for ~10 minutes; now a command gives up within seconds with a message naming the
// store.
TEST_F(RunStoreSafety, AHeldWriteLockEndsInAClearErrorWithinSeconds) {
    const std::string path = file("runs.db");
    RunStore store(path);
    const auto run = store.createRun(runOf(RunStatus::Finished));
    sqlite3* holder = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &holder), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
    const auto started = std::chrono::steady_clock::now();
    try {
        store.rename(run, "x");
        ADD_FAILURE() << "wrote past a held lock";
    } catch (const StoreError& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find(path), std::string::npos) << message;
        EXPECT_NE(message.find("locked"), std::string::npos) << message;
    }
    const double waited =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    EXPECT_LT(waited, 60.0); // bounded (was 40 retries of 15 s)
    sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(holder);
    store.rename(run, "y"); // the lock released, writing works again
    EXPECT_EQ(store.run(run).name, "y");
}

// Processes that open one new store at the same moment all get it: each switches the file to
// WAL, and SQLite refuses one of two such switches at once without waiting (each holds a read
// lock the other's switch needs), so a refused switch must be tried again.
TEST_F(RunStoreSafety, ProcessesOpeningOneNewStoreTogetherAllSucceed) {
    constexpr int kFiles = 12;
    constexpr int kProcesses = 6;
    int failed = 0;
    for (int round = 0; round < kFiles; ++round) {
        const std::string path = file("new-" + std::to_string(round) + ".db");
        const auto openers = startTogether(kProcesses, [&] {
            try {
                RunStore store(path);
                store.createRun(runOf(RunStatus::Finished));
                return 0;
            } catch (const std::exception& error) {
                std::fprintf(stderr, "%s\n", error.what()); // names the refused step
                return 1;
            }
        });
        ASSERT_EQ(openers.size(), static_cast<std::size_t>(kProcesses));
        std::size_t failedHere = 0;
        for (pid_t opener : openers) {
            int status = 0;
            waitpid(opener, &status, 0);
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                ++failedHere;
        }
        failed += static_cast<int>(failedHere);
        // Every process that reported success left its run.
        RunStore store(path);
        EXPECT_EQ(store.runs().size() + failedHere, static_cast<std::size_t>(kProcesses)) << path;
    }
    EXPECT_EQ(failed, 0) << "processes that could not open a new store opened together";
}

} // namespace
