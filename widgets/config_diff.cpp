#include "config_diff.h"

#include "config/stored_config.h"

#include <optional>
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

// The path an absolute-path JSON string value names; "" for any other value.
std::string absolutePathIn(const std::string& value) {
    if (value.size() < 3 || value.front() != '"' || value[1] != '/')
        return {};
    const auto parsed = nlohmann::json::parse(value, nullptr, false);
    return parsed.is_string() ? parsed.get<std::string>() : std::string();
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

std::vector<std::string> shownValues(const ConfigDiffRow& row) {
    std::vector<std::string> paths;
    for (const auto& value : row.values)
        paths.push_back(absolutePathIn(value));
    // The longest folder (ending in '/') every path in the row starts with.
    std::optional<std::string> shared;
    for (const auto& path : paths) {
        if (path.empty())
            continue;
        const std::string folder = path.substr(0, path.rfind('/') + 1);
        if (!shared) {
            shared = folder;
            continue;
        }
        std::size_t common = 0;
        while (common < shared->size() && common < folder.size() &&
               (*shared)[common] == folder[common])
            ++common;
        shared = shared->substr(0, shared->rfind('/', common == 0 ? 0 : common - 1) + 1);
    }
    auto shown = row.values;
    if (!shared || shared->size() <= 1)
        return shown; // no paths, or only the root in common
    for (std::size_t i = 0; i < paths.size(); ++i)
        if (!paths[i].empty())
            shown[i] = nlohmann::json("…/" + paths[i].substr(shared->size())).dump();
    return shown;
}

} // namespace relay
