#include "train/seed_spread.h"

#include "train/seed_rounds.h"

#include "config/experiment_config.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace relay {
namespace {

using RowKey = std::pair<std::string, int>; // task, length

// Adds the keys of `order` that `merged` lacks, each right after the key before it in `order`,
// so keys every list has keep their place and one list's extras stay beside their neighbours.
template <class Key> void mergeInOrder(std::vector<Key>& merged, const std::vector<Key>& order) {
    auto next = merged.begin();
    for (const auto& key : order) {
        auto found = std::find(merged.begin(), merged.end(), key);
        next = (found == merged.end() ? merged.insert(next, key) : found) + 1;
    }
}

std::optional<double> valueAt(const PipelineReport& report, const RowKey& row,
                              const std::string& title) {
    const auto column =
        std::find_if(report.columns.begin(), report.columns.end(),
                     [&](const PipelineColumn& each) { return each.title == title; });
    const auto found = std::find_if(report.rows.begin(), report.rows.end(), [&](const auto& each) {
        return each.task == row.first && each.length == row.second;
    });
    if (column == report.columns.end() || found == report.rows.end())
        return std::nullopt;
    const auto index = static_cast<std::size_t>(column - report.columns.begin());
    return index < found->values.size() ? found->values[index] : std::nullopt;
}

template <class Value> nlohmann::json optionalJson(const std::optional<Value>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

} // namespace

std::string paddedToColumns(const std::string& text, std::size_t width) {
    const auto columns = static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char byte) { return (byte & 0xC0) != 0x80; }));
    return text + std::string(columns < width ? width - columns : 1, ' ');
}

std::string SeedSpread::text() const {
    if (!mean)
        return "-";
    char text[64];
    std::snprintf(text, sizeof text, "%.3f (%.3f\u2013%.3f)", *mean, *minimum, *maximum);
    std::string result = text;
    if (static_cast<std::size_t>(present()) < perSeed.size())
        result += " " + std::to_string(present()) + "/" + std::to_string(perSeed.size());
    return result;
}

nlohmann::json SeedSpread::toJson() const {
    auto values = nlohmann::json::array();
    for (const auto& value : perSeed)
        values.push_back(optionalJson(value));
    return {{"seeds", values},
            {"mean", optionalJson(mean)},
            {"min", optionalJson(minimum)},
            {"max", optionalJson(maximum)},
            {"sd", optionalJson(sd)}};
}

SeedSpread SeedSpread::fromJson(const nlohmann::json& json, std::size_t seeds,
                                const std::string& where) {
    std::vector<std::optional<double>> values;
    for (const auto& value : json.at("seeds"))
        values.push_back(value.is_null() ? std::nullopt : std::optional(value.get<double>()));
    if (values.size() != seeds)
        throw std::invalid_argument(where + " has " + std::to_string(values.size()) +
                                    " values for " + std::to_string(seeds) + " seeds");
    return of(std::move(values));
}

int SeedSpread::present() const {
    return static_cast<int>(std::count_if(perSeed.begin(), perSeed.end(),
                                          [](const auto& value) { return value.has_value(); }));
}

SeedSpread SeedSpread::of(std::vector<std::optional<double>> perSeed) {
    SeedSpread cell;
    cell.perSeed = std::move(perSeed);
    double sum = 0;
    for (const auto& value : cell.perSeed) {
        if (!value)
            continue;
        sum += *value;
        cell.minimum = cell.minimum ? std::min(*cell.minimum, *value) : *value;
        cell.maximum = cell.maximum ? std::max(*cell.maximum, *value) : *value;
    }
    const int count = cell.present();
    if (count == 0)
        return cell;
    cell.mean = sum / count;
    if (count > 1) {
        double squares = 0;
        for (const auto& value : cell.perSeed)
            if (value)
                squares += (*value - *cell.mean) * (*value - *cell.mean);
        cell.sd = std::sqrt(squares / (count - 1));
    }
    return cell;
}

PipelineSeedsReport aggregatePipelineSeeds(const std::vector<std::uint64_t>& seeds,
                                           const std::vector<PipelineReport>& reports) {
    if (seeds.size() != reports.size())
        throw std::logic_error("aggregatePipelineSeeds: one report per seed");
    PipelineSeedsReport result;
    std::vector<std::string> titles;
    std::vector<RowKey> rows;
    for (std::size_t index = 0; index < reports.size(); ++index) {
        const auto& report = reports[index];
        result.seeds.push_back({seeds[index], report.key, report.status, report.message});
        if (report.status != RunStatus::Finished && result.status == RunStatus::Finished) {
            result.status = report.status;
            result.message = "seed " + std::to_string(seeds[index]) + ": " + report.message;
        }
        std::vector<std::string> reportTitles;
        for (const auto& column : report.columns)
            reportTitles.push_back(column.title);
        mergeInOrder(titles, reportTitles);
        std::vector<RowKey> reportRows;
        for (const auto& row : report.rows)
            reportRows.emplace_back(row.task, row.length);
        mergeInOrder(rows, reportRows);
    }
    for (const auto& title : titles) {
        SeedsColumn column{title, {}};
        for (const auto& report : reports) {
            const auto found =
                std::find_if(report.columns.begin(), report.columns.end(),
                             [&](const PipelineColumn& each) { return each.title == title; });
            column.runs.push_back(found == report.columns.end() ? std::nullopt : found->run);
        }
        result.columns.push_back(column);
    }
    for (const auto& key : rows) {
        SeedsRow row{key.first, key.second, false, {}};
        for (const auto& report : reports)
            for (const auto& each : report.rows)
                if (each.task == key.first && each.length == key.second) {
                    row.inDistribution = each.inDistribution;
                    break;
                }
        for (const auto& title : titles) {
            std::vector<std::optional<double>> values;
            for (const auto& report : reports)
                values.push_back(valueAt(report, key, title));
            row.cells.push_back(SeedSpread::of(std::move(values)));
        }
        result.rows.push_back(row);
    }
    result.labelFree = aggregateLabelFree(reports);
    result.rounds = aggregateRounds(reports);
    return result;
}

std::string pipelineSeedsTable(const PipelineSeedsReport& report) {
    constexpr std::size_t kWidth = 26;
    std::ostringstream out;
    out << "task  length  ";
    for (const auto& column : report.columns)
        out << paddedToColumns(column.title, kWidth);
    out << "\n";
    char cell[64];
    for (const auto& row : report.rows) {
        std::snprintf(cell, sizeof cell, "%-5s %4d%s  ", row.task.c_str(), row.length,
                      row.inDistribution ? " " : "*");
        out << cell;
        for (const auto& spread : row.cells)
            out << paddedToColumns(spread.text(), kWidth);
        out << "\n";
    }
    std::string seedList;
    for (const auto& seed : report.seeds)
        seedList += (seedList.empty() ? "" : ", ") + std::to_string(seed.seed);
    out << "(each cell: mean (min\u2013max) over seeds " << seedList
        << "; k/N: only k of the N seeds have a number there)\n";
    // The columns mean what they mean in one seed's table: its legend is what follows the
    // header in the table of a pipeline without rows.
    const std::string single = pipelineTable(PipelineReport{});
    out << single.substr(single.find('\n') + 1);
    if (report.labelFree)
        out << seedsLabelFreeText(*report.labelFree);
    out << seedsRoundsTable(report.rounds);
    for (const auto& seed : report.seeds) {
        out << "seed " << seed.seed << ": pipeline " << seed.key << " " << textOf(seed.status);
        if (!seed.message.empty())
            out << " (" << seed.message << ")";
        out << "\n";
    }
    return out.str();
}

nlohmann::json pipelineSeedsReportToJson(const PipelineSeedsReport& report) {
    nlohmann::json json = {{"key", report.key},
                           {"status", textOf(report.status)},
                           {"message", report.message},
                           {"wall_seconds", report.wallSeconds}};
    auto seeds = nlohmann::json::array();
    for (const auto& seed : report.seeds)
        seeds.push_back({{"seed", seed.seed},
                         {"key", seed.key},
                         {"status", textOf(seed.status)},
                         {"message", seed.message}});
    json["seeds"] = seeds;
    auto columns = nlohmann::json::array();
    for (const auto& column : report.columns) {
        auto runs = nlohmann::json::array();
        for (const auto& run : column.runs)
            runs.push_back(optionalJson(run));
        columns.push_back({{"title", column.title}, {"runs", runs}});
    }
    json["columns"] = columns;
    auto rows = nlohmann::json::array();
    for (const auto& row : report.rows) {
        auto means = nlohmann::json::array();
        auto cells = nlohmann::json::array();
        for (const auto& cell : row.cells) {
            means.push_back(optionalJson(cell.mean));
            cells.push_back(cell.toJson());
        }
        rows.push_back({{"task", row.task},
                        {"length", row.length},
                        {"in_distribution", row.inDistribution},
                        {"values", means},
                        {"cells", cells}});
    }
    json["rows"] = rows;
    if (report.labelFree)
        json["label_free"] = seedsLabelFreeToJson(*report.labelFree);
    if (!report.rounds.empty())
        json["rounds"] = seedsRoundsToJson(report.rounds);
    return json;
}

PipelineSeedsReport pipelineSeedsReportFromJson(const nlohmann::json& json) {
    try {
        PipelineSeedsReport report;
        report.key = json.at("key").get<std::string>();
        report.status = parseClosedSet<RunStatus>(json.at("status").get<std::string>());
        report.message = json.at("message").get<std::string>();
        report.wallSeconds = json.at("wall_seconds").get<double>();
        for (const auto& seed : json.at("seeds"))
            report.seeds.push_back({seed.at("seed").get<std::uint64_t>(),
                                    seed.at("key").get<std::string>(),
                                    parseClosedSet<RunStatus>(seed.at("status").get<std::string>()),
                                    seed.at("message").get<std::string>()});
        for (const auto& column : json.at("columns")) {
            SeedsColumn read{column.at("title").get<std::string>(), {}};
            for (const auto& run : column.at("runs"))
                read.runs.push_back(run.is_null() ? std::nullopt
                                                  : std::optional(run.get<std::int64_t>()));
            report.columns.push_back(read);
        }
        for (const auto& row : json.at("rows")) {
            SeedsRow read{row.at("task").get<std::string>(),
                          row.at("length").get<int>(),
                          row.at("in_distribution").get<bool>(),
                          {}};
            // The statistics follow from the seeds' values: computed again, not trusted.
            for (const auto& cell : row.at("cells"))
                read.cells.push_back(SeedSpread::fromJson(cell, report.seeds.size(),
                                                          "a cell of " + read.task + " " +
                                                              std::to_string(read.length)));
            if (read.cells.size() != report.columns.size())
                throw std::invalid_argument("row " + read.task + " " + std::to_string(read.length) +
                                            " has " + std::to_string(read.cells.size()) +
                                            " cells for " + std::to_string(report.columns.size()) +
                                            " columns");
            report.rows.push_back(read);
        }
        if (json.contains("label_free"))
            report.labelFree = seedsLabelFreeFromJson(json.at("label_free"), report.seeds.size());
        if (json.contains("rounds"))
            report.rounds = seedsRoundsFromJson(json.at("rounds"), report.seeds.size());
        return report;
    } catch (const nlohmann::json::exception& error) {
        throw std::invalid_argument("not a pipeline report over seeds: " + jsonErrorText(error));
    } catch (const std::invalid_argument& error) {
        throw std::invalid_argument(std::string("not a pipeline report over seeds: ") +
                                    error.what());
    }
}

} // namespace relay
