// Where the `relay` engine executable is: the workbench runs every job through it.
#pragma once

#include <QString>

namespace relay {

// Search order: $RELAY_ENGINE, the --engine option, `relay` next to this executable, then
// ../cli/relay (the build tree's layout), the path saved in the settings, and finally PATH.
// Returns an empty string when none is executable.
QString findEngine(const QString& option = {});

// Remembers an engine chosen by the user (Settings > Engine…).
void saveEnginePath(const QString& path);

} // namespace relay
