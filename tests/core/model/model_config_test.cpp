// ModelConfig <-> JSON: round trip, defaults, and errors that name the key.
#include "config/config_keys.h"
#include "model/looped_transformer.h"
#include "model/model_config.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

namespace relay {
namespace {

std::string errorOf(const nlohmann::json& json) {
    try {
        modelConfigFromJson(json);
    } catch (const std::invalid_argument& error) {
        return error.what();
    }
    return "no error";
}

TEST(ModelConfig, RoundTripsThroughJson) {
    ModelConfig config;
    config.vocabularySize = 53;
    config.hiddenSize = 64;
    config.layers = 2;
    config.heads = 8;
    config.dropout = 0.0;
    config.positionEncoding = PositionEncoding::NoneDirectional;
    config.inputInjection = InputInjection::Add;
    config.maximumPositions = 240;
    config.randomPositionsAtEvaluation = false;
    config.separateAnswerHead = false;
    config.initialization = Initialization::TorchDefault;
    config.iterationNorm = true;
    config.tieEmbeddings = true;
    auto json = modelConfigToJson(config);
    EXPECT_EQ(json.at("iteration_norm"), true);
    EXPECT_EQ(json.at("tie_embeddings"), true);
    EXPECT_EQ(json.at("position_encoding"), "none-directional");
    EXPECT_EQ(json.at("initialization"), "torch-default");
    EXPECT_EQ(json.at("input_injection"), "add");
    auto back = modelConfigFromJson(json);
    EXPECT_EQ(modelConfigToJson(back), json);
}

TEST(ModelConfig, ArPositionEncodingNamesAndErrors) {
    // Empty (and absent, as in checkpoints written before the key): as position_encoding.
    EXPECT_FALSE(modelConfigFromJson({{"vocabulary_size", 40}}).arPositionEncoding);
    EXPECT_EQ(modelConfigToJson(ModelConfig()).at("ar_position_encoding"), "");
    auto config = modelConfigFromJson({{"vocabulary_size", 40},
                                       {"position_encoding", "rope-randomized"},
                                       {"ar_position_encoding", "rope"}});
    ASSERT_TRUE(config.arPositionEncoding);
    EXPECT_EQ(*config.arPositionEncoding, PositionEncoding::Rope);
    EXPECT_EQ(modelConfigToJson(config).at("ar_position_encoding"), "rope");
    EXPECT_NE(errorOf({{"vocabulary_size", 40}, {"ar_position_encoding", "alibi"}})
                  .find("model.ar_position_encoding"),
              std::string::npos);
}

TEST(ModelConfig, InitializationNamesAndErrors) {
    EXPECT_EQ(modelConfigFromJson({{"vocabulary_size", 40}}).initialization,
              Initialization::Small); // checkpoints written before the key existed
    EXPECT_NE(errorOf({{"vocabulary_size", 40}, {"initialization", "xavier"}})
                  .find("model.initialization"),
              std::string::npos);
}

// The two starting points, by the spread of the weights they draw.
TEST(ModelConfig, InitializationChoosesTheWeightsSpread) {
    ModelConfig config;
    config.vocabularySize = 200;
    config.hiddenSize = 64;
    config.dropout = 0.0;
    torch::manual_seed(1);
    LoopedTransformer small(config);
    config.initialization = Initialization::TorchDefault;
    LoopedTransformer standard(config);
    auto spread = [](torch::nn::Module& module, const std::string& name) {
        return module.named_parameters()[name].std().item<double>();
    };
    EXPECT_NEAR(spread(*small, "embedding.weight"), 0.02, 0.002);
    EXPECT_NEAR(spread(*standard, "embedding.weight"), 1.0, 0.05);
    // Kaiming-uniform with a = sqrt(5): U(-1/sqrt(64), 1/sqrt(64)), std 1/sqrt(3 * 64).
    EXPECT_NEAR(spread(*standard, "block.layer_0.expand.weight"), 1.0 / std::sqrt(192.0), 0.005);
    EXPECT_NEAR(spread(*small, "block.layer_0.expand.weight"), 0.02, 0.002);
}

TEST(ModelConfig, MissingKeysTakeDefaults) {
    auto config = modelConfigFromJson({{"vocabulary_size", 40}});
    EXPECT_EQ(config.hiddenSize, 256);
    EXPECT_EQ(config.layers, 3);
    EXPECT_EQ(config.heads, 4);
    EXPECT_EQ(config.positionEncoding, PositionEncoding::Rope);
}

TEST(ModelConfig, ErrorsNameTheKey) {
    EXPECT_NE(errorOf({{"vocabulary_size", 40}, {"hiden_size", 64}}).find("model.hiden_size"),
              std::string::npos);
    EXPECT_NE(errorOf({{"vocabulary_size", 40}, {"layers", 2.5}}).find("model.layers"),
              std::string::npos);
    EXPECT_NE(errorOf({{"vocabulary_size", 40}, {"position_encoding", "alibi"}})
                  .find("model.position_encoding"),
              std::string::npos);
    EXPECT_NE(
        errorOf({{"vocabulary_size", 40}, {"hidden_size", 30}, {"heads", 4}}).find("model.heads"),
        std::string::npos);
    EXPECT_NE(errorOf({{"vocabulary_size", 40}, {"dropout", 1.5}}).find("model.dropout"),
              std::string::npos);
    EXPECT_NE(errorOf({{"hidden_size", 64}}).find("model.vocabulary_size"), std::string::npos);
    EXPECT_NE(errorOf({{"vocabulary_size", 40},
                       {"position_encoding", "none-directional"},
                       {"hidden_size", 48},
                       {"heads", 3}})
                  .find("even number of heads"),
              std::string::npos);
}

} // namespace
} // namespace relay
