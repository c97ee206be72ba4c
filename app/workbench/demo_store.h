// The demo store shipped with the workbench (made by packaging/make-demo.sh from a real run of
// the default pipeline): where it lies, and a fresh writable copy of it for a user to open, so
// the shipped files are never written.
#pragma once

#include <QString>

namespace relay {

// The folder holding the shipped demo's runs.db, or an empty string when none is installed.
QString shippedDemoFolder();

// Copies the demo folder into `destination` (replaced if present) and returns the copy's
// runs.db; on failure returns an empty string and says why in `error`.
QString copyDemoStore(const QString& shipped, const QString& destination, QString* error);

// Where the workbench keeps the user's copy of the demo.
QString demoCopyFolder();

} // namespace relay
