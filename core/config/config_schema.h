// The table of every experiment-config key outside `model` and `tasks`: default, meaning and
// allowed range. The single place where defaults are written down.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace relay {

struct ConfigField {
    ConfigField(std::string fieldKey, nlohmann::json fieldDefault, std::string fieldMeaning,
                double fieldMinimum = -1e300, double fieldMaximum = 1e300,
                std::vector<std::string> fieldChoices = {})
        : key(std::move(fieldKey)), defaultValue(std::move(fieldDefault)),
          meaning(std::move(fieldMeaning)), minimum(fieldMinimum), maximum(fieldMaximum),
          choices(std::move(fieldChoices)) {}

    std::string key; // dotted path, e.g. "optimizer.learning_rate"
    nlohmann::json defaultValue;
    std::string meaning;
    double minimum = -1e300;
    double maximum = 1e300;
    std::vector<std::string> choices; // for strings; empty = any
};

const std::vector<ConfigField>& configFields();
// One of configFields() by key; throws std::out_of_range for a key it lacks (a programming error).
const ConfigField& configField(const std::string& key);

// Task entries: {"task": "ari", "weight": 1, "modulus": 11, "lis_value_range": 250}.
const std::vector<ConfigField>& taskFields();

// What a `model` key means ("" for an unknown key); the keys and defaults are ModelConfig's.
std::string modelKeyMeaning(const std::string& key);

} // namespace relay
