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

    struct Job {
        Job();
        Job(Job&&) noexcept;
        ~Job();
        std::string description; // what to train (JSON written by the trainer)
        std::string state;       // the model and optimizer state to start from
        std::unique_ptr<TrainingGroup> group;
    };

    // Rank 0: hands a job to every other rank and returns its group.
    std::unique_ptr<TrainingGroup> announceJob(const std::string& description,
                                               const std::string& state);
    // Other ranks: the next job rank 0 announced (waits for it); nullopt once rank 0 is done.
    std::optional<Job> nextJob();
    // Rank 0: there will be no more jobs.
    void finish();

    // CPU threads per worker for a config's thread count (0: this node's cores shared out).
    int threadsPerWorker(int configured) const;

    // The group of this process, if it is one of several workers (set by the launcher).
    static WorkerGroup* current();
    static void setCurrent(WorkerGroup* group);

private:
    std::unique_ptr<TrainingGroup> joinJob(std::int64_t job);

    WorkerAddress m_address;
    struct Store; // the c10d rendezvous store, kept out of this header
    std::unique_ptr<Store> m_store;
    std::int64_t m_nextJob = 0;
};

} // namespace relay
