// Where the third-party CoT_benchmark sample files are: $RELAY_COTBENCH_DIR, else the folder
// the build was configured with. Tests read them in place and skip when they are absent.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace relay::testing {

inline std::string cotbenchDirectory() {
    if (const char* fromEnvironment = std::getenv("RELAY_COTBENCH_DIR"))
        return fromEnvironment;
#ifdef RELAY_COTBENCH_DIR
    return RELAY_COTBENCH_DIR;
#else
    return {};
#endif
}

// Full path of one sample file, or empty when it is not there.
inline std::string cotbenchFile(const std::string& name) {
    const std::string directory = cotbenchDirectory();
    if (directory.empty())
        return {};
    const std::filesystem::path path = std::filesystem::path(directory) / name;
    return std::filesystem::exists(path) ? path.string() : std::string();
}

} // namespace relay::testing
