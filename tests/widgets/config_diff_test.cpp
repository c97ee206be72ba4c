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

// The fine-tunes of a pipeline differ in data.train_file only by the file's name; the folder
// they share (the machine's pipeline folder) is dropped from what the table shows.
TEST(ConfigDiff, PathsShowWithoutTheFolderTheyShare) {
    const auto rows = relay::diffConfigs(
        {json::parse(R"({"data": {"train_file": "/home/u/relay/pipelines/p/finetune-all.jsonl"}})"),
         json::parse(R"({"data": {"train_file": "/home/u/relay/pipelines/p/seed-2/x.jsonl"}})"),
         json::parse(R"({"seed": 3})")});
    ASSERT_EQ(rows[0].key, "data.train_file");
    EXPECT_EQ(relay::shownValues(rows[0]),
              (std::vector<std::string>{"\"…/finetune-all.jsonl\"", "\"…/seed-2/x.jsonl\"", ""}));
    // Folders that only share a name's beginning ("/data/run-1", "/data/run-12") share "/data/".
    const auto prefix = relay::diffConfigs({json::parse(R"({"f": "/data/run-1/a.jsonl"})"),
                                            json::parse(R"({"f": "/data/run-12/a.jsonl"})")});
    EXPECT_EQ(relay::shownValues(prefix[0]),
              (std::vector<std::string>{"\"…/run-1/a.jsonl\"", "\"…/run-12/a.jsonl\""}));
    // One path alone shows its file's name; relative paths, other strings and numbers as stored,
    // and paths sharing only the root stay whole.
    const auto one = relay::diffConfigs({json::parse(R"({"f": "/tmp/a.jsonl", "g": "rel/a.jsonl",
                                                         "h": "ari", "i": 4})"),
                                         json::parse(R"({"g": "rel/b.jsonl"})")});
    EXPECT_EQ(relay::shownValues(one[0]), (std::vector<std::string>{"\"…/a.jsonl\"", ""}));
    for (std::size_t key = 1; key < one.size(); ++key)
        EXPECT_EQ(relay::shownValues(one[key]), one[key].values) << one[key].key;
    const auto root = relay::diffConfigs(
        {json::parse(R"({"f": "/tmp/a.jsonl"})"), json::parse(R"({"f": "/home/a.jsonl"})")});
    EXPECT_EQ(relay::shownValues(root[0]), root[0].values);
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
