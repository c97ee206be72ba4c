// `relay`: the headless engine. Thin: parses the command line and calls core.
#include "blas_kernels.h"
#include "commands.h"
#include "version.h"

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
    relay::preferFastBlasKernels(argv);
    CLI::App app{"relay: RELAY engine for CoT-aligned looped transformers (arXiv 2502.08482)"};
    app.require_subcommand(1);
    app.set_version_flag("--version", [] {
        return "relay " + relay::engineVersion() + " (commit " + relay::engineCommit() +
               ", LibTorch " + relay::torchVersion() + ", SQLite " + relay::sqliteVersion() + ")";
    });
    relay::cli::addDataCommands(app);
    relay::cli::addTrainCommands(app);
    relay::cli::addEvalCommands(app);
    relay::cli::addRunsCommands(app);
    relay::cli::addConfigCommands(app);
    relay::cli::addBenchCommands(app);
    relay::cli::addPipelineCommands(app);
    relay::cli::addInspectCommands(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        return app.exit(error);
    } catch (const std::exception& error) {
        std::cerr << "relay: error: " << error.what() << "\n";
        return 2;
    }
    return 0;
}
