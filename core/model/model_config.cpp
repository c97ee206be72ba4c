#include "model/model_config.h"

#include <stdexcept>
#include <string>

namespace relay {
namespace {

void require(bool condition, const std::string& key, const std::string& message) {
    if (!condition)
        throw std::invalid_argument("model." + key + ": " + message);
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

} // namespace relay
