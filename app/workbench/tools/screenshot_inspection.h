// The screenshot tool's part for views 3-5: the loop-iteration viewer (in and beyond the
// training lengths, adaptive stopping, a typed problem's parse error, probe snapshots), the hit
// matrices side by side, the chain inspector and the fine-tuning launcher.
#pragma once

#include "main_window.h"

#include <QVector>

#include <functional>

namespace relay {

struct RunRow;

// The run whose probe snapshots the snapshot picture scrubs: Stage I's (a finished looped run
// trained from scratch), whose snapshots span all of training; a fine-tune, often the best run,
// has one or two. Null when there is none.
const RunRow* snapshotRun(const QVector<RunRow>& rows);

// `save(name)` grabs the window into the screenshot folder; returns false when one failed.
bool screenshotInspectionViews(MainWindow& window, const std::function<bool(const QString&)>& save);

} // namespace relay
