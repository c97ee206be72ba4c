// The report of a pipeline run once per seed (`relay pipeline --seeds N`): every cell of the
// seeds' reports, matched by column title and by task and length, as its value under each seed
// with their mean, minimum, maximum and standard deviation. Columns are whatever the seeds'
// reports have; a column or row one seed lacks leaves that seed's value empty, and the
// statistics are over the seeds that have one. No LibTorch in this header.
#pragma once

#include "train/chain_generation.h"
#include "train/pipeline.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace relay {

// One cell over the seeds.
struct SeedSpread {
    std::vector<std::optional<double>> perSeed; // one per seed, in the report's seed order
    // Over the seeds with a value; empty when none has one. sd is the sample standard deviation
    // (n - 1 in the denominator), empty with fewer than two values.
    std::optional<double> mean, minimum, maximum, sd;

    int present() const;
    static SeedSpread of(std::vector<std::optional<double>> perSeed);
    // "mean (min–max)", with "k/N" after it when only k of the N seeds have a value; "-" for
    // none.
    std::string text() const;
    // Every seed's value with mean, min, max and sd; fromJson computes the statistics again
    // from the values (std::invalid_argument when there are not `seeds` of them).
    nlohmann::json toJson() const;
    static SeedSpread fromJson(const nlohmann::json& json, std::size_t seeds,
                               const std::string& where);
};

// Pads to `width` terminal columns: a UTF-8 character (the en dash) takes one column, not its
// bytes; at least one space follows the text.
std::string paddedToColumns(const std::string& text, std::size_t width);

// One self-improvement round of one task over the seeds (PipelineReport::rounds).
struct SeedsRound {
    std::string task;
    int round = 0;
    std::optional<int> chainLength;
    std::vector<std::optional<PipelineRound>> perSeed; // empty where a seed has no such round
    std::map<int, SeedSpread> accuracy;                // by length, over the seeds' rounds
};

// Stage II's label-free chain filter against the exact verifier over the seeds.
struct SeedsLabelFree {
    std::vector<std::optional<FilterAgreement>> perSeed; // empty where a seed has no Stage II
    std::vector<int> generated;                          // chains written, per seed (0: none)
    SeedSpread precision, recall;
};

// One seed's pipeline: its seed, key (its runs' "pipeline:" tag) and how it ended.
struct PipelineSeed {
    std::uint64_t seed = 0;
    std::string key;
    RunStatus status = RunStatus::Finished;
    std::string message;
};

struct SeedsColumn {
    std::string title;
    std::vector<std::optional<std::int64_t>> runs; // one per seed: the column's run there
};

struct SeedsRow {
    std::string task;
    int length = 0;
    bool inDistribution = false;
    std::vector<SeedSpread> cells; // one per column
};

struct PipelineSeedsReport {
    std::string key;                        // <name>-seeds-<hash>
    RunStatus status = RunStatus::Finished; // the first seed's that did not finish, if any
    std::string message;                    // why, when not finished
    std::vector<PipelineSeed> seeds;
    std::vector<SeedsColumn> columns;
    std::vector<SeedsRow> rows;
    std::optional<SeedsLabelFree> labelFree; // when some seed ran Stage II
    std::vector<SeedsRound> rounds;          // by round, then task
    double wallSeconds = 0;
};

// The seeds' reports cell by cell (`reports[i]` ran with `seeds[i]`). Columns and rows keep
// the order the reports give them, a column only some seeds have after the one before it
// there. Key and wall time are left to the caller.
PipelineSeedsReport aggregatePipelineSeeds(const std::vector<std::uint64_t>& seeds,
                                           const std::vector<PipelineReport>& reports);

// Fixed-width text: each cell "mean (min–max)", with "k/N" after it when only k of the N seeds
// have a value there.
std::string pipelineSeedsTable(const PipelineSeedsReport& report);

// JSON: each row's `values` are the means (what a single pipeline's report has there), its
// `cells` every seed's value with mean, min, max and sd; each column lists its run per seed.
nlohmann::json pipelineSeedsReportToJson(const PipelineSeedsReport& report);
// Reads what pipelineSeedsReportToJson wrote (std::invalid_argument when it is not that).
PipelineSeedsReport pipelineSeedsReportFromJson(const nlohmann::json& json);

} // namespace relay
