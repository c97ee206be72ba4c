// Whether a run marked running is really held by a live process: the store records each
// running run's process id and host, so a crashed trainer's run can be told from a live one.
// No SQLite here.
#pragma once

#include "store/run_records.h"

#include <cstdint>
#include <string>

namespace relay {

// This machine's host name ("" when it cannot be read).
std::string hostName();

// Whether a process with this id is alive on this machine (one of another user counts; an
// ended one not yet reaped by its parent does not).
bool processAlive(std::int64_t processId);

// The process id of this process.
std::int64_t currentProcessId();

// Why a run cannot be taken over now ("" when it can): it is running in a live process other
// than this one (or on another host, where liveness cannot be checked).
std::string busyReason(const RunRecord& run);

} // namespace relay
