// `relay config`: list presets, describe every key, check a config and print it resolved.
#include "commands.h"

#include "config/experiment_config.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

namespace relay::cli {
namespace {

struct ConfigArguments {
    std::string file;
    std::string preset;
    std::vector<std::string> overrides;
};

} // namespace

void addConfigCommands(CLI::App& app) {
    auto arguments = std::make_shared<ConfigArguments>();
    auto* config = app.add_subcommand("config", "Presets, the config's keys, and config checks");
    config->require_subcommand(1);

    config->add_subcommand("presets", "List the shipped presets")->callback([] {
        for (const auto& name : presetNames())
            std::cout << name << "\n";
    });
    config->add_subcommand("describe", "Every config key with its default and meaning")
        ->callback([] {
            for (const auto& [key, text] : describeConfig())
                std::printf("%-34s %s\n", key.c_str(), text.c_str());
        });
    auto* check = config->add_subcommand(
        "check", "Validate a config (file or preset, plus --set) and print it fully resolved");
    check->add_option("--config", arguments->file, "Config file")->check(CLI::ExistingFile);
    check->add_option("--preset", arguments->preset, "Preset name");
    check->add_option("--set", arguments->overrides, "key.path=value (repeatable)");
    check->callback([arguments] {
        nlohmann::json json = !arguments->file.empty()     ? loadConfigJson(arguments->file)
                              : !arguments->preset.empty() ? loadPreset(arguments->preset)
                                                           : nlohmann::json::object();
        for (const auto& assignment : arguments->overrides)
            applyOverride(json, assignment);
        std::cout << experimentConfigToJson(experimentConfigFromJson(json)).dump(2) << "\n";
    });
}

} // namespace relay::cli
