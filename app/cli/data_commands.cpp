// `relay data ...`: generate, inspect and verify datasets. Thin: the work lives in core/tasks.
#include "commands.h"

#include "tasks/dataset.h"
#include "tasks/dataset_file.h"
#include "tasks/dataset_stats.h"
#include "tasks/dataset_verification.h"
#include "tasks/format_error.h"
#include "tasks/length_list.h"
#include "tasks/task_lookup.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

namespace relay::cli {
namespace {

// Exit statuses of `relay data verify` (2 also for every other error, via main).
constexpr int kExitWrongChains = 1;
constexpr int kExitMalformed = 2;

const char* kTaskHelp = "Task: ari (arithmetic), ed (edit distance), "
                        "lis (longest increasing subsequence)";

struct GenerateArguments {
    std::string task;
    std::string lengths;
    int perLength = 0;
    std::uint64_t seed = 0;
    TaskOptions options;
    std::string format;
    std::string out;
};

struct FileArguments {
    std::string file;
    std::string task;
    std::string format;
    TaskOptions options;
    int show = 5;
};

std::string formatNumber(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", value);
    return text;
}

std::string formatOf(const FileArguments& arguments) {
    return arguments.format.empty() ? datasetFormatName(detectDatasetFormat(arguments.file))
                                    : arguments.format;
}

std::vector<DatasetExample> readExamples(const FileArguments& arguments) {
    std::optional<TaskKind> task;
    if (!arguments.task.empty())
        task = taskKindFromName(arguments.task);
    const DatasetFormat format = datasetFormatFromName(formatOf(arguments));
    try {
        return readDatasetFile(arguments.file, format, task, arguments.options);
    } catch (const FormatError& error) {
        if (!task && format == DatasetFormat::Cotbench)
            throw std::runtime_error(std::string(error.what()) +
                                     " (CoT_benchmark text: pass --task ari|ed|lis)");
        throw;
    }
}

void runGenerate(const GenerateArguments& arguments) {
    auto task = makeTask(arguments.task, arguments.options);
    const auto lengths = parseLengthList(arguments.lengths);
    const std::string format = arguments.format.empty()
                                   ? datasetFormatName(detectDatasetFormat(arguments.out))
                                   : arguments.format;
    std::vector<DatasetExample> examples;
    for (int length : lengths) {
        LengthReport report;
        auto generated = generateLength(*task, arguments.options, length, arguments.perLength,
                                        arguments.seed, DatasetSplit::Train, nullptr, report);
        if (!report.complete())
            std::cerr << "relay: warning: " << task->name() << " length " << length << " has only "
                      << report.produced << " distinct problems after " << report.attempts
                      << " attempts (asked for " << report.requested << ")\n";
        examples.insert(examples.end(), generated.begin(), generated.end());
    }
    writeDatasetFile(arguments.out, examples, datasetFormatFromName(format));
    std::cout << "wrote " << examples.size() << " " << task->name() << " problems (lengths "
              << arguments.lengths << ", " << arguments.perLength << " per length, seed "
              << arguments.seed << ") to " << arguments.out << " [" << format << "]\n";
}

void runStats(const FileArguments& arguments) {
    const DatasetStats stats = computeDatasetStats(readExamples(arguments));
    std::cout << arguments.file << ": " << stats.count << " examples [" << formatOf(arguments)
              << "], tasks:";
    for (const auto& task : stats.tasks)
        std::cout << " " << taskName(task.task);
    std::cout << "\n";
    for (const auto& task : stats.tasks) {
        std::cout << taskName(task.task) << ": " << task.count << " examples, mean input "
                  << formatNumber(task.meanInputTokens) << " tokens, mean chain "
                  << formatNumber(task.meanChainTokens) << " tokens\n";
        std::cout << "  length  count  input  chain  steps\n";
        for (const auto& length : task.lengths) {
            char row[96];
            std::snprintf(row, sizeof row, "  %6d %6d %6.1f %6.1f %6.1f\n", length.length,
                          length.count, length.meanInputTokens, length.meanChainTokens,
                          length.meanSteps);
            std::cout << row;
        }
    }
}

int runVerify(const FileArguments& arguments) {
    std::vector<DatasetExample> examples = readExamples(arguments);
    const VerificationSummary summary =
        verifyExamples(examples, static_cast<std::size_t>(std::max(arguments.show, 0)));
    std::cout << arguments.file << ": " << summary.total << " chains, " << summary.correct
              << " correct, " << summary.wrong << " wrong";
    if (summary.wrong > 0)
        std::cout << " (" << summary.wrongChain << " with a wrong step, " << summary.wrongAnswerOnly
                  << " with only a wrong answer)";
    std::cout << "; correct chains: " << summary.canonical << " canonical, " << summary.nonCanonical
              << " non-canonical\n";
    for (const auto& wrong : summary.firstWrong) {
        std::cout << "  line " << wrong.line << " (" << taskName(wrong.task) << "): ";
        if (wrong.verdict.firstWrongStep > 0) {
            std::cout << "step " << wrong.verdict.firstWrongStep << " wrong";
            if (wrong.verdict.firstWrongToken >= 0)
                std::cout << " at token " << wrong.verdict.firstWrongToken;
        } else {
            std::cout << "answer wrong";
        }
        std::cout << ": " << wrong.verdict.reason << "\n";
    }
    if (summary.wrong > static_cast<int>(summary.firstWrong.size()))
        std::cout << "  ... and " << summary.wrong - static_cast<int>(summary.firstWrong.size())
                  << " more wrong chains\n";
    return summary.allCorrect() ? 0 : kExitWrongChains;
}

void addTaskOptions(CLI::App& command, TaskOptions& options) {
    command.add_option("--modulus", options.modulus, "ARI: arithmetic modulo this prime")
        ->default_val(options.modulus)
        ->check(CLI::Range(2, 1000));
    command
        .add_option("--lis-value-range", options.lisValueRange, "LIS: values lie below this bound")
        ->default_val(options.lisValueRange)
        ->check(CLI::Range(2, 100000));
}

void addFileOptions(CLI::App& command, FileArguments& arguments) {
    command.add_option("file", arguments.file, "Dataset file (.txt CoT_benchmark or .jsonl)")
        ->required();
    command.add_option("--task", arguments.task,
                       std::string(kTaskHelp) +
                           "; needed for CoT_benchmark text without task tokens");
    command
        .add_option("--format", arguments.format,
                    "cotbench or jsonl (default: from the extension, else the content)")
        ->check(CLI::IsMember({"cotbench", "jsonl"}));
    addTaskOptions(command, arguments.options);
}

// Runs a command, turning malformed files into exit status 2 with the file and line.
template <typename Function> void runChecked(Function function) {
    int status = 0;
    try {
        status = function();
    } catch (const FormatError& error) {
        std::cerr << "relay: error: malformed dataset: " << error.what() << "\n";
        status = kExitMalformed;
    }
    if (status != 0)
        throw CLI::RuntimeError(status);
}

} // namespace

void addDataCommands(CLI::App& app) {
    auto* data = app.add_subcommand("data", "Generate, inspect and verify datasets");
    data->require_subcommand(1);

    auto generateArguments = std::make_shared<GenerateArguments>();
    auto* generate = data->add_subcommand(
        "generate", "Generate problems with their canonical chains and write them to a file.\n"
                    "Example: relay data generate --task ari --lengths 1-6 --per-length 100 "
                    "--seed 1 --out ari.txt");
    generate->add_option("--task", generateArguments->task, kTaskHelp)->required();
    generate
        ->add_option("--lengths", generateArguments->lengths,
                     "Complexities to generate: 1-6, 3,5,8-10 (ARI operators, ED |s1|, LIS n)")
        ->required();
    generate->add_option("--per-length", generateArguments->perLength, "Problems per length")
        ->required()
        ->check(CLI::Range(1, 10000000));
    generate->add_option("--seed", generateArguments->seed, "Random seed (same seed, same file)")
        ->default_val(0);
    generate
        ->add_option("--format", generateArguments->format,
                     "cotbench (CoT_benchmark chain text) or jsonl (default: from --out's "
                     "extension: .jsonl is JSONL, anything else CoT_benchmark)")
        ->check(CLI::IsMember({"cotbench", "jsonl"}));
    generate->add_option("--out", generateArguments->out, "Output file (written atomically)")
        ->required();
    addTaskOptions(*generate, generateArguments->options);
    generate->callback([generateArguments] {
        runChecked([&] {
            runGenerate(*generateArguments);
            return 0;
        });
    });

    auto statsArguments = std::make_shared<FileArguments>();
    auto* stats = data->add_subcommand(
        "stats", "Count examples per task and length, with mean input and chain lengths");
    addFileOptions(*stats, *statsArguments);
    stats->callback([statsArguments] {
        runChecked([&] {
            runStats(*statsArguments);
            return 0;
        });
    });

    auto verifyArguments = std::make_shared<FileArguments>();
    auto* verify = data->add_subcommand(
        "verify", "Check every chain with its task's exact verifier.\n"
                  "Exit status: 0 when every chain is correct, 1 when any is wrong, 2 when "
                  "the file is unreadable or malformed.");
    addFileOptions(*verify, *verifyArguments);
    verify->add_option("--show", verifyArguments->show, "How many wrong chains to describe")
        ->default_val(5);
    verify->callback(
        [verifyArguments] { runChecked([&] { return runVerify(*verifyArguments); }); });
}

} // namespace relay::cli
