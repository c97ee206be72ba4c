// QCustomPlot's header uses Qt's lower-case keywords (signals, foreach, emit), which every Qt
// target here turns off (QT_NO_KEYWORDS, because they clash with LibTorch): include it through
// this file, which maps them to the Q_ macros just for that header.
#pragma once

#define signals Q_SIGNALS
#define slots Q_SLOTS
#define emit Q_EMIT
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef slots
#undef emit
#undef foreach
