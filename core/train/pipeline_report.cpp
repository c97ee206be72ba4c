#include "train/pipeline_report.h"

#include "store/length_frontier.h"
#include "train/looped_rounds.h"
#include "train/pipeline_stage_names.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>

namespace relay {
namespace {

// One measure of a run's newest evaluation per (task, length): oracle for looped runs, greedy
// for AR runs.
std::map<std::pair<std::string, int>, double> finalEvaluation(RunStore& store, std::int64_t run,
                                                              double EvalRecord::*measure) {
    auto evals = store.evals(run);
    std::int64_t last = 0;
    for (const auto& eval : evals)
        last = std::max(last, eval.step);
    std::map<std::pair<std::string, int>, double> values;
    for (const auto& eval : evals)
        if (eval.step == last && (eval.stopping == "oracle" || eval.stopping == "greedy"))
            values[{eval.task, eval.length}] = eval.*measure;
    return values;
}

void fillTable(RunStore& store, const ExperimentConfig& config, PipelineReport& report) {
    const std::vector<std::pair<std::string, std::string>> columns = {
        {stageOf(RunKind::Looped), "looped (aligned)"},
        {stageOf(RunKind::LoopedVanilla), "looped (vanilla)"},
        {stageOf(RunKind::Ar), "AR baseline"},
        {stageOf(RunKind::ArRelay), "AR + RELAY chains"},
        {kLabelFreeFineTuneStage, "AR + label-free chains"},
        {kVerifiedFineTuneStage, "AR + verified chains"},
        {stageOf(RunKind::ArSelf), "AR self-chain"},
    };
    std::vector<std::map<std::pair<std::string, int>, double>> values;
    for (const auto& [stage, title] : columns) {
        auto found = report.runs.find(stage);
        if (found == report.runs.end())
            continue;
        report.columns.push_back({title, found->second});
        values.push_back(finalEvaluation(store, found->second, &EvalRecord::answerAccuracy));
    }
    // The paper's Fig. 7 measure: the aligned looped model's CoT token accuracy by length.
    if (auto found = report.runs.find(stageOf(RunKind::Looped)); found != report.runs.end()) {
        report.columns.push_back({"looped tokens right", found->second});
        values.push_back(finalEvaluation(store, found->second, &EvalRecord::tokenAccuracy));
    }
    std::map<std::pair<std::string, int>, double> chains, chainTokens, kept, precision;
    if (report.stageTwo) {
        report.columns.push_back({"chains verified", report.stageTwo->generatorRun});
        report.columns.push_back({"chain tokens right", report.stageTwo->generatorRun});
        report.columns.push_back({"label-free kept", report.stageTwo->generatorRun});
        report.columns.push_back({"label-free precision", report.stageTwo->generatorRun});
        for (const auto& row : report.stageTwo->correctness) {
            chains[{row.task, row.length}] = row.verified;
            if (row.tokenAccuracy >= 0)
                chainTokens[{row.task, row.length}] = row.tokenAccuracy;
            if (row.samples > 0)
                kept[{row.task, row.length}] =
                    static_cast<double>(row.labelFree.selected) / row.samples;
            if (row.labelFree.precision() >= 0)
                precision[{row.task, row.length}] = row.labelFree.precision();
        }
    }
    for (const auto& entry : config.tasks)
        for (int length = config.testLengths.min; length <= config.testLengths.max; ++length) {
            PipelineRow row;
            row.task = entry.task;
            row.length = length;
            row.inDistribution = length <= config.trainLengths.max;
            for (const auto& column : values) {
                auto found = column.find({entry.task, length});
                row.values.push_back(found == column.end() ? std::nullopt
                                                           : std::optional(found->second));
            }
            if (report.stageTwo)
                for (const auto* column : {&chains, &chainTokens, &kept, &precision}) {
                    auto found = column->find({entry.task, length});
                    row.values.push_back(found == column->end() ? std::nullopt
                                                                : std::optional(found->second));
                }
            // A length with no test problems has no number anywhere: every problem of it is in
            // the training set (ARI mod 11 has about 20,000 of two operators; cpu-quick-ari
            // trains on 120,000 such draws).
            if (std::any_of(row.values.begin(), row.values.end(),
                            [](const auto& value) { return value.has_value(); }))
                report.rows.push_back(row);
        }
}

// The looped model of every round that has a run, round 0 being Stage I's: final answer
// accuracy by length, its frontier, and the label-free filter on the round's chains.
void fillRounds(RunStore& store, const ExperimentConfig& config, PipelineReport& report) {
    if (config.stage2.rounds < 1)
        return;
    for (int round = 0; round <= config.stage2.rounds; ++round) {
        const auto found =
            report.runs.find(round == 0 ? stageOf(RunKind::Looped) : loopedRoundStage(round));
        if (found == report.runs.end())
            break;
        const auto accuracy = finalEvaluation(store, found->second, &EvalRecord::answerAccuracy);
        const auto chains = round == 0 ? std::vector<ChainRecord>{} : store.chains(found->second);
        for (const auto& entry : config.tasks) {
            PipelineRound row;
            row.round = round;
            row.run = found->second;
            row.task = entry.task;
            if (round > 0)
                row.chainLength = roundChainLength(config, round);
            for (const auto& [key, value] : accuracy)
                if (key.first == entry.task)
                    row.accuracy[key.second] = value;
            row.frontier = frontierLength(row.accuracy, config.trainLengths.max);
            for (const auto& chain : chains)
                if (chain.task == entry.task) {
                    ++row.written;
                    row.kept += chain.labelFreeKept == 1;
                    row.keptVerified += chain.labelFreeKept == 1 && chain.verified;
                }
            report.rounds.push_back(row);
        }
    }
}

} // namespace

void fillPipelineReport(RunStore& store, const ExperimentConfig& config, PipelineReport& report) {
    fillTable(store, config, report);
    fillRounds(store, config, report);
}

namespace {

// The self-improvement rounds' frontier table: one row per round and task, answer accuracy by
// length, then the frontier length.
std::string roundsTable(const PipelineReport& report) {
    if (report.rounds.empty())
        return "";
    std::set<int> lengths;
    for (const auto& row : report.rounds)
        for (const auto& entry : row.accuracy)
            lengths.insert(entry.first);
    std::ostringstream out;
    char cell[64];
    out << "\nself-improvement rounds: the looped model after each round (answer accuracy, oracle "
           "T)\nround  run   task  chains at  kept        ";
    for (int length : lengths) {
        std::snprintf(cell, sizeof cell, "%-7d", length);
        out << cell;
    }
    out << "frontier\n";
    for (const auto& row : report.rounds) {
        std::snprintf(cell, sizeof cell, "%-6d %-5lld %-5s ", row.round,
                      static_cast<long long>(row.run), row.task.c_str());
        out << cell;
        if (row.chainLength) {
            std::snprintf(cell, sizeof cell, "%-10d %-12s", *row.chainLength,
                          (std::to_string(row.kept) + "/" + std::to_string(row.written)).c_str());
            out << cell;
        } else {
            out << "-          -           ";
        }
        for (int length : lengths) {
            const auto found = row.accuracy.find(length);
            if (found == row.accuracy.end())
                std::snprintf(cell, sizeof cell, "%-7s", "-");
            else
                std::snprintf(cell, sizeof cell, "%-7.3f", found->second);
            out << cell;
        }
        out << (row.frontier ? std::to_string(*row.frontier) : std::string("none")) << "\n";
    }
    out << "(round 0: Stage I; round r fine-tunes round r-1's looped model on the chains it "
           "wrote at the length shown that the label-free filter kept, plus earlier rounds' and "
           "original data; frontier: the first length beyond training with accuracy below 0.5)\n";
    return out.str();
}

} // namespace

std::string pipelineTable(const PipelineReport& report) {
    std::ostringstream out;
    char cell[64];
    // Each column as wide as its title and two spaces (at least a number's width).
    auto padded = [](const std::string& text, std::size_t width) {
        return text + std::string(width > text.size() ? width - text.size() : 0, ' ');
    };
    std::vector<std::size_t> widths;
    out << "task  length  ";
    for (const auto& column : report.columns) {
        widths.push_back(std::max<std::size_t>(column.title.size(), 5) + 2);
        out << padded(column.title, widths.back());
    }
    out << "\n";
    for (const auto& row : report.rows) {
        std::snprintf(cell, sizeof cell, "%-5s %4d%s  ", row.task.c_str(), row.length,
                      row.inDistribution ? " " : "*");
        out << cell;
        for (std::size_t index = 0; index < row.values.size(); ++index) {
            const auto& value = row.values[index];
            std::snprintf(cell, sizeof cell, "%.3f", value.value_or(0));
            out << padded(value ? cell : "-", index < widths.size() ? widths[index] : 7);
        }
        out << "\n";
    }
    out << "(* = longer than training; model columns: final-answer accuracy, looped with the "
           "oracle T, AR greedy; looped tokens right: the aligned looped model's CoT token "
           "accuracy (the paper's Fig. 7); chains verified: share of generated chains fully "
           "correct; chain "
           "tokens right: mean share of a chain's true step tokens it has in place; label-free "
           "kept: share of chains the filter keeps without a verifier, precision: share of "
           "those the verifier accepts)\n";
    if (report.stageTwo) {
        const auto agreement = labelFreeAgreement(report.stageTwo->correctness);
        if (agreement.precision() >= 0 && agreement.recall() >= 0) {
            std::snprintf(cell, sizeof cell, "precision %.3f, recall %.3f", agreement.precision(),
                          agreement.recall());
            out << "label-free filter over all lengths: kept " << agreement.selected << " of "
                << report.stageTwo->generated << " chains; " << cell
                << " against the exact verifier\n";
        }
    }
    out << roundsTable(report);
    return out.str();
}

nlohmann::json pipelineRoundToJson(const PipelineRound& row) {
    auto accuracy = nlohmann::json::array();
    for (const auto& [length, value] : row.accuracy)
        accuracy.push_back({{"length", length}, {"answer_accuracy", value}});
    return {{"round", row.round},
            {"run", row.run},
            {"task", row.task},
            {"chain_length", row.chainLength ? nlohmann::json(*row.chainLength) : nullptr},
            {"accuracy", accuracy},
            {"frontier", row.frontier ? nlohmann::json(*row.frontier) : nullptr},
            {"chains_written", row.written},
            {"chains_kept", row.kept},
            {"chains_kept_verified", row.keptVerified}};
}

PipelineRound pipelineRoundFromJson(const nlohmann::json& json) {
    PipelineRound row;
    row.round = json.at("round").get<int>();
    row.run = json.at("run").get<std::int64_t>();
    row.task = json.at("task").get<std::string>();
    if (!json.at("chain_length").is_null())
        row.chainLength = json.at("chain_length").get<int>();
    for (const auto& entry : json.at("accuracy"))
        row.accuracy[entry.at("length").get<int>()] = entry.at("answer_accuracy").get<double>();
    if (!json.at("frontier").is_null())
        row.frontier = json.at("frontier").get<int>();
    row.written = json.at("chains_written").get<int>();
    row.kept = json.at("chains_kept").get<int>();
    row.keptVerified = json.at("chains_kept_verified").get<int>();
    return row;
}

nlohmann::json pipelineReportToJson(const PipelineReport& report) {
    nlohmann::json json = {{"key", report.key},
                           {"status", textOf(report.status)},
                           {"message", report.message},
                           {"wall_seconds", report.wallSeconds},
                           {"runs", report.runs}};
    auto columns = nlohmann::json::array();
    for (const auto& column : report.columns)
        columns.push_back(
            {{"title", column.title}, {"run", column.run ? nlohmann::json(*column.run) : nullptr}});
    json["columns"] = columns;
    auto rows = nlohmann::json::array();
    for (const auto& row : report.rows) {
        auto values = nlohmann::json::array();
        for (const auto& value : row.values)
            values.push_back(value ? nlohmann::json(*value) : nlohmann::json(nullptr));
        rows.push_back({{"task", row.task},
                        {"length", row.length},
                        {"in_distribution", row.inDistribution},
                        {"values", values}});
    }
    json["rows"] = rows;
    if (report.stageTwo)
        json["stage2"] = stageTwoResultToJson(*report.stageTwo);
    if (!report.rounds.empty()) {
        auto rounds = nlohmann::json::array();
        for (const auto& row : report.rounds)
            rounds.push_back(pipelineRoundToJson(row));
        json["rounds"] = rounds;
    }
    return json;
}

} // namespace relay
