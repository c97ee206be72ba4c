// The config diff of the run comparison: configs flattened to dotted keys ("model.heads",
// "tasks.0.modulus") and lined up side by side, marking the keys whose values differ.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace relay {

// Leaves of a JSON document by dotted path.
std::map<std::string, nlohmann::json> flattenJsonLeaves(const nlohmann::json& document);
// The same with values as compact JSON text.
std::map<std::string, std::string> flattenJson(const nlohmann::json& document);

// A run's stored config with every key as this version writes it, so runs stored by different
// versions line up (older ones gain the keys added since, at the value they ran with); an empty
// object when it cannot be read.
nlohmann::json currentFormConfig(const std::string& configJson);

struct ConfigDiffRow {
    std::string key;
    std::vector<std::string> values; // one per config; "" where the key is absent
    bool differs = false;
};

// Every key of any config, sorted; differs when not all configs hold the same value.
std::vector<ConfigDiffRow> diffConfigs(const std::vector<nlohmann::json>& configs);

// A row's values as the diff table shows them: absolute paths (a Stage II fine-tune's
// data.train_file) lose the folder they all share, written "…/", so the part that differs
// shows rather than the machine's folder; other values as they are.
std::vector<std::string> shownValues(const ConfigDiffRow& row);

} // namespace relay
