// `relay runs ...`: list, show, export, rename, tag, note and delete runs in the store.
#include "commands.h"

#include "store/run_store.h"
#include "store/run_summary.h"
#include "tasks/atomic_file.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <sstream>

namespace relay::cli {
namespace {

struct RunsArguments {
    std::string database;
    std::int64_t run = 0;
    std::string text;
    std::string csv;
    bool json = false;
    bool checkpoints = false;
    bool yes = false;
};

std::string percent(const std::optional<double>& value) {
    if (!value)
        return "-";
    char text[16];
    std::snprintf(text, sizeof text, "%.1f%%", *value * 100);
    return text;
}

// A stored time as local time; "?" for one no calendar can show (a damaged store).
std::string timestamp(double seconds) {
    constexpr double kYear9999 = 253402300799.0;
    if (!(seconds >= 0 && seconds <= kYear9999))
        return "?";
    std::time_t time = static_cast<std::time_t>(seconds);
    std::tm local{};
    if (localtime_r(&time, &local) == nullptr)
        return "?";
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &local);
    return text;
}

// Indented JSON; text that is not UTF-8 (a name from a damaged store) is shown replaced, so
// one bad run cannot break the listing of all the others.
std::string readableDump(const nlohmann::json& json) {
    return json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json runJson(const RunRecord& run, const RunSummary& summary) {
    nlohmann::json json = {{"id", run.id},
                           {"name", run.name},
                           {"kind", textOf(run.kind)},
                           {"task", run.task},
                           {"status", textOf(run.status)},
                           {"created_at", run.createdAt},
                           {"duration_seconds", summary.durationSeconds},
                           {"tags", run.tags},
                           {"notes", run.notes},
                           {"device", run.device}};
    json["parent_run"] = run.parentRun ? nlohmann::json(*run.parentRun) : nlohmann::json();
    json["best_in_distribution"] =
        summary.bestInDistribution ? nlohmann::json(*summary.bestInDistribution) : nullptr;
    json["best_out_of_distribution"] =
        summary.bestOutOfDistribution ? nlohmann::json(*summary.bestOutOfDistribution) : nullptr;
    return json;
}

void listRuns(const RunsArguments& arguments) {
    RunStore store(storePath(arguments.database));
    auto now = secondsSinceEpoch();
    nlohmann::json list = nlohmann::json::array();
    if (!arguments.json)
        std::printf("%5s  %-28s %-15s %-8s %-12s %-16s %8s %8s\n", "id", "name", "kind", "task",
                    "status", "started", "in-dist", "longer");
    for (const auto& run : store.runs()) {
        auto summary = summarizeRun(run, store.evals(run.id), now);
        if (arguments.json) {
            list.push_back(runJson(run, summary));
            continue;
        }
        std::printf("%5lld  %-28.28s %-15s %-8s %-12s %-16s %8s %8s\n",
                    static_cast<long long>(run.id), run.name.c_str(), textOf(run.kind).c_str(),
                    run.task.c_str(), textOf(run.status).c_str(), timestamp(run.createdAt).c_str(),
                    percent(summary.bestInDistribution).c_str(),
                    percent(summary.bestOutOfDistribution).c_str());
    }
    if (arguments.json)
        std::cout << readableDump(list) << "\n";
}

void showRun(const RunsArguments& arguments) {
    RunStore store(storePath(arguments.database));
    auto run = store.run(arguments.run);
    auto evals = store.evals(run.id);
    auto json = runJson(run, summarizeRun(run, evals, secondsSinceEpoch()));
    json["config"] =
        parseConfigJson(run.configJson, "run " + std::to_string(run.id) + "'s stored config");
    json["checkpoints"] = nlohmann::json::array();
    for (const auto& checkpoint : store.checkpoints(run.id))
        json["checkpoints"].push_back({{"step", checkpoint.step}, {"path", checkpoint.path}});
    json["metrics"] = store.metricNames(run.id);
    if (!evals.empty()) {
        auto last = evals.back().step;
        json["last_eval"] = nlohmann::json::array();
        for (const auto& eval : evals)
            if (eval.step == last)
                json["last_eval"].push_back({{"task", eval.task},
                                             {"length", eval.length},
                                             {"stopping", eval.stopping},
                                             {"answer_accuracy", eval.answerAccuracy},
                                             {"chain_accuracy", eval.chainAccuracy},
                                             {"token_accuracy", eval.tokenAccuracy}});
    }
    std::cout << readableDump(json) << "\n";
}

void exportRun(const RunsArguments& arguments) {
    RunStore store(storePath(arguments.database));
    auto run = store.run(arguments.run);
    std::ostringstream csv;
    csv << "table,step,wall_time,name,task,length,stopping,samples,value,answer_accuracy,"
           "chain_accuracy,token_accuracy\n";
    for (const auto& point : store.metrics(run.id))
        csv << "metric," << point.step << "," << point.wallTime << "," << point.name << ",,,,,"
            << point.value << ",,,\n";
    for (const auto& eval : store.evals(run.id))
        csv << "eval," << eval.step << ",,," << eval.task << "," << eval.length << ","
            << eval.stopping << "," << eval.samples << ",," << eval.answerAccuracy << ","
            << eval.chainAccuracy << "," << eval.tokenAccuracy << "\n";
    if (arguments.csv == "-") {
        std::cout << csv.str();
        return;
    }
    writeFileAtomically(arguments.csv, csv.str());
    std::cout << "wrote " << arguments.csv << "\n";
}

void deleteRun(const RunsArguments& arguments) {
    RunStore store(storePath(arguments.database));
    auto run = store.run(arguments.run);
    if (!arguments.yes)
        throw std::invalid_argument("deleting run " + std::to_string(run.id) + " ('" + run.name +
                                    "') cannot be undone; repeat with --yes");
    // Refuses a running run; the checkpoint files go after the rows.
    const std::size_t removed = store.deleteRun(run.id, arguments.checkpoints).removedFiles;
    std::cout << "deleted run " << run.id << (arguments.checkpoints ? " and " : "")
              << (arguments.checkpoints ? std::to_string(removed) + " checkpoint files" : "")
              << "\n";
}

void addStoreOption(CLI::App* command, RunsArguments& arguments) {
    command->add_option("--db", arguments.database, "Run store (default: the user's store)");
}

CLI::App* runCommand(CLI::App* parent, const char* name, const char* help,
                     std::shared_ptr<RunsArguments> arguments) {
    auto* command = parent->add_subcommand(name, help);
    command->add_option("run", arguments->run, "Run id (see relay runs list)")->required();
    addStoreOption(command, *arguments);
    return command;
}

} // namespace

void addRunsCommands(CLI::App& app) {
    auto arguments = std::make_shared<RunsArguments>();
    auto* runs = app.add_subcommand("runs", "List, show, export, rename, tag and delete runs");
    runs->require_subcommand(1);

    auto* list = runs->add_subcommand(
        "list", "Every run: status, kind, task, best in- and out-of-distribution accuracy");
    list->add_flag("--json", arguments->json, "Print JSON");
    addStoreOption(list, *arguments);
    list->callback([arguments] { listRuns(*arguments); });

    runCommand(runs, "show", "A run's config, checkpoints and latest evaluation (JSON)", arguments)
        ->callback([arguments] { showRun(*arguments); });

    auto* exported =
        runCommand(runs, "export", "Write a run's metrics and evaluations as CSV", arguments);
    exported->add_option("--csv", arguments->csv, "Output file ('-' for stdout)")->required();
    exported->callback([arguments] { exportRun(*arguments); });

    auto* remove = runCommand(runs, "delete", "Delete a run from the store", arguments);
    remove->add_flag("--checkpoints", arguments->checkpoints, "Also delete its checkpoint files");
    remove->add_flag("--yes", arguments->yes, "Confirm");
    remove->callback([arguments] { deleteRun(*arguments); });

    auto* rename = runCommand(runs, "rename", "Rename a run", arguments);
    rename->add_option("name", arguments->text, "New name")->required();
    rename->callback([arguments] {
        RunStore(storePath(arguments->database)).rename(arguments->run, arguments->text);
    });

    auto* tag = runCommand(runs, "tag", "Set a run's tags (comma-separated)", arguments);
    tag->add_option("tags", arguments->text, "Tags, e.g. baseline,paper")->required();
    tag->callback([arguments] {
        RunStore(storePath(arguments->database)).setTags(arguments->run, arguments->text);
    });

    auto* note = runCommand(runs, "note", "Set a run's notes", arguments);
    note->add_option("text", arguments->text, "The note")->required();
    note->callback([arguments] {
        RunStore(storePath(arguments->database)).setNotes(arguments->run, arguments->text);
    });
}

} // namespace relay::cli
