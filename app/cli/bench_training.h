// `relay bench --nproc N`: the trainer itself on the cpu-quick-ari preset, N data-parallel
// processes of --threads threads each, so users pick processes x threads for their machine.
#pragma once

namespace relay::cli {

// Trains a scratch run (in a temporary store, removed after) and prints its examples/s;
// threads 0: the cores shared out among the processes.
void benchTrainerProcesses(int processes, int threads, double seconds, bool json);

} // namespace relay::cli
