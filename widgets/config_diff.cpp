#include "config_diff.h"

#include "config/stored_config.h"

#include <set>

namespace relay {
namespace {

void flattenInto(const nlohmann::json& node, const std::string& prefix,
                 std::map<std::string, nlohmann::json>& leaves) {
    if (node.is_object() && !node.empty()) {
        for (const auto& [key, value] : node.items())
            flattenInto(value, prefix.empty() ? key : prefix + "." + key, leaves);
    } else if (node.is_array() && !node.empty()) {
        for (std::size_t i = 0; i < node.size(); ++i)
            flattenInto(node[i], prefix + "." + std::to_string(i), leaves);
    } else {
        leaves[prefix] = node;
    }
}

} // namespace

std::map<std::string, nlohmann::json> flattenJsonLeaves(const nlohmann::json& document) {
    std::map<std::string, nlohmann::json> leaves;
    flattenInto(document, "", leaves);
    return leaves;
}

std::map<std::string, std::string> flattenJson(const nlohmann::json& document) {
    std::map<std::string, std::string> text;
    for (const auto& [key, value] : flattenJsonLeaves(document))
        text.emplace(key, value.dump());
    return text;
}

nlohmann::json currentFormConfig(const std::string& configJson) {
    const auto stored = tryStoredExperimentConfig(configJson, "stored config");
    return stored ? experimentConfigToJson(*stored) : nlohmann::json::object();
}

std::vector<ConfigDiffRow> diffConfigs(const std::vector<nlohmann::json>& configs) {
    std::vector<std::map<std::string, std::string>> flat;
    std::set<std::string> keys;
    for (const auto& config : configs) {
        flat.push_back(flattenJson(config));
        for (const auto& [key, value] : flat.back())
            keys.insert(key);
    }
    std::vector<ConfigDiffRow> rows;
    for (const auto& key : keys) {
        ConfigDiffRow row;
        row.key = key;
        for (const auto& leaves : flat) {
            auto found = leaves.find(key);
            row.values.push_back(found == leaves.end() ? std::string() : found->second);
            row.differs = row.differs || row.values.back() != row.values.front();
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

} // namespace relay
