// The ctest fixture widgets.shared_store runs this first (with RELAY_WIDGET_STORE_FRESH=1):
// a fresh store filled by two tiny real engine runs, which every other widget test reads.
#include "widget_test_support.h"

#include "store/run_store.h"

#include <gtest/gtest.h>

TEST(SharedStoreSetup, TinyEngineRunsFillTheStore) {
    const bool fresh = qEnvironmentVariableIntValue("RELAY_WIDGET_STORE_FRESH") == 1;
    const QString path = relay::test::sharedStorePath(fresh);
    relay::RunStore store(path.toStdString());
    const auto runs = store.runs();
    ASSERT_EQ(runs.size(), 2u);
    for (const auto& run : runs) {
        EXPECT_EQ(run.status, relay::RunStatus::Finished);
        EXPECT_FALSE(store.evals(run.id).empty());
        EXPECT_FALSE(store.metrics(run.id, "loss").empty());
    }
}
