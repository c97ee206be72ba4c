// Writing a file so readers see the old content or the new, never half of it: a crashed or
// killed job must not leave a truncated dataset that later verifies as "malformed".
#pragma once

#include <string>

namespace relay {

// Writes to a temporary file in the same folder, fsyncs it, renames it over `path` and fsyncs
// the folder. Throws std::runtime_error naming the path and the system's reason.
void writeFileAtomically(const std::string& path, const std::string& content);

// Removes from `folder` the temporary files of writers that no longer run (a job killed while
// writing leaves its own behind); those of live processes stay. Returns how many it removed.
int removeStaleTemporaries(const std::string& folder);

} // namespace relay
