// Data-parallel training across worker processes (on one machine or several) over PyTorch's
// c10d with the Gloo backend. Rank 0 runs the command as one process would (it alone writes the
// run store, checkpoints and events) and hands each training run it starts to the other ranks
// as a "job" on a TCPStore it hosts; every rank then trains its slice of each global batch and
// the ranks sum their gradients, so all of them take the same optimizer step.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace relay {

// Where the workers meet, with torchrun's meanings: the master is node 0's rank 0, which hosts
// the rendezvous store.
struct WorkerAddress {
    std::string masterAddress = "127.0.0.1";
    int masterPort = 0;     // 0: rank 0 picks a free port (one node only)
    int rank = 0;           // global rank of this process
    int worldSize = 1;      // processes on all nodes
    int localProcesses = 1; // processes on this node (they share its cores)
};

// Rank 0 may evaluate or generate chains for a long while between two collectives, and a
// vanished worker is noticed at once from its closed socket, so waits are long.
inline constexpr std::chrono::hours kWorkerWaitLimit{24};

// A collective failed because another worker went away (killed, crashed, its node lost). The
// run ends "interrupted": it can be resumed, with any process count.
class WorkerLost : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Runs a collective or a store wait, turning a peer's disappearance into WorkerLost.
template <typename Body> auto guardCollective(const char* what, Body body) {
    try {
        return body();
    } catch (const WorkerLost&) {
        throw;
    } catch (const std::exception& error) {
        throw WorkerLost(std::string("data-parallel ") + what +
                         " failed (a worker process went away?): " + error.what());
    }
}

class TrainingGroup; // training_group.h

// This process's membership of the workers: connects to (rank 0: hosts) the rendezvous store.
class WorkerGroup {
public:
    explicit WorkerGroup(const WorkerAddress& address);
    ~WorkerGroup();
    WorkerGroup(const WorkerGroup&) = delete;
    WorkerGroup& operator=(const WorkerGroup&) = delete;

    int rank() const { return m_address.rank; }
    int worldSize() const { return m_address.worldSize; }
    int localProcesses() const { return m_address.localProcesses; }
    int port() const; // the store's port (rank 0 picked it when asked for port 0)

    // What rank 0 announced: the others build their session from it while rank 0 builds its
    // own (generating a training set takes seconds), then wait for its start.
    struct Job {
        std::int64_t id = 0;
        std::string description; // what to train (JSON written by the trainer)
    };
    // What rank 0 sent when its session was ready.
    struct JobStart {
        JobStart();
        JobStart(JobStart&&) noexcept;
        ~JobStart();
        std::string start; // where training starts (JSON written by the trainer)
        std::string state; // the model and optimizer state to start from
        std::unique_ptr<TrainingGroup> group;
    };
    class Announcement;

    // Rank 0: tells every other rank about a job; start it with Announcement::start.
    Announcement announceJob(const std::string& description);
    // Other ranks: the next job rank 0 announced (waits for it); nullopt once rank 0 is done.
    std::optional<Job> nextJob();
    // Other ranks: waits until rank 0 starts the job; nullopt when it abandoned it.
    std::optional<JobStart> awaitStart(const Job& job);
    // Rank 0: there will be no more jobs.
    void finish();

    // CPU threads per worker for a config's thread count (0: this node's cores shared out).
    int threadsPerWorker(int configured) const;

    // The group of this process, if it is one of several workers (set by the launcher).
    static WorkerGroup* current();
    static void setCurrent(WorkerGroup* group);

private:
    struct Store; // a connection to the c10d rendezvous store, kept out of this header
    std::unique_ptr<TrainingGroup> joinJob(std::int64_t job, const Store& store);
    void setJobStart(std::int64_t job, const std::string& start, const std::string& state);

    WorkerAddress m_address;
    std::unique_ptr<Store> m_store;
    std::int64_t m_nextJob = 0;
};

// Rank 0's announced job until it starts. Dropped unstarted (its run failed while building),
// it tells the other ranks to abandon the job rather than wait for it forever.
class WorkerGroup::Announcement {
public:
    Announcement(WorkerGroup& workers, std::int64_t job) : m_workers(&workers), m_job(job) {}
    Announcement(Announcement&& other) noexcept
        : m_workers(std::exchange(other.m_workers, nullptr)), m_job(other.m_job) {}
    Announcement& operator=(Announcement&&) = delete;
    ~Announcement();

    // Hands every other rank where training starts and the state to start from; returns this
    // rank's group.
    std::unique_ptr<TrainingGroup> start(const std::string& start, const std::string& state);

private:
    WorkerGroup* m_workers; // null once started (or moved from)
    std::int64_t m_job;
};

} // namespace relay
