// The temporaries a killed writer leaves behind: removed once their process is gone, never
// those of a live one nor any other file.
#include "tasks/atomic_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

using namespace relay;
namespace fs = std::filesystem;

TEST(AtomicFile, StaleTemporariesOfDeadWritersAreRemovedOthersStay) {
    const fs::path folder =
        fs::temp_directory_path() / ("relay-atomic-file-" + std::to_string(getpid()));
    fs::remove_all(folder);
    fs::create_directories(folder);
    const pid_t child = fork(); // a process id that is surely no longer in use
    if (child == 0)
        _exit(0);
    waitpid(child, nullptr, 0);
    const std::string dead = std::to_string(child);
    const std::string live = std::to_string(getpid());
    const std::vector<std::string> names = {"step-5.ckpt", "step-5.ckpt.tmp-" + dead + "-0-17",
                                            "step-6.ckpt.tmp-" + live + "-1-4",
                                            "step-7.ckpt.tmp-1-0-3", "notes.txt"};
    for (const auto& name : names)
        std::ofstream(folder / name) << "x";

    EXPECT_EQ(removeStaleTemporaries(folder.string()), 1);
    std::set<std::string> left;
    for (const auto& entry : fs::directory_iterator(folder))
        left.insert(entry.path().filename().string());
    EXPECT_EQ(left, (std::set<std::string>{"step-5.ckpt", "step-6.ckpt.tmp-" + live + "-1-4",
                                           "step-7.ckpt.tmp-1-0-3", "notes.txt"}));
    EXPECT_EQ(removeStaleTemporaries((folder / "absent").string()), 0);
    fs::remove_all(folder);
}
