// Stored run configs of every earlier config format open through the migrations, and mean what
// they meant when the run trained.
#include "config/config_keys.h"
#include "config/stored_config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace relay;
using nlohmann::json;

namespace {

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(RELAY_TEST_DATA_DIR) + "/configs/" + name);
    EXPECT_TRUE(in.good()) << name << " is missing from tests/data/configs";
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string errorOf(const json& config) {
    try {
        experimentConfigFromJson(config);
        return "";
    } catch (const std::invalid_argument& error) {
        return error.what();
    }
}

} // namespace

// The table of keys of the first stored format (the first commit with a config schema and a
// model config): keys since added take their defaults, objective.kind and the never
// implemented training.ema_decay are dropped, and its adaptive iterations rule becomes the
// oracle rule Stage II then always used.
TEST(StoredConfig, TheFirstSchemaOpensWithWhatItMeant) {
    const auto config = storedExperimentConfig(fixture("v1-first-schema.json"), "fixture");
    EXPECT_EQ(config.training.emaDecay, 0.0); // 0.9999 in the file, but it never had an effect
    EXPECT_EQ(config.iterations.rule, StoppingRule::Oracle);
    EXPECT_EQ(config.model.hiddenSize, 256);
    EXPECT_EQ(config.model.iterationNorm, false); // added later: the default
    EXPECT_EQ(config.objective.padTargets, PadTargets::Marker);
    EXPECT_EQ(config.precision, Precision::Bf16Autocast);
    EXPECT_EQ(config.training.steps, 10000);
}

// A config the shipped demo store holds (version 0.1.0 of the engine, the last format without
// config_version): a vanilla looped run recorded objective.kind "vanilla".
TEST(StoredConfig, TheLastUnversionedFormatOpens) {
    const std::string stored = fixture("v1-demo-looped-vanilla.json");
    ASSERT_NE(stored.find("\"kind\": \"vanilla\""), std::string::npos);
    const auto config = storedExperimentConfig(stored, "fixture");
    EXPECT_EQ(config.training.steps, 6000);
    EXPECT_TRUE(config.training.curriculum);
    EXPECT_EQ(config.training.curriculumGrowEvery, 2000);
    EXPECT_EQ(config.model.hiddenSize, json::parse(stored)["model"]["hidden_size"].get<int>());
    // What it writes now is the current version and reads back to the same config.
    const json written = experimentConfigToJson(config);
    EXPECT_EQ(written.at(kConfigVersionKey), kConfigVersion);
    EXPECT_FALSE(written["objective"].contains("kind"));
    EXPECT_EQ(experimentConfigToJson(experimentConfigFromJson(written)), written);
}

TEST(StoredConfig, ACurrentConfigPassesThroughUnchanged) {
    ExperimentConfig config = experimentConfigFromJson(json::object());
    config.iterations.rule = StoppingRule::Adaptive;
    config.training.emaDecay = 0.99;
    const json written = experimentConfigToJson(config);
    EXPECT_EQ(migrateStoredConfig(written, "run"), written);
    const auto back = storedExperimentConfig(written.dump(), "run");
    EXPECT_EQ(back.iterations.rule, StoppingRule::Adaptive); // not reset: it is version 2
    EXPECT_EQ(back.training.emaDecay, 0.99);
}

TEST(StoredConfig, ErrorsNameTheRun) {
    auto messageOf = [](const std::string& text) {
        try {
            storedExperimentConfig(text, "run 7");
            return std::string();
        } catch (const std::invalid_argument& error) {
            return std::string(error.what());
        }
    };
    EXPECT_NE(messageOf("[1, 2]").find("run 7"), std::string::npos);
    EXPECT_NE(messageOf("{\"config_version\": 99}").find("config_version 99"), std::string::npos);
    EXPECT_NE(messageOf("{\"training\": {\"steps\": -1}}").find("training.steps"),
              std::string::npos);
    EXPECT_NE(messageOf("not json").find("run 7"), std::string::npos);
    EXPECT_FALSE(tryStoredExperimentConfig("not json", "run 7").has_value());
}

// A config file (not a stored run) that still sets a dropped key is told why it is gone,
// rather than that the key is unknown.
TEST(StoredConfig, AConfigFileWithADroppedKeyIsToldWhy) {
    const std::string error = errorOf({{"objective", {{"kind", "vanilla"}}}});
    EXPECT_NE(error.find("objective.kind"), std::string::npos) << error;
    EXPECT_NE(error.find("run kind"), std::string::npos) << error;
    EXPECT_NE(errorOf({{kConfigVersionKey, 1}}).find("migrated"), std::string::npos);
}
