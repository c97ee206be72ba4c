// `relay eval RUN`: evaluates a stored run's checkpoint on any lengths, stores the results and
// prints the accuracy-by-length table; --hit-matrix LENGTH also stores and prints that matrix.
#include "commands.h"

#include "config/config_keys.h"

#include "store/run_store.h"
#include "tasks/length_list.h"
#include "train/evaluation.h"
#include "train/run_model.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>

namespace relay::cli {
namespace {

struct EvalArguments {
    std::string database;
    std::int64_t run = 0;
    std::string lengths;
    int hitMatrixLength = 0;
    std::int64_t checkpointStep = -1;
    std::string device;
    int samples = 0;
    bool json = false;
};

void printHitMatrix(const HitMatrixRecord& matrix) {
    int columns = 0;
    for (const auto& cell : matrix.cells)
        columns = std::max(columns, cell.position + 1);
    std::printf("hit matrix, %s length %d (rows: CoT steps, columns: token positions)\n",
                matrix.task.c_str(), matrix.length);
    int row = 0;
    for (const auto& cell : matrix.cells) {
        if (cell.cotStep != row) {
            if (row != 0)
                std::printf("\n");
            row = cell.cotStep;
            std::printf("step %3d |", row);
        }
        std::printf(" %4.2f", cell.accuracy);
    }
    std::printf("\n");
}

void runEval(const EvalArguments& arguments) {
    RunStore store(storePath(arguments.database));
    auto model = loadRunModel(store, arguments.run,
                              arguments.checkpointStep >= 0
                                  ? std::optional<std::int64_t>(arguments.checkpointStep)
                                  : std::nullopt,
                              arguments.device);
    auto config = model.config;
    if (arguments.samples > 0)
        config.data.testSamplesPerLength = arguments.samples;
    std::vector<int> lengths;
    if (!arguments.lengths.empty())
        lengths = parseLengthList(arguments.lengths);
    if (arguments.hitMatrixLength > 0)
        lengths.push_back(arguments.hitMatrixLength);
    if (lengths.empty())
        for (int length = config.testLengths.min; length <= config.testLengths.max; ++length)
            lengths.push_back(length);
    std::sort(lengths.begin(), lengths.end());
    lengths.erase(std::unique(lengths.begin(), lengths.end()), lengths.end());
    const int longestAllowed = static_cast<int>(configKey("test_lengths.max").maximum);
    if (lengths.back() > longestAllowed)
        throw std::invalid_argument("--lengths: " + std::to_string(lengths.back()) +
                                    " is longer than " + std::to_string(longestAllowed) +
                                    ", the longest test length a config allows");
    auto allSets = runTestSets(config, lengths.front(), lengths.back());
    std::vector<TestSet> sets;
    for (auto& set : allSets)
        if (std::binary_search(lengths.begin(), lengths.end(), set.length))
            sets.push_back(std::move(set));

    EvaluationOptions options;
    options.trainingStep = model.step;
    options.batchSize = 256;
    options.prependTaskToken = config.multitask();
    if (arguments.hitMatrixLength > 0)
        options.hitMatrixLengths = {arguments.hitMatrixLength};
    auto report = isAutoregressive(model.kind)
                      ? evaluateAr(model.autoregressive, model.vocabulary, sets, options)
                      : evaluateLooped(model.looped, model.vocabulary, sets, options);
    store.addEvaluation(model.run, report.evals, report.stepAccuracies, report.hitMatrices);

    if (arguments.json) {
        nlohmann::json rows = nlohmann::json::array();
        for (const auto& eval : report.evals)
            rows.push_back({{"task", eval.task},
                            {"length", eval.length},
                            {"stopping", eval.stopping},
                            {"samples", eval.samples},
                            {"answer_accuracy", eval.answerAccuracy},
                            {"chain_accuracy", eval.chainAccuracy},
                            {"token_accuracy", eval.tokenAccuracy}});
        std::cout << nlohmann::json{{"run", model.run}, {"step", model.step}, {"evals", rows}}.dump(
                         2)
                  << "\n";
        return;
    }
    std::printf("run %lld at step %lld (%s); training lengths %d-%d\n",
                static_cast<long long>(model.run), static_cast<long long>(model.step),
                model.checkpointPath.c_str(), config.trainLengths.min, config.trainLengths.max);
    std::printf("%-5s %6s %-9s %7s %8s %8s %8s\n", "task", "length", "stopping", "samples",
                "answer", "chain", "token");
    for (const auto& eval : report.evals)
        std::printf("%-5s %6d %-9s %7d %8.3f %8.3f %8.3f%s\n", eval.task.c_str(), eval.length,
                    eval.stopping.c_str(), eval.samples, eval.answerAccuracy, eval.chainAccuracy,
                    eval.tokenAccuracy, eval.length > config.trainLengths.max ? "  (longer)" : "");
    for (const auto& matrix : report.hitMatrices)
        printHitMatrix(matrix);
}

} // namespace

void addEvalCommands(CLI::App& app) {
    auto arguments = std::make_shared<EvalArguments>();
    auto* eval = app.add_subcommand(
        "eval", "Evaluate a run's checkpoint by length (stored in the run store)");
    eval->add_option("run", arguments->run, "Run id (see relay runs list)")->required();
    eval->add_option("--db", arguments->database, "Run store (default: the user's store)");
    eval->add_option("--lengths", arguments->lengths,
                     "Lengths to evaluate, e.g. 1-8 or 5,10-12 (default: the run's test lengths)");
    // The bounds a config has for test lengths and test-set size.
    eval->add_option("--hit-matrix", arguments->hitMatrixLength,
                     "Also compute the hit matrix of this length")
        ->check(CLI::Range(1, static_cast<int>(configKey("test_lengths.max").maximum)));
    eval->add_option("--step", arguments->checkpointStep, "Checkpoint step (default: the newest)");
    eval->add_option("--samples", arguments->samples, "Test problems per length")
        ->check(CLI::Range(1, static_cast<int>(configKey("data.test_samples_per_length").maximum)));
    eval->add_option("--device", arguments->device, "cpu, cuda, cuda:N or auto");
    eval->add_flag("--json", arguments->json, "Print JSON");
    eval->callback([arguments] { runEval(*arguments); });
}

} // namespace relay::cli
