// `relay pipeline` (the whole method, resumable), `relay generate` (Stage II chains from a
// looped run) and `relay finetune` (Stage II generation, then the AR fine-tune on it).
#include "closed_set_option.h"
#include "commands.h"
#include "worker_launcher.h"

#include "config/stored_config.h"
#include "event_printers.h"
#include "store/run_store.h"
#include "tasks/atomic_file.h"
#include "train/pipeline.h"
#include "train/pipeline_seeds.h"
#include "train/stage_two.h"
#include "train/trainer.h"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <type_traits>

namespace relay::cli {
namespace {

namespace fs = std::filesystem;

struct PipelineArguments {
    std::string config;
    std::string preset;
    std::vector<std::string> overrides;
    std::string name;
    std::string database;
    bool json = false;
    int seeds = 0; // --seeds: pipeline.seeds (checked with the key's range)
};

// "pipeline <key>: finished, 812 s" (or "... over 3 seeds: ...") and the table.
template <class Report> void printReport(const Report& report, const std::string& table) {
    std::cout << "\npipeline " << report.key;
    if constexpr (std::is_same_v<Report, PipelineSeedsReport>)
        std::cout << " over " << report.seeds.size() << " seeds";
    std::cout << ": " << textOf(report.status);
    if (!report.message.empty())
        std::cout << " (" << report.message << ")";
    std::cout << ", " << static_cast<int>(report.wallSeconds) << " s\n" << table;
}

void runPipelineCommand(const PipelineArguments& arguments) {
    auto events = makeEventPrinter(arguments.json);
    const auto& cancel = installCancelHandler();
    PipelineRequest request;
    request.config =
        resolveConfig(arguments.config, arguments.preset, arguments.overrides, "cpu-quick-ari");
    request.name = arguments.name;
    RunStore store(storePath(arguments.database));
    RunStatus status = RunStatus::Finished;
    try {
        // One seed: one pipeline, as before pipeline.seeds existed.
        if (request.config.pipeline.seeds > 1) {
            const auto report = runPipelineSeeds(store, request, *events, cancel);
            status = report.status;
            if (!arguments.json)
                printReport(report, pipelineSeedsTable(report));
        } else {
            const auto report = runPipeline(store, request, *events, cancel);
            status = report.status;
            if (!arguments.json)
                printReport(report, pipelineTable(report));
        }
    } catch (const std::invalid_argument&) {
        throw;
    } catch (const std::exception& error) {
        std::cerr << "relay: pipeline failed: " << errorText(error) << "\n";
        throw CLI::RuntimeError(1);
    }
    if (status != RunStatus::Finished) {
        if (!arguments.json)
            std::cout << "run the same command again to resume\n";
        throw CLI::RuntimeError(1);
    }
}

struct GenerateArguments {
    std::int64_t run = 0;
    std::vector<std::string> overrides; // stage2.* only
    std::string folder;
    std::string database;
    bool json = false;
};

std::string defaultStageTwoFolder(const RunStore& store, std::int64_t run) {
    return (fs::path(store.path()).parent_path() / "stage2" / ("run-" + std::to_string(run)))
        .string();
}

StageTwoResult generateInto(RunStore& store, std::int64_t run, const std::string& folder,
                            TrainingEvents& events, const std::vector<std::string>& overrides) {
    auto result = generateStageTwo(store, run, folder, events, overrides);
    // `relay finetune` trusts this record: never leave half of it.
    writeFileAtomically((fs::path(folder) / "stage2.json").string(),
                        stageTwoResultToJson(result).dump(2) + "\n");
    return result;
}

std::vector<std::string> stageTwoKeysOf(const std::vector<std::string>& overrides) {
    std::vector<std::string> keys;
    for (const auto& assignment : overrides)
        if (assignment.rfind("stage2.", 0) == 0 || assignment.rfind("iterations.", 0) == 0)
            keys.push_back(assignment); // what Stage II writes, and the loop count it uses
    return keys;
}

void printCorrectness(const StageTwoResult& result) {
    std::cout << "chains written by run " << result.generatorRun << ": " << result.generated << " ("
              << result.verified << " verified), plus " << result.original
              << " original-length problems\n"
              << "task  length  samples  verified  answer right  tokens right\n";
    for (const auto& row : result.correctness) {
        char line[112];
        std::snprintf(line, sizeof line, "%-5s %6d  %7d  %8.3f  %12.3f  ", row.task.c_str(),
                      row.length, row.samples, row.verified, row.answerCorrect);
        std::cout << line;
        if (row.tokenAccuracy >= 0)
            std::snprintf(line, sizeof line, "%12.3f\n", row.tokenAccuracy);
        else
            std::snprintf(line, sizeof line, "%12s\n", "-");
        std::cout << line;
    }
    const auto agreement = labelFreeAgreement(result.correctness);
    if (agreement.precision() >= 0 && agreement.recall() >= 0) {
        char line[160];
        std::snprintf(line, sizeof line,
                      "label-free filter: kept %d of %d chains; precision %.3f, recall %.3f "
                      "against the verifier\n",
                      agreement.selected, result.generated, agreement.precision(),
                      agreement.recall());
        std::cout << line;
    }
    std::cout << "fine-tuning sets: " << result.allChainsFile << "\n                  "
              << result.labelFreeChainsFile << "\n                  " << result.verifiedChainsFile
              << "\n";
}

void runGenerate(const GenerateArguments& arguments) {
    auto events = makeEventPrinter(arguments.json);
    RunStore store(storePath(arguments.database));
    auto folder =
        arguments.folder.empty() ? defaultStageTwoFolder(store, arguments.run) : arguments.folder;
    auto result = generateInto(store, arguments.run, folder, *events, arguments.overrides);
    if (!arguments.json)
        printCorrectness(result);
}

struct FinetuneArguments {
    std::int64_t generator = 0;
    std::int64_t baseline = 0;
    ChainSelection chains = ChainSelection::All;
    std::vector<std::string> overrides;
    std::string name;
    std::string folder;
    std::string database;
    bool json = false;
};

void runFinetune(const FinetuneArguments& arguments) {
    auto events = makeEventPrinter(arguments.json);
    const auto& cancel = installCancelHandler();
    RunStore store(storePath(arguments.database));
    auto baseline = store.run(arguments.baseline);
    if (!isAutoregressive(baseline.kind))
        throw std::invalid_argument("--baseline " + std::to_string(arguments.baseline) + " is a " +
                                    textOf(baseline.kind) + " run, not an AR run");
    auto folder = arguments.folder.empty() ? defaultStageTwoFolder(store, arguments.generator)
                                           : arguments.folder;
    auto resultFile = (fs::path(folder) / "stage2.json").string();
    StageTwoResult result;
    // stage2.* overrides ask for other chains than the folder may hold: generate afresh.
    if (fs::exists(resultFile) && stageTwoKeysOf(arguments.overrides).empty()) {
        result = readStageTwoResult(resultFile);
    } else {
        result = generateInto(store, arguments.generator, folder, *events,
                              stageTwoKeysOf(arguments.overrides));
    }
    if (!arguments.json)
        printCorrectness(result);

    nlohmann::json config = experimentConfigToJson(storedExperimentConfig(
        baseline.configJson, "run " + std::to_string(baseline.id) + "'s stored config"));
    config["data"]["train_file"] = chainsFile(result, arguments.chains);
    auto stageTwo = experimentConfigFromJson(config).stage2;
    config["optimizer"]["learning_rate"] = stageTwo.learningRate;
    config["training"]["steps"] = stageTwo.steps;
    config["training"]["epochs"] = 0;
    config["training"]["curriculum"] = false;
    for (const auto& assignment : arguments.overrides)
        applyOverride(config, assignment);
    TrainingRequest request;
    request.config = experimentConfigFromJson(config);
    request.kind = RunKind::ArRelay;
    request.name = arguments.name;
    request.parentRun = arguments.baseline;
    request.generatorRun = arguments.generator;
    TrainingOutcome outcome;
    try {
        outcome = trainNewRun(store, request, *events, cancel);
    } catch (const std::invalid_argument&) {
        throw;
    } catch (const std::exception& error) {
        std::cerr << "relay: fine-tune failed: " << errorText(error) << "\n";
        throw CLI::RuntimeError(1);
    }
    if (outcome.status != RunStatus::Finished)
        throw CLI::RuntimeError(1);
}

} // namespace

void addPipelineCommands(CLI::App& app) {
    auto pipeline = std::make_shared<PipelineArguments>();
    auto* command = app.add_subcommand(
        "pipeline", "The whole method: Stage I looped, vanilla looped, AR baseline, Stage II "
                    "chains, AR fine-tune; resumable (run it again to continue); ends with an "
                    "accuracy-by-length table. No arguments: the cpu-quick-ari preset");
    command->add_option("--config", pipeline->config, "Experiment config (JSON)")
        ->check(CLI::ExistingFile);
    command->add_option("--preset", pipeline->preset, "Shipped preset (default cpu-quick-ari)");
    command->add_option("--set", pipeline->overrides, "Override a config key (repeatable)");
    command->add_option("--name", pipeline->name, "Pipeline name (default: the config's name)");
    command->add_option("--db", pipeline->database, "Run store (default: the XDG data folder)");
    command->add_flag("--json", pipeline->json, "One JSON event per line (the GUI's protocol)");
    auto* seeds = command->add_option(
        "--seeds", pipeline->seeds,
        "Run the whole method once per seed (seed, seed+1, ...) and report each cell as the "
        "mean and range over them (pipeline.seeds; default 1)");
    auto workers = std::make_shared<WorkerFlags>();
    addWorkerFlags(*command, *workers);
    command->callback([pipeline, workers, seeds] {
        if (seeds->count() > 0) // the config key checks the number and names itself
            pipeline->overrides.push_back("pipeline.seeds=" + std::to_string(pipeline->seeds));
        runWithWorkers(
            *workers,
            [&] {
                return pipelineWorkerProcesses(resolveConfig(pipeline->config, pipeline->preset,
                                                             pipeline->overrides, "cpu-quick-ari"));
            },
            [&] { runPipelineCommand(*pipeline); });
    });

    auto generate = std::make_shared<GenerateArguments>();
    auto* generateCommand = app.add_subcommand(
        "generate", "Stage II: a looped run writes chains for lengths beyond training; every "
                    "chain is verified and stored; the fine-tuning sets are written as JSONL");
    generateCommand->add_option("run", generate->run, "The looped generator run")->required();
    generateCommand->add_option("--folder", generate->folder,
                                "Where the sets go (default: <store>/stage2/run-N)");
    generateCommand->add_option("--set", generate->overrides,
                                "Override a stage2 key of the generator's config, e.g. --set "
                                "stage2.lengths_max=12 --set stage2.generated_samples=5000 "
                                "(repeatable)");
    generateCommand->add_option("--db", generate->database, "Run store");
    generateCommand->add_flag("--json", generate->json, "One JSON event per line");
    generateCommand->callback([generate] { runGenerate(*generate); });

    auto finetune = std::make_shared<FinetuneArguments>();
    auto* finetuneCommand = app.add_subcommand(
        "finetune", "Fine-tune an AR run on a looped run's Stage II chains (generated first "
                    "unless the folder has them): an ar-relay run");
    finetuneCommand->add_option("--generator", finetune->generator, "The looped run")->required();
    finetuneCommand->add_option("--baseline", finetune->baseline, "The AR run to start from")
        ->required();
    auto* chains = addClosedSetOption(finetuneCommand, "--chains", finetune->chains,
                                      "Which chains to train on: all (the paper), those the "
                                      "label-free filter keeps, or those the verifier accepts");
    finetuneCommand
        ->add_flag_callback(
            "--verified-only", [finetune] { finetune->chains = ChainSelection::Verified; },
            "Same as --chains verified")
        ->excludes(chains);
    finetuneCommand->add_option("--set", finetune->overrides,
                                "Override a key of the fine-tune's config, e.g. "
                                "--set training.steps=500 (repeatable); stage2.* keys also "
                                "regenerate the chains with those settings");
    finetuneCommand->add_option("--name", finetune->name, "Run name");
    finetuneCommand->add_option("--folder", finetune->folder,
                                "Stage II folder (default: <store>/stage2/run-N)");
    finetuneCommand->add_option("--db", finetune->database, "Run store");
    finetuneCommand->add_flag("--json", finetune->json, "One JSON event per line");
    auto finetuneWorkers = std::make_shared<WorkerFlags>();
    addWorkerFlags(*finetuneCommand, *finetuneWorkers);
    finetuneCommand->callback([finetune, finetuneWorkers] {
        runWithWorkers(
            *finetuneWorkers, [] { return workerProcesses(ExperimentConfig()); },
            [&] { runFinetune(*finetune); });
    });
}

} // namespace relay::cli
