#include "train/seed_rounds.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace relay {
namespace {

std::optional<double> defined(double value) {
    return value >= 0 ? std::optional(value) : std::nullopt;
}

SeedsLabelFree labelFreeOf(std::vector<std::optional<FilterAgreement>> perSeed,
                           std::vector<int> generated) {
    SeedsLabelFree result;
    std::vector<std::optional<double>> precision, recall;
    for (const auto& agreement : perSeed) {
        precision.push_back(agreement ? defined(agreement->precision()) : std::nullopt);
        recall.push_back(agreement ? defined(agreement->recall()) : std::nullopt);
    }
    result.perSeed = std::move(perSeed);
    result.generated = std::move(generated);
    result.precision = SeedSpread::of(std::move(precision));
    result.recall = SeedSpread::of(std::move(recall));
    return result;
}

// Each length's accuracy over the seeds that have the round (a seed without it, or without
// that length, leaves its value empty).
void fillAccuracy(SeedsRound& round) {
    std::set<int> lengths;
    for (const auto& seed : round.perSeed)
        if (seed)
            for (const auto& entry : seed->accuracy)
                lengths.insert(entry.first);
    round.accuracy.clear();
    for (int length : lengths) {
        std::vector<std::optional<double>> values;
        for (const auto& seed : round.perSeed) {
            const bool has = seed && seed->accuracy.count(length) > 0;
            values.push_back(has ? std::optional(seed->accuracy.at(length)) : std::nullopt);
        }
        round.accuracy[length] = SeedSpread::of(std::move(values));
    }
}

} // namespace

std::optional<SeedsLabelFree> aggregateLabelFree(const std::vector<PipelineReport>& reports) {
    std::vector<std::optional<FilterAgreement>> perSeed;
    std::vector<int> generated;
    bool any = false;
    for (const auto& report : reports) {
        any = any || report.stageTwo.has_value();
        perSeed.push_back(report.stageTwo
                              ? std::optional(labelFreeAgreement(report.stageTwo->correctness))
                              : std::nullopt);
        generated.push_back(report.stageTwo ? report.stageTwo->generated : 0);
    }
    if (!any)
        return std::nullopt;
    return labelFreeOf(std::move(perSeed), std::move(generated));
}

std::vector<SeedsRound> aggregateRounds(const std::vector<PipelineReport>& reports) {
    std::vector<SeedsRound> result;
    for (std::size_t seed = 0; seed < reports.size(); ++seed)
        for (const auto& row : reports[seed].rounds) {
            auto found = std::find_if(result.begin(), result.end(), [&](const SeedsRound& each) {
                return each.round == row.round && each.task == row.task;
            });
            if (found == result.end()) {
                SeedsRound round;
                round.task = row.task;
                round.round = row.round;
                round.chainLength = row.chainLength;
                round.perSeed.resize(reports.size());
                found = result.insert(std::upper_bound(result.begin(), result.end(), row.round,
                                                       [](int value, const SeedsRound& each) {
                                                           return value < each.round;
                                                       }),
                                      round);
            }
            found->perSeed[seed] = row;
        }
    for (auto& round : result)
        fillAccuracy(round);
    return result;
}

std::string seedsLabelFreeText(const SeedsLabelFree& labelFree) {
    std::ostringstream out;
    out << "label-free filter over all lengths, against the exact verifier: precision "
        << labelFree.precision.text() << ", recall " << labelFree.recall.text() << "; kept";
    for (std::size_t seed = 0; seed < labelFree.perSeed.size(); ++seed) {
        out << (seed == 0 ? " " : ", ");
        if (labelFree.perSeed[seed])
            out << labelFree.perSeed[seed]->selected << " of " << labelFree.generated[seed];
        else
            out << "-";
    }
    out << " chains (per seed)\n";
    return out.str();
}

std::string seedsRoundsTable(const std::vector<SeedsRound>& rounds) {
    if (rounds.empty())
        return "";
    constexpr std::size_t kWidth = 22;
    std::set<int> lengths;
    for (const auto& round : rounds)
        for (const auto& entry : round.accuracy)
            lengths.insert(entry.first);
    std::ostringstream out;
    out << "\nself-improvement rounds: the looped model after each round (answer accuracy, "
           "oracle T, mean (min\u2013max) over seeds)\nround  task  chains at  ";
    for (int length : lengths)
        out << paddedToColumns(std::to_string(length), kWidth);
    out << "frontier per seed\n";
    char cell[64];
    for (const auto& round : rounds) {
        std::snprintf(cell, sizeof cell, "%-6d %-5s %-10s ", round.round, round.task.c_str(),
                      round.chainLength ? std::to_string(*round.chainLength).c_str() : "-");
        out << cell;
        for (int length : lengths) {
            const auto found = round.accuracy.find(length);
            out << paddedToColumns(found == round.accuracy.end() ? "-" : found->second.text(),
                                   kWidth);
        }
        std::string frontiers;
        for (const auto& seed : round.perSeed)
            frontiers +=
                (frontiers.empty() ? "" : " ") + (!seed            ? std::string("-")
                                                  : seed->frontier ? std::to_string(*seed->frontier)
                                                                   : std::string("none"));
        out << frontiers << "\n";
    }
    out << "(frontier: the first length beyond training with accuracy below 0.5; none: every "
           "tested length stays at or above it; -: that seed has no such round)\n";
    return out.str();
}

nlohmann::json seedsLabelFreeToJson(const SeedsLabelFree& labelFree) {
    auto seeds = nlohmann::json::array();
    for (std::size_t seed = 0; seed < labelFree.perSeed.size(); ++seed) {
        const auto& agreement = labelFree.perSeed[seed];
        seeds.push_back(agreement
                            ? nlohmann::json{{"generated", labelFree.generated[seed]},
                                             {"kept", agreement->selected},
                                             {"kept_verified", agreement->selectedAndVerified},
                                             {"verified", agreement->verified}}
                            : nlohmann::json(nullptr));
    }
    return {{"seeds", seeds},
            {"precision", labelFree.precision.toJson()},
            {"recall", labelFree.recall.toJson()}};
}

SeedsLabelFree seedsLabelFreeFromJson(const nlohmann::json& json, std::size_t seeds) {
    std::vector<std::optional<FilterAgreement>> perSeed;
    std::vector<int> generated;
    for (const auto& seed : json.at("seeds")) {
        if (seed.is_null()) {
            perSeed.emplace_back();
            generated.push_back(0);
            continue;
        }
        perSeed.push_back(FilterAgreement{seed.at("kept").get<int>(),
                                          seed.at("kept_verified").get<int>(),
                                          seed.at("verified").get<int>()});
        generated.push_back(seed.at("generated").get<int>());
    }
    if (perSeed.size() != seeds)
        throw std::invalid_argument("the label-free filter has " + std::to_string(perSeed.size()) +
                                    " seeds' counts for " + std::to_string(seeds) + " seeds");
    return labelFreeOf(std::move(perSeed), std::move(generated));
}

nlohmann::json seedsRoundsToJson(const std::vector<SeedsRound>& rounds) {
    auto json = nlohmann::json::array();
    for (const auto& round : rounds) {
        auto seeds = nlohmann::json::array();
        for (const auto& seed : round.perSeed)
            seeds.push_back(seed ? pipelineRoundToJson(*seed) : nlohmann::json(nullptr));
        auto accuracy = nlohmann::json::array();
        for (const auto& [length, spread] : round.accuracy) {
            auto entry = spread.toJson();
            entry["length"] = length;
            accuracy.push_back(entry);
        }
        json.push_back({{"round", round.round},
                        {"task", round.task},
                        {"chain_length", round.chainLength ? nlohmann::json(*round.chainLength)
                                                           : nlohmann::json(nullptr)},
                        {"seeds", seeds},
                        {"accuracy", accuracy}});
    }
    return json;
}

std::vector<SeedsRound> seedsRoundsFromJson(const nlohmann::json& json, std::size_t seeds) {
    std::vector<SeedsRound> rounds;
    for (const auto& entry : json) {
        SeedsRound round;
        round.round = entry.at("round").get<int>();
        round.task = entry.at("task").get<std::string>();
        if (!entry.at("chain_length").is_null())
            round.chainLength = entry.at("chain_length").get<int>();
        for (const auto& seed : entry.at("seeds"))
            round.perSeed.push_back(seed.is_null() ? std::nullopt
                                                   : std::optional(pipelineRoundFromJson(seed)));
        if (round.perSeed.size() != seeds)
            throw std::invalid_argument("round " + std::to_string(round.round) + " of " +
                                        round.task + " has " +
                                        std::to_string(round.perSeed.size()) + " entries for " +
                                        std::to_string(seeds) + " seeds");
        fillAccuracy(round);
        rounds.push_back(std::move(round));
    }
    return rounds;
}

} // namespace relay
