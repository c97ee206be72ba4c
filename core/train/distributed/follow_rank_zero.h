// What a data-parallel worker other than rank 0 does: trains every run rank 0 hands out (side
// by side when rank 0 trains several at once, as `relay pipeline` does) until rank 0 is done.
#pragma once

#include "train/distributed/worker_group.h"

namespace relay {

// Returns when rank 0 has finished; throws WorkerLost when rank 0 went away.
void followRankZero(WorkerGroup& workers);

} // namespace relay
