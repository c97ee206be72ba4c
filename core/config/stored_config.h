// Configs that runs stored, from every version of the config format. Each run's config is
// stored with "config_version" (absent before version 2); reading one applies the migrations
// from its version to the current one, in order, as the store's schema migrations do, then the
// current reader. Every reader of a stored run's config goes through here.
#pragma once

#include "config/experiment_config.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace relay {

inline constexpr const char* kConfigVersionKey = "config_version";
// The version experimentConfigToJson writes.
inline constexpr int kConfigVersion = 2;

// Keys earlier versions had and this one does not, with why (for the error a config file that
// still sets one gets).
const std::vector<std::pair<std::string, std::string>>& droppedConfigKeys();

// A stored config brought to the current version (std::invalid_argument naming `origin` for
// a config that is not a JSON object or comes from a newer version).
nlohmann::json migrateStoredConfig(nlohmann::json config, const std::string& origin);

// A stored run's config as the current version reads it; errors name `origin` (e.g. "run 7").
ExperimentConfig storedExperimentConfig(const std::string& configJson, const std::string& origin);
// The same for readers that show what they can of a damaged run (the GUI): nullopt instead of
// an exception, with its message in `*error` when given.
std::optional<ExperimentConfig> tryStoredExperimentConfig(const std::string& configJson,
                                                          const std::string& origin,
                                                          std::string* error = nullptr);

} // namespace relay
