// Each `relay` subcommand family registers itself on the CLI11 app (one file per family).
#pragma once

#include "config/experiment_config.h"

#include <exception>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace relay::cli {

void addDataCommands(CLI::App& app);
void addTrainCommands(CLI::App& app);
void addEvalCommands(CLI::App& app);
void addRunsCommands(CLI::App& app);
void addConfigCommands(CLI::App& app);
void addBenchCommands(CLI::App& app);
void addPipelineCommands(CLI::App& app); // pipeline, generate, finetune
void addInspectCommands(CLI::App& app);

// The config of --config FILE or --preset NAME (or `fallbackPreset` when neither is given)
// with --set overrides applied; throws std::invalid_argument naming the key or file.
ExperimentConfig resolveConfig(const std::string& file, const std::string& preset,
                               const std::vector<std::string>& overrides,
                               const std::string& fallbackPreset = "");

// An exception's message for the user: without LibTorch's backtrace unless --verbose was given.
std::string errorText(const std::exception& error);
void setVerboseErrors(bool verbose);

// The run store's path: `given`, or the default one; creates its folder.
std::string storePath(const std::string& given);

} // namespace relay::cli
