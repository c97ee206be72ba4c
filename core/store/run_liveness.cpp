#include "store/run_liveness.h"

#include <cerrno>
#include <csignal>
#include <fstream>

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
    if (kill(static_cast<pid_t>(processId), 0) != 0 && errno != EPERM)
        return false;
    // An ended child its parent has not reaped yet (a killed worker while rank 0 waits on it)
    // still answers kill(): its state says it is gone. "pid (command) state ...", and the
    // command may hold spaces and parentheses. Without /proc, kill()'s answer stands.
    std::ifstream stat("/proc/" + std::to_string(processId) + "/stat");
    std::string line;
    if (!std::getline(stat, line))
        return true;
    auto close = line.rfind(')');
    if (close == std::string::npos || close + 2 >= line.size())
        return true;
    const char state = line[close + 2];
    return state != 'Z' && state != 'X';
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
