// A checkpoint path stored relative is relative to the store's folder, so a store moves with its
// checkpoints (the shipped demo); an absolute path is kept as written.
#include "store/run_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

using namespace relay;
namespace fs = std::filesystem;

TEST(CheckpointPaths, RelativePathsResolveAgainstTheStoreFolderAbsoluteOnesStay) {
    const fs::path folder =
        fs::temp_directory_path() / ("relay-checkpoint-paths-" + std::to_string(getpid()));
    fs::remove_all(folder);
    fs::create_directories(folder / "moved");
    {
        RunStore store((folder / "moved" / "runs.db").string());
        RunRecord record;
        record.name = "demo";
        record.kind = RunKind::Looped;
        record.task = "ari";
        record.configJson = R"({"seed":1})";
        const auto run = store.createRun(record);
        store.addCheckpoint(run, {100, "checkpoints/run-1/step-100.ckpt", "crc", 1.0});
        store.addCheckpoint(run, {200, "/elsewhere/step-200.ckpt", "crc", 2.0});
        const auto checkpoints = store.checkpoints(run);
        ASSERT_EQ(checkpoints.size(), 2u);
        EXPECT_EQ(fs::path(checkpoints[0].path),
                  folder / "moved" / "checkpoints" / "run-1" / "step-100.ckpt");
        EXPECT_EQ(checkpoints[1].path, "/elsewhere/step-200.ckpt");
    }
    fs::remove_all(folder);
}
