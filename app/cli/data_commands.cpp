// `relay data ...` (placeholder until the data commands land).
#include "commands.h"

#include <CLI/CLI.hpp>

namespace relay::cli {

void addDataCommands(CLI::App& app) { app.add_subcommand("data", "Generate, inspect and verify datasets"); }

} // namespace relay::cli
