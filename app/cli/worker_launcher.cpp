// Starts, watches and stops the worker processes of a data-parallel run.
#include "worker_launcher.h"

#include "config/experiment_config.h"
#include "train/distributed/follow_rank_zero.h"
#include "train/distributed/worker_group.h"

#include <CLI/CLI.hpp>

#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace relay::cli {
namespace {

constexpr int kTorchrunPort = 29500;

// Starts global ranks first..first+count-1 of `address`'s world as `relay worker` processes.
// They die with this process (a launcher killed takes its workers along) and ignore Ctrl-C:
// rank 0 hears it and stops every worker at the same step.
std::vector<pid_t> startWorkers(const WorkerAddress& address, int first, int count) {
    std::vector<pid_t> children;
    for (int rank = first; rank < first + count; ++rank) {
        std::vector<std::string> arguments = {"relay",
                                              "worker",
                                              "--rank",
                                              std::to_string(rank),
                                              "--world-size",
                                              std::to_string(address.worldSize),
                                              "--local-processes",
                                              std::to_string(address.localProcesses),
                                              "--master-addr",
                                              address.masterAddress,
                                              "--master-port",
                                              std::to_string(address.masterPort)};
        std::vector<char*> argv;
        for (auto& argument : arguments)
            argv.push_back(argument.data());
        argv.push_back(nullptr);
        const pid_t parent = getpid();
        pid_t child = fork();
        if (child < 0)
            throw std::runtime_error("cannot start worker process " + std::to_string(rank));
        if (child == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != parent)
                _exit(1);
            signal(SIGINT, SIG_IGN);
            execv("/proc/self/exe", argv.data());
            _exit(127);
        }
        children.push_back(child);
    }
    return children;
}

void stopWorkers(const std::vector<pid_t>& children) {
    for (pid_t child : children)
        kill(child, SIGKILL);
}

// Waits for the workers; true when all of them ended well.
bool reapWorkers(const std::vector<pid_t>& children) {
    bool clean = true;
    for (pid_t child : children) {
        int status = 0;
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
        }
        clean = clean && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
    return clean;
}

void checkFlags(const WorkerFlags& flags, int processes) {
    if (processes < 1)
        throw std::invalid_argument("--nproc " + std::to_string(processes) +
                                    ": expected at least 1 process");
    if (flags.nodes < 1)
        throw std::invalid_argument("--nnodes " + std::to_string(flags.nodes) +
                                    ": expected at least 1 node");
    if (flags.masterPort > 65535)
        throw std::invalid_argument("--master-port " + std::to_string(flags.masterPort) +
                                    ": expected 0..65535");
    if (flags.nodeRank < 0 || flags.nodeRank >= flags.nodes)
        throw std::invalid_argument("--node-rank " + std::to_string(flags.nodeRank) +
                                    ": expected 0.." + std::to_string(flags.nodes - 1));
}

} // namespace

void addWorkerFlags(CLI::App& command, WorkerFlags& flags) {
    command.add_option("--nproc", flags.processes,
                       "Data-parallel worker processes on this machine (default: the config's "
                       "`processes` key); each trains its slice of every batch");
    command.add_option("--nnodes", flags.nodes, "Machines taking part (default 1)");
    command.add_option("--node-rank", flags.nodeRank, "This machine's index, 0..nnodes-1");
    command.add_option("--master-addr", flags.masterAddress,
                       "Address of node 0, which hosts the rendezvous (default 127.0.0.1)");
    command.add_option("--master-port", flags.masterPort,
                       "Its port (default: a free one on one machine, 29500 on several; 0 on "
                       "node 0: a free one, printed)");
}

void runWithWorkers(const WorkerFlags& flags, const std::function<int()>& configuredProcesses,
                    const std::function<void()>& command) {
    int processes = flags.processes;
    // Every node must start as many processes, and only node 0 has the config: across several
    // machines --nproc alone says how many (default 1).
    if (processes == 0 && flags.nodes > 1)
        processes = 1;
    if (processes == 0)
        processes = configuredProcesses();
    checkFlags(flags, processes);
    if (processes * flags.nodes == 1) {
        command();
        return;
    }
    WorkerAddress address;
    address.masterAddress = flags.masterAddress;
    address.masterPort = flags.masterPort >= 0 ? flags.masterPort
                         : flags.nodes > 1     ? kTorchrunPort
                                               : 0;
    if (address.masterPort == 0 && flags.nodeRank > 0)
        throw std::invalid_argument("--master-port: give node 0's port on node " +
                                    std::to_string(flags.nodeRank));
    address.rank = flags.nodeRank * processes;
    address.worldSize = processes * flags.nodes;
    address.localProcesses = processes;
    // A worker gone mid-collective must surface as an error, not kill us on a write.
    signal(SIGPIPE, SIG_IGN);
    WorkerGroup workers(address);
    address.masterPort = workers.port(); // the port rank 0 picked, for this node's workers
    if (flags.nodeRank == 0 && flags.nodes > 1)
        std::cerr << "relay: node 0 waits for the other nodes at " << address.masterAddress << ":"
                  << address.masterPort << std::endl;
    auto children = startWorkers(address, address.rank + 1, processes - 1);
    try {
        if (address.rank == 0) {
            WorkerGroup::setCurrent(&workers);
            command();
            WorkerGroup::setCurrent(nullptr);
            workers.finish();
        } else {
            followRankZero(workers);
        }
    } catch (...) {
        // This node's workers may wait in a collective that will never come: stop them. Other
        // nodes' workers hear that rank 0 is done (or see its store go away).
        WorkerGroup::setCurrent(nullptr);
        stopWorkers(children);
        reapWorkers(children);
        if (address.rank == 0 && flags.nodes > 1) {
            try {
                workers.finish();
            } catch (...) {
            }
        }
        throw;
    }
    if (!reapWorkers(children) && address.rank != 0)
        throw std::runtime_error("a worker process of node " + std::to_string(flags.nodeRank) +
                                 " failed");
}

void addWorkerCommand(CLI::App& app) {
    auto address = std::make_shared<WorkerAddress>();
    auto* worker = app.add_subcommand("worker", "");
    worker->group(""); // hidden: the launcher starts it
    worker->add_option("--rank", address->rank)->required();
    worker->add_option("--world-size", address->worldSize)->required();
    worker->add_option("--local-processes", address->localProcesses)->required();
    worker->add_option("--master-addr", address->masterAddress)->required();
    worker->add_option("--master-port", address->masterPort)->required();
    worker->callback([address] {
        WorkerGroup workers(*address);
        try {
            followRankZero(workers);
        } catch (const WorkerLost& error) {
            std::cerr << "relay worker " << address->rank << ": " << error.what() << "\n";
            throw CLI::RuntimeError(1);
        }
    });
}

} // namespace relay::cli
