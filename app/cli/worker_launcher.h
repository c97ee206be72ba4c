// Data-parallel launching for `relay train`, `pipeline` and `finetune`: --nproc worker
// processes on this machine, --nnodes machines (torchrun's flags and meanings). Node 0's first
// process runs the command itself as rank 0 and starts the others as `relay worker` processes.
#pragma once

#include <functional>
#include <string>

namespace CLI {
class App;
}

namespace relay::cli {

struct WorkerFlags {
    int processes = 0; // per node; 0: the config's `processes` key (its 0: the machine default)
    int nodes = 1;
    int nodeRank = 0;
    std::string masterAddress = "127.0.0.1";
    int masterPort = -1; // -1: a free port on one node, 29500 (torchrun's) on several; 0: a
                         // free port, printed for the other nodes
};

void addWorkerFlags(CLI::App& command, WorkerFlags& flags);

// Runs `command` as rank 0 of the workers `flags` ask for, or `configuredProcesses()` (the
// config's choice, read only when --nproc is not given), or alone when that is one process; on
// a node other than 0, trains what rank 0 hands out instead.
void runWithWorkers(const WorkerFlags& flags, const std::function<int()>& configuredProcesses,
                    const std::function<void()>& command);

// `relay worker`: one worker process (started by the launcher; hidden from --help).
void addWorkerCommand(CLI::App& app);

} // namespace relay::cli
