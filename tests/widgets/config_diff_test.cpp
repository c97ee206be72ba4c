// The comparison's config diff and the setup view's minimal launch config.
#include "config/experiment_config.h"
#include "config_diff.h"
#include "experiment_form.h"

#include <gtest/gtest.h>

using nlohmann::json;

TEST(ConfigDiff, FlattensNestedKeysAndLists) {
    const auto flat = relay::flattenJson(json::parse(
        R"({"model": {"heads": 4}, "tasks": [{"task": "ari", "modulus": 11}], "seed": 1})"));
    EXPECT_EQ(flat.at("model.heads"), "4");
    EXPECT_EQ(flat.at("tasks.0.task"), "\"ari\"");
    EXPECT_EQ(flat.at("tasks.0.modulus"), "11");
    EXPECT_EQ(flat.at("seed"), "1");
}

TEST(ConfigDiff, MarksOnlyTheKeysThatDiffer) {
    const auto rows =
        relay::diffConfigs({json::parse(R"({"model": {"heads": 4, "layers": 3}})"),
                            json::parse(R"({"model": {"heads": 4, "layers": 2}, "seed": 5})")});
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].key, "model.heads");
    EXPECT_FALSE(rows[0].differs);
    EXPECT_EQ(rows[1].key, "model.layers");
    EXPECT_TRUE(rows[1].differs);
    EXPECT_EQ(rows[2].key, "seed");
    EXPECT_TRUE(rows[2].differs);
    EXPECT_EQ(rows[2].values[0], "");
}

TEST(ConfigDiff, LaunchConfigHoldsOnlyChangesAndResolvesToTheSameConfig) {
    json config = relay::mergedOverDefaults(relay::loadPreset("cpu-quick-ari"));
    config["model"]["heads"] = 2;
    const json minimal = relay::differenceFromDefaults(config);
    EXPECT_EQ(minimal["model"]["heads"], 2);
    EXPECT_FALSE(minimal.contains("seed")); // unchanged from the default
    EXPECT_TRUE(minimal.contains("tasks"));
    EXPECT_EQ(relay::experimentConfigToJson(relay::experimentConfigFromJson(minimal)),
              relay::experimentConfigToJson(relay::experimentConfigFromJson(config)));
}
