// Each `relay` subcommand family registers itself on the CLI11 app (one file per family).
#pragma once

#include <string>

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

// The run store's path: `given`, or the default one; creates its folder.
std::string storePath(const std::string& given);

} // namespace relay::cli
