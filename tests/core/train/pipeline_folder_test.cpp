// A pipeline's default folder stays under <store folder>/pipelines whatever its name (issue 17:
// `--set name=/some/abs/path` once wrote the reports there).
#include "train/pipeline.h"

#include <gtest/gtest.h>

namespace relay {
namespace {

TEST(PipelineFolder, EveryNameStaysInsideThePipelinesFolder) {
    const std::string store = "/data/relay/runs.db";
    EXPECT_EQ(defaultPipelineFolder(store, "cpu quick-ari-1a2b3c4d"),
              "/data/relay/pipelines/cpu quick-ari-1a2b3c4d"); // ordinary names unchanged
    EXPECT_EQ(defaultPipelineFolder(store, "/some/abs/path-1a2b3c4d"),
              "/data/relay/pipelines/_some_abs_path-1a2b3c4d");
    EXPECT_EQ(defaultPipelineFolder(store, "../../etc-1a2b3c4d"),
              "/data/relay/pipelines/_.._.._etc-1a2b3c4d");
    EXPECT_EQ(defaultPipelineFolder(store, ".."), "/data/relay/pipelines/_..");
    EXPECT_EQ(defaultPipelineFolder(store, ""), "/data/relay/pipelines/_");
}

} // namespace
} // namespace relay
