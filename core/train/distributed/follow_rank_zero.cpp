#include "train/distributed/follow_rank_zero.h"

#include "train/trainer.h"

#include <cstdlib>
#include <iostream>
#include <thread>
#include <vector>

namespace relay {

void followRankZero(WorkerGroup& workers) {
    WorkerGroup::setCurrent(&workers); // the trainer shares this node's cores out by it
    std::vector<std::thread> jobs;
    while (auto job = workers.nextJob())
        jobs.emplace_back([&workers, job = std::move(*job)] {
            try {
                followTrainingJob(workers, job);
            } catch (const std::exception& error) {
                // Rank 0 waits for this worker in its next collective: leaving at once ends
                // the run there (interrupted) instead of leaving it waiting.
                std::cerr << "relay worker: " << error.what() << std::endl;
                std::_Exit(1);
            }
        });
    for (auto& job : jobs)
        job.join();
    WorkerGroup::setCurrent(nullptr);
}

} // namespace relay
