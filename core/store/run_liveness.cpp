#include "store/run_liveness.h"

#include <cerrno>
#include <csignal>

#include <unistd.h>

namespace relay {

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

std::int64_t currentProcessId() {
    return static_cast<std::int64_t>(getpid());
}

std::string busyReason(const RunRecord& run) {
    if (run.status != RunStatus::Running || run.processId == currentProcessId())
        return {};
    if (run.host == hostName() && !processAlive(run.processId))
        return {};
    return "run " + std::to_string(run.id) + " is running (process " +
           std::to_string(run.processId) + (run.host.empty() ? "" : " on " + run.host) + ")";
}

} // namespace relay
