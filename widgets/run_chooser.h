// Filling a run chooser (a combo box of "id  name (kind)" items carrying the run id) from the
// store's runs without disturbing it when nothing changed: the run list refreshes every few
// seconds, and rebuilding would reset the user's choice and everything derived from it.
#pragma once

#include "store_access.h"

#include <QComboBox>

#include <functional>

namespace relay {

QString runChoiceLabel(const RunRow& row);

// Returns true when the items changed. The current run is kept when still present, else the
// first run `preferred` accepts, else the first run. Emits no signals.
bool fillRunChooser(QComboBox* box, const QVector<RunRow>& rows,
                    const std::function<bool(const RunRow&)>& include,
                    const std::function<bool(const RunRow&)>& preferred = {});

qint64 chosenRun(const QComboBox* box); // -1 when empty

} // namespace relay
