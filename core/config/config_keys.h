// Every experiment-config key, declared once: its dotted JSON path, the struct member it binds
// (whose initializer is its default and whose type is its type), its range or closed set of
// choices, and what it means. JSON reading and writing, `--set`, `relay config describe`,
// validation and the workbench's setup form all derive from this table, so a new key is one
// member, one row here, the code that uses it and a test.
#pragma once

#include "config/experiment_config.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace relay {

// Bounds of a numeric key (inclusive).
struct KeyRange {
    double minimum = -1e300;
    double maximum = 1e300;
};

// One key of `Owner` (ExperimentConfig, or TaskEntry for the entries of "tasks").
template <class Owner> struct ConfigKeyOf {
    std::string key; // dotted path, e.g. "optimizer.learning_rate"
    std::string meaning;
    nlohmann::json defaultValue; // the member of a default-constructed Owner, as JSON
    double minimum = -1e300;
    double maximum = 1e300;
    std::vector<std::string> choices; // closed sets ("" first when the key may be empty)
    std::function<nlohmann::json(const Owner&)> read;
    // Stores a value that checkConfigValue accepted.
    std::function<void(Owner&, const nlohmann::json&)> write;
};
using ConfigKey = ConfigKeyOf<ExperimentConfig>;
using TaskKey = ConfigKeyOf<TaskEntry>;

// Every key outside "tasks", in the order `config describe` and the setup form show them;
// model keys are "model.*" ("model.vocabulary_size" is derived from the tasks and not a key).
const std::vector<ConfigKey>& configKeys();
// One of configKeys() by path; throws std::out_of_range for a key it lacks (a programming error).
const ConfigKey& configKey(const std::string& key);
// The keys of one entry of "tasks": {"task": "ari", "weight": 1, "modulus": 11, ...}.
const std::vector<TaskKey>& taskKeys();

// Type, range and choices of `value` for a key with this default, range and choices; throws
// std::invalid_argument naming `path`.
void checkConfigValue(const nlohmann::json& defaultValue, double minimum, double maximum,
                      const std::vector<std::string>& choices, const nlohmann::json& value,
                      const std::string& path);

// A model's architecture as the config's "model" section, plus its vocabulary_size (the form a
// checkpoint's metadata and tests use), and back: unknown keys, wrong types and invalid
// architectures throw std::invalid_argument naming the key.
nlohmann::json modelConfigToJson(const ModelConfig& config);
ModelConfig modelConfigFromJson(const nlohmann::json& json);

} // namespace relay
