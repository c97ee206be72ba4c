// The config diff of the run comparison: configs flattened to dotted keys ("model.heads",
// "tasks.0.modulus") and lined up side by side, marking the keys whose values differ.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace relay {

// Leaves of a JSON document by dotted path; values as compact JSON text.
std::map<std::string, std::string> flattenJson(const nlohmann::json& document);

struct ConfigDiffRow {
    std::string key;
    std::vector<std::string> values; // one per config; "" where the key is absent
    bool differs = false;
};

// Every key of any config, sorted; differs when not all configs hold the same value.
std::vector<ConfigDiffRow> diffConfigs(const std::vector<nlohmann::json>& configs);

} // namespace relay
