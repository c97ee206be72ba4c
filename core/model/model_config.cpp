#include "model/model_config.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <stdexcept>
#include <type_traits>

namespace relay {
namespace {

void require(bool condition, const std::string& key, const std::string& message) {
    if (!condition)
        throw std::invalid_argument("model." + key + ": " + message);
}

template <typename Value> Value read(const nlohmann::json& value, const std::string& key) {
    bool matches = false;
    std::string expected;
    if constexpr (std::is_same_v<Value, bool>) {
        matches = value.is_boolean();
        expected = "true or false";
    } else if constexpr (std::is_same_v<Value, std::string>) {
        matches = value.is_string();
        expected = "a string";
    } else if constexpr (std::is_integral_v<Value>) {
        matches = value.is_number_integer();
        expected = "an integer";
    } else {
        matches = value.is_number();
        expected = "a number";
    }
    if (!matches)
        throw std::invalid_argument("model." + key + ": expected " + expected + ", got " +
                                    value.dump());
    return value.get<Value>();
}

} // namespace

void ModelConfig::validate() const {
    require(vocabularySize > 0, "vocabulary_size", "must be positive");
    require(hiddenSize > 0, "hidden_size", "must be positive");
    require(layers > 0, "layers", "must be positive");
    require(heads > 0, "heads", "must be positive");
    require(hiddenSize % heads == 0, "heads",
            "hidden_size " + std::to_string(hiddenSize) + " is not divisible by " +
                std::to_string(heads) + " heads");
    require(mlpRatio > 0, "mlp_ratio", "must be positive");
    require(dropout >= 0.0 && dropout < 1.0, "dropout", "must lie in [0, 1)");
    if (positionEncoding != PositionEncoding::NoneDirectional)
        require(headSize() % 2 == 0, "heads", "rotary embedding needs an even head size");
    if (positionEncoding == PositionEncoding::NoneDirectional)
        require(heads % 2 == 0, "heads", "none-directional needs an even number of heads");
    require(maximumPositions > 0, "maximum_positions", "must be positive");
    require(ropeBase > 1.0, "rope_base", "must be greater than 1");
}

std::string positionEncodingName(PositionEncoding encoding) {
    switch (encoding) {
    case PositionEncoding::Rope:
        return "rope";
    case PositionEncoding::RopeRandomized:
        return "rope-randomized";
    case PositionEncoding::NoneDirectional:
        return "none-directional";
    }
    return "rope";
}

PositionEncoding positionEncodingFromName(const std::string& name) {
    for (auto encoding : {PositionEncoding::Rope, PositionEncoding::RopeRandomized,
                          PositionEncoding::NoneDirectional})
        if (positionEncodingName(encoding) == name)
            return encoding;
    throw std::invalid_argument("model.position_encoding: '" + name +
                                "' is not one of rope, rope-randomized, none-directional");
}

std::string inputInjectionName(InputInjection injection) {
    return injection == InputInjection::Add ? "add" : "none";
}

InputInjection inputInjectionFromName(const std::string& name) {
    if (name == "none")
        return InputInjection::None;
    if (name == "add")
        return InputInjection::Add;
    throw std::invalid_argument("model.input_injection: '" + name + "' is not one of none, add");
}

std::string initializationName(Initialization initialization) {
    return initialization == Initialization::Small ? "small" : "torch-default";
}

Initialization initializationFromName(const std::string& name) {
    if (name == "small")
        return Initialization::Small;
    if (name == "torch-default")
        return Initialization::TorchDefault;
    throw std::invalid_argument("model.initialization: '" + name +
                                "' is not one of small, torch-default");
}

nlohmann::json modelConfigToJson(const ModelConfig& config) {
    return {{"vocabulary_size", config.vocabularySize},
            {"hidden_size", config.hiddenSize},
            {"layers", config.layers},
            {"heads", config.heads},
            {"mlp_ratio", config.mlpRatio},
            {"dropout", config.dropout},
            {"position_encoding", positionEncodingName(config.positionEncoding)},
            {"ar_position_encoding",
             config.arPositionEncoding ? positionEncodingName(*config.arPositionEncoding) : ""},
            {"input_injection", inputInjectionName(config.inputInjection)},
            {"maximum_positions", config.maximumPositions},
            {"random_positions_at_evaluation", config.randomPositionsAtEvaluation},
            {"rope_base", config.ropeBase},
            {"separate_answer_head", config.separateAnswerHead},
            {"iteration_norm", config.iterationNorm},
            {"tie_embeddings", config.tieEmbeddings},
            {"initialization", initializationName(config.initialization)}};
}

ModelConfig modelConfigFromJson(const nlohmann::json& json) {
    if (!json.is_object())
        throw std::invalid_argument("model: expected a JSON object, got " + json.dump());
    ModelConfig config;
    using Reader = std::function<void(const nlohmann::json&, const std::string&)>;
    const std::map<std::string, Reader> readers = {
        {"vocabulary_size",
         [&](auto& v, auto& k) { config.vocabularySize = read<std::int64_t>(v, k); }},
        {"hidden_size", [&](auto& v, auto& k) { config.hiddenSize = read<std::int64_t>(v, k); }},
        {"layers", [&](auto& v, auto& k) { config.layers = read<std::int64_t>(v, k); }},
        {"heads", [&](auto& v, auto& k) { config.heads = read<std::int64_t>(v, k); }},
        {"mlp_ratio", [&](auto& v, auto& k) { config.mlpRatio = read<std::int64_t>(v, k); }},
        {"dropout", [&](auto& v, auto& k) { config.dropout = read<double>(v, k); }},
        {"position_encoding",
         [&](auto& v, auto& k) {
             config.positionEncoding = positionEncodingFromName(read<std::string>(v, k));
         }},
        {"ar_position_encoding",
         [&](auto& v, auto& k) {
             const auto name = read<std::string>(v, k);
             if (name.empty()) {
                 config.arPositionEncoding.reset();
                 return;
             }
             try {
                 config.arPositionEncoding = positionEncodingFromName(name);
             } catch (const std::invalid_argument&) {
                 throw std::invalid_argument("model.ar_position_encoding: '" + name +
                                             "' is not one of \"\" (as position_encoding), "
                                             "rope, rope-randomized, none-directional");
             }
         }},
        {"input_injection",
         [&](auto& v, auto& k) {
             config.inputInjection = inputInjectionFromName(read<std::string>(v, k));
         }},
        {"maximum_positions",
         [&](auto& v, auto& k) { config.maximumPositions = read<std::int64_t>(v, k); }},
        {"random_positions_at_evaluation",
         [&](auto& v, auto& k) { config.randomPositionsAtEvaluation = read<bool>(v, k); }},
        {"rope_base", [&](auto& v, auto& k) { config.ropeBase = read<double>(v, k); }},
        {"separate_answer_head",
         [&](auto& v, auto& k) { config.separateAnswerHead = read<bool>(v, k); }},
        {"iteration_norm", [&](auto& v, auto& k) { config.iterationNorm = read<bool>(v, k); }},
        {"tie_embeddings", [&](auto& v, auto& k) { config.tieEmbeddings = read<bool>(v, k); }},
        {"initialization",
         [&](auto& v, auto& k) {
             config.initialization = initializationFromName(read<std::string>(v, k));
         }},
    };
    for (const auto& [key, value] : json.items()) {
        auto reader = readers.find(key);
        if (reader == readers.end())
            throw std::invalid_argument("model." + key + ": unknown key");
        reader->second(value, key);
    }
    config.validate();
    return config;
}

} // namespace relay
