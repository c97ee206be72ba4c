// Closed sets (run kinds, statuses) on screen: the names their ClosedSet lists, as QString.
#pragma once

#include "closed_set.h"

#include <QString>

namespace relay {

template <class Enum> QString screenText(Enum value) {
    return QString::fromStdString(textOf(value));
}

} // namespace relay
