// The `precision` key: its default keeps today's bf16 autocast on CUDA, fp32 parses and survives
// the round trip a stored run config makes, and anything else is refused naming the key.
#include "config/experiment_config.h"

#include <gtest/gtest.h>

using namespace relay;
using nlohmann::json;

TEST(PrecisionConfig, DefaultsToBf16Autocast) {
    EXPECT_EQ(experimentConfigFromJson(json::object()).precision, Precision::Bf16Autocast);
}

TEST(PrecisionConfig, Fp32ParsesAndSurvivesTheStoredRoundTrip) {
    const auto config = experimentConfigFromJson({{"precision", "fp32"}});
    EXPECT_EQ(config.precision, Precision::Fp32);
    const json stored = experimentConfigToJson(config);
    EXPECT_EQ(stored.at("precision"), "fp32");
    EXPECT_EQ(experimentConfigFromJson(stored).precision, Precision::Fp32);
}

TEST(PrecisionConfig, AnotherValueIsRefusedNamingTheKey) {
    for (const json& value : {json("fp16"), json("bf16"), json(32)}) {
        try {
            experimentConfigFromJson({{"precision", value}});
            FAIL() << "precision " << value.dump() << " was accepted";
        } catch (const std::invalid_argument& error) {
            EXPECT_NE(std::string(error.what()).find("precision"), std::string::npos)
                << error.what();
        }
    }
}
