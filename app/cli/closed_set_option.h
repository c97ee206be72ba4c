// A command-line option whose values are a closed set: the choices come from the enum's
// ClosedSet names, so the CLI never keeps its own list.
#pragma once

#include "closed_set.h"

#include <CLI/CLI.hpp>

#include <string>

namespace relay {

// Binds `--name` to `target`: the text is checked against the set and converted on parse.
template <class Enum>
CLI::Option* addClosedSetOption(CLI::App* app, const std::string& name, Enum& target,
                                const std::string& description) {
    return app
        ->add_option_function<std::string>(
            name, [&target](const std::string& text) { target = parseClosedSet<Enum>(text); },
            description + " (" + closedSetList<Enum>() + ")")
        ->check(CLI::IsMember(closedSetNames<Enum>()))
        ->default_str(textOf(target));
}

} // namespace relay
