// `relay-workbench --screenshots DIR`: renders every view of the main window with the store's
// real data to PNG files (for the README and for looking at the GUI on a headless machine).
#pragma once

#include "main_window.h"

namespace relay {

// Returns the process exit status; prints one line per file written.
// inspectionViews false leaves out views 3-5 (loop iterations, chains, fine-tuning), whose
// pictures wait for in-process inference.
int takeScreenshots(const MainWindow::Options& options, const QString& folder,
                    bool inspectionViews = true);

} // namespace relay
