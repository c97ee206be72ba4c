// The CoT_benchmark sample files the tests read, kept in the repository under
// tests/data/cotbench/ (README.md there says where they come from). A missing file is a test
// failure, never a skip: every clone carries them.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace relay::testing {

// Full path of one sample file; fails the calling test when it is not there.
inline std::string cotbenchFile(const std::string& name) {
    const std::filesystem::path path = std::filesystem::path(RELAY_COTBENCH_DIR) / name;
    EXPECT_TRUE(std::filesystem::is_regular_file(path))
        << "CoT_benchmark sample " << path << " is missing (it ships in tests/data/cotbench/)";
    return path.string();
}

// The sample's lines, blank lines left out. Fails the calling test when the file is missing.
inline std::vector<std::string> cotbenchLines(const std::string& name) {
    std::ifstream file(cotbenchFile(name));
    std::vector<std::string> lines;
    for (std::string line; std::getline(file, line);)
        if (line.find_first_not_of(" \t\r") != std::string::npos)
            lines.push_back(line);
    return lines;
}

} // namespace relay::testing
