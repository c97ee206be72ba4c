// Each `relay` subcommand family registers itself on the CLI11 app (one file per family).
#pragma once

namespace CLI {
class App;
}

namespace relay::cli {

void addDataCommands(CLI::App& app);

} // namespace relay::cli
