// The parts of the report over seeds beyond its accuracy table: Stage II's label-free chain
// filter against the exact verifier, and the self-improvement rounds' frontier, each over the
// seeds' pipeline reports. No LibTorch in this header.
#pragma once

#include "train/seed_spread.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace relay {

// The filter's agreement per seed from each report's Stage II; none when no seed ran Stage II.
std::optional<SeedsLabelFree> aggregateLabelFree(const std::vector<PipelineReport>& reports);
// One entry per (round, task) some seed has, by round and then in the seeds' task order.
std::vector<SeedsRound> aggregateRounds(const std::vector<PipelineReport>& reports);

// "label-free filter over all lengths: precision mean (min–max), recall ..., kept per seed".
std::string seedsLabelFreeText(const SeedsLabelFree& labelFree);
// The frontier table: accuracy by length as mean (min–max), the frontier under each seed.
std::string seedsRoundsTable(const std::vector<SeedsRound>& rounds);

nlohmann::json seedsLabelFreeToJson(const SeedsLabelFree& labelFree);
SeedsLabelFree seedsLabelFreeFromJson(const nlohmann::json& json, std::size_t seeds);
nlohmann::json seedsRoundsToJson(const std::vector<SeedsRound>& rounds);
// The statistics are computed again from the per-seed rounds (std::invalid_argument when a
// round has not `seeds` entries).
std::vector<SeedsRound> seedsRoundsFromJson(const nlohmann::json& json, std::size_t seeds);

} // namespace relay
