// `relay bench --nproc N`: the trainer itself, N data-parallel processes of --threads threads
// each, so users pick processes x threads for their machine: on the cpu-quick-ari preset, or on
// the training case that --case, --hidden, --layers, --heads, --complexity and --batch describe.
#pragma once

#include "train/engine_bench.h"

#include <optional>

namespace relay::cli {

// Trains a scratch run (in a temporary store, removed after) and prints its examples/s;
// threads 0: the cores shared out among the processes. With `custom`, the cpu-quick-ari preset
// takes that case's model, batch and operator range, and the run is stopped after `seconds` of
// training (a paper-size step takes seconds).
void benchTrainerProcesses(int processes, int threads, double seconds, bool json,
                           const std::optional<BenchCase>& custom = std::nullopt);

} // namespace relay::cli
