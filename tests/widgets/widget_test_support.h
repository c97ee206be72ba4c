// Shared pieces of the widget tests: the engine they drive, a store filled by a tiny real
// engine run (made once per ctest run by the widgets.shared_store fixture), tiny configs, and
// waiting on the event loop.
#pragma once

#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

class QCPGraph;
class QCustomPlot;
class QWidget;

namespace relay::test {

QString enginePath(); // $RELAY_ENGINE, else the build's RELAY_TEST_ENGINE

// `--set` overrides of a training that takes seconds: 20 steps, a 16-wide one-layer model.
QStringList tinyOverrides(int steps = 20);
// `relay train` arguments for a tiny cpu-quick-ari run of `kind` into `store`, with overrides.
QStringList tinyTrainArguments(const QString& store, const QString& kind, const QString& name,
                               const QStringList& overrides);

// The shared store: run 1 "tiny-looped" (looped) and run 2 "tiny-ar" (ar), both finished with
// evaluations. Created when missing (or when fresh is true); fails the test on engine errors.
QString sharedStorePath(bool fresh = false);

// A private copy of the shared store in `folder` (for tests that edit or delete runs).
QString copySharedStore(const QString& folder);
// Copies a store (and its WAL, if any) into `folder` as runs.db; returns the copy's path.
// Checkpoint paths in a store are absolute, so the copy's runs load the same files.
QString copyStoreInto(const QString& source, const QString& folder);

// The graph that draws a CurvePlot series as its line: the one named as the series (its faint
// raw copy has no name). nullptr when none is.
const QCPGraph* namedGraph(const QCustomPlot* plot, const QString& name);

// A config as a run stores it: the cpu-quick-ari preset with `edit` applied to its JSON,
// validated and written back by this version (every key), as the engine stores one.
std::string storedConfigJson(const std::function<void(nlohmann::json&)>& edit = {});

// Saves a picture of `widget` as `name` in $RELAY_TEST_SCREENSHOTS when that is set (to look
// at a view as a user would on a machine without a screen); does nothing otherwise.
void saveScreenshot(QWidget& widget, const QString& name);

bool waitFor(const std::function<bool()>& done, int timeoutMilliseconds = 60000);

} // namespace relay::test
