#include "config/stored_config.h"

#include <functional>
#include <stdexcept>

namespace relay {
namespace {

using nlohmann::json;

void eraseKey(json& config, const char* section, const char* key) {
    if (config.contains(section) && config[section].is_object())
        config[section].erase(key);
}

// Migration N turns a version-N config into a version N+1 one.
const std::vector<std::function<void(json&)>>& migrations() {
    static const std::vector<std::function<void(json&)>> steps = {
        // 1 -> 2: objective.kind duplicated the run kind (relay train --kind chooses the loss)
        // and training.ema_decay was never implemented, so neither ever had an effect. Stage
        // II always wrote chains with the oracle rule whatever iterations.rule said; keeping
        // that reproduces what such a run's pipeline did.
        [](json& config) {
            eraseKey(config, "objective", "kind");
            eraseKey(config, "training", "ema_decay");
            if (config.contains("iterations") && config["iterations"].is_object())
                config["iterations"]["rule"] = "oracle";
        },
    };
    return steps;
}

} // namespace

const std::vector<std::pair<std::string, std::string>>& droppedConfigKeys() {
    static const std::vector<std::pair<std::string, std::string>> keys = {
        {"objective.kind", "the run kind chooses the loss (relay train --kind looped for "
                           "L_ans + lambda L_iter, looped-vanilla for L_ans only)"},
    };
    return keys;
}

json migrateStoredConfig(json config, const std::string& origin) {
    if (!config.is_object())
        throw std::invalid_argument(origin + ": the stored config is not a JSON object");
    int version = 1;
    if (config.contains(kConfigVersionKey)) {
        const json& given = config[kConfigVersionKey];
        if (!given.is_number_integer() || given.get<long long>() < 1 ||
            given.get<long long>() > kConfigVersion)
            throw std::invalid_argument(origin + ": config_version " + given.dump() +
                                        " is not one this version reads (1 to " +
                                        std::to_string(kConfigVersion) + ")");
        version = given.get<int>();
    }
    for (; version < kConfigVersion; ++version)
        migrations().at(static_cast<std::size_t>(version - 1))(config);
    config[kConfigVersionKey] = kConfigVersion;
    return config;
}

ExperimentConfig storedExperimentConfig(const std::string& configJson, const std::string& origin) {
    json parsed = parseConfigJson(configJson, origin);
    try {
        return experimentConfigFromJson(migrateStoredConfig(std::move(parsed), origin));
    } catch (const std::invalid_argument& error) {
        throw std::invalid_argument(origin + ": " + error.what());
    }
}

std::optional<ExperimentConfig> tryStoredExperimentConfig(const std::string& configJson,
                                                          const std::string& origin,
                                                          std::string* error) {
    try {
        return storedExperimentConfig(configJson, origin);
    } catch (const std::invalid_argument& failure) {
        if (error)
            *error = failure.what();
        return std::nullopt;
    }
}

} // namespace relay
