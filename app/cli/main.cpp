// `relay`: the headless engine. Thin: parses the command line and calls core. Every failure
// ends as one "relay: error:" line and an exit status (2: bad input, the command line included;
// 1: a failed run), never as a signal or a library's raw backtrace.
#include "blas_kernels.h"
#include "commands.h"
#include "freed_memory.h"
#include "version.h"

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
    relay::preferFastBlasKernels(argv);
    relay::keepFreedMemoryForReuse();
    CLI::App app{"relay: RELAY engine for CoT-aligned looped transformers (arXiv 2502.08482)"};
    app.require_subcommand(1);
    app.set_version_flag("--version", [] {
        return "relay " + relay::engineVersion() + " (commit " + relay::engineCommit() +
               ", LibTorch " + relay::torchVersion() + ", SQLite " + relay::sqliteVersion() + ", " +
               relay::allocatorInUse() + ")";
    });
    bool verbose = false;
    app.add_flag("--verbose", verbose, "Errors keep the library's full text (backtraces)")
        ->each([](const std::string&) { relay::cli::setVerboseErrors(true); });
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
        // CLI11 prints the message. A command's own status (RuntimeError) stands; a malformed
        // command line is bad input like any other.
        const int status = app.exit(error);
        if (dynamic_cast<const CLI::RuntimeError*>(&error) != nullptr || status == 0)
            return status;
        return 2;
    } catch (const std::exception& error) {
        std::cerr << "relay: error: " << relay::cli::errorText(error) << "\n";
        return 2;
    }
    return 0;
}
