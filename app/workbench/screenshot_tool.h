// `relay-workbench --screenshots DIR`: renders every view of the main window with the store's
// real data to PNG files (for the README and for looking at the GUI on a headless machine).
#pragma once

#include "main_window.h"

namespace relay {

// Returns the process exit status; prints one line per file written.
int takeScreenshots(const MainWindow::Options& options, const QString& folder);

// Processes events until done() or the timeout; true when done() became true.
bool waitUntil(const std::function<bool()>& done, int timeoutMilliseconds);

} // namespace relay
