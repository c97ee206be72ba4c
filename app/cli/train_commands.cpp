// `relay train`: one run of one kind from a config or preset, or `--resume RUN`.
#include "closed_set_option.h"
#include "commands.h"

#include "config/experiment_config.h"
#include "config/stored_config.h"
#include "event_printers.h"
#include "store/run_store.h"
#include "train/trainer.h"
#include "worker_launcher.h"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>

namespace relay::cli {
namespace {

struct TrainArguments {
    std::string config;
    std::string preset;
    std::vector<std::string> overrides;
    RunKind kind = RunKind::Looped;
    std::string name;
    std::string database;
    bool json = false;
    std::int64_t resume = 0;
    std::int64_t parent = 0;
    std::int64_t generator = 0;
};

int exitStatusOf(const TrainingOutcome& outcome) {
    return outcome.status == RunStatus::Finished ? 0 : 1;
}

TrainingOutcome startOrResume(RunStore& store, const TrainArguments& arguments,
                              TrainingEvents& events, const std::atomic<bool>& cancel) {
    if (arguments.resume > 0)
        return resumeRun(store, arguments.resume, events, cancel);
    TrainingRequest request;
    request.config = resolveConfig(arguments.config, arguments.preset, arguments.overrides);
    request.kind = arguments.kind;
    request.name = arguments.name;
    if (arguments.parent > 0)
        request.parentRun = arguments.parent;
    if (arguments.generator > 0)
        request.generatorRun = arguments.generator;
    if ((request.kind == RunKind::ArRelay || request.kind == RunKind::ArSelf) && !request.parentRun)
        throw std::invalid_argument("--kind " + textOf(arguments.kind) +
                                    " fine-tunes an AR run: give --parent RUN");
    return trainNewRun(store, request, events, cancel);
}

void runTrain(const TrainArguments& arguments) {
    auto events = makeEventPrinter(arguments.json);
    const auto& cancel = installCancelHandler();
    RunStore store(storePath(arguments.database));
    TrainingOutcome outcome;
    try {
        outcome = startOrResume(store, arguments, *events, cancel);
    } catch (const std::invalid_argument&) {
        throw; // usage or config: exit status 2
    } catch (const std::exception& error) {
        std::cerr << "relay: run failed: " << errorText(error) << "\n";
        throw CLI::RuntimeError(1);
    }
    if (outcome.status == RunStatus::Cancelled && !arguments.json)
        std::cout << "resume with: relay train --resume " << outcome.run
                  << (arguments.database.empty() ? "" : " --db " + arguments.database) << "\n";
    if (int status = exitStatusOf(outcome); status != 0)
        throw CLI::RuntimeError(status);
}

} // namespace

ExperimentConfig resolveConfig(const std::string& file, const std::string& preset,
                               const std::vector<std::string>& overrides,
                               const std::string& fallbackPreset) {
    if (!file.empty() && !preset.empty())
        throw std::invalid_argument("give --config or --preset, not both");
    nlohmann::json config = !file.empty()             ? loadConfigJson(file)
                            : !preset.empty()         ? loadPreset(preset)
                            : !fallbackPreset.empty() ? loadPreset(fallbackPreset)
                                                      : nlohmann::json::object();
    for (const auto& assignment : overrides)
        applyOverride(config, assignment);
    return experimentConfigFromJson(config);
}

std::string storePath(const std::string& given) {
    std::string path = given.empty() ? RunStore::defaultPath() : given;
    auto folder = std::filesystem::path(path).parent_path();
    if (!folder.empty())
        std::filesystem::create_directories(folder);
    return path;
}

void addTrainCommands(CLI::App& app) {
    auto arguments = std::make_shared<TrainArguments>();
    auto* train = app.add_subcommand(
        "train", "Train one run: looped (RELAY Stage I), looped-vanilla or ar (AR-CoT baseline)");
    train->add_option("--config", arguments->config, "Experiment config (JSON)")
        ->check(CLI::ExistingFile);
    train->add_option("--preset", arguments->preset,
                      "Shipped preset, e.g. cpu-quick-ari, paper-ari (see relay config --presets)");
    train->add_option("--set", arguments->overrides,
                      "Override a config key, e.g. --set optimizer.learning_rate=1e-3 "
                      "(repeatable)");
    addClosedSetOption(train, "--kind", arguments->kind,
                       "The run kind; ar-relay and ar-self need --parent and a data.train_file "
                       "(`relay finetune` sets both up)");
    train->add_option("--parent", arguments->parent,
                      "Start from this run's newest weights (fine-tuning)");
    train->add_option("--generator", arguments->generator,
                      "Record the looped run whose chains this run trains on");
    train->add_option("--name", arguments->name, "Run name shown in lists");
    train->add_option("--db", arguments->database,
                      "Run store (default: ~/.local/share/relay-workbench/runs.db)");
    train->add_flag("--json", arguments->json, "One JSON event per line (the GUI's protocol)");
    train->add_option("--resume", arguments->resume,
                      "Continue a cancelled or interrupted run from its last checkpoint");
    auto workers = std::make_shared<WorkerFlags>();
    addWorkerFlags(*train, *workers);
    train->callback([arguments, workers] {
        runWithWorkers(
            *workers,
            [&] {
                if (arguments->resume == 0)
                    return workerProcesses(
                        resolveConfig(arguments->config, arguments->preset, arguments->overrides));
                auto stored = RunStore(storePath(arguments->database)).run(arguments->resume);
                return workerProcesses(storedExperimentConfig(
                    stored.configJson, "run " + std::to_string(stored.id) + "'s stored config"));
            },
            [&] { runTrain(*arguments); });
    });
    addWorkerCommand(app);
}

} // namespace relay::cli
