// The data-parallel job protocol (train/distributed/worker_group.h), two ranks in one process on
// the loopback: a follower hears of a job before rank 0 starts it (so both build their sessions
// at once), skips a job rank 0 dropped unstarted, and starts a job while its main thread waits
// for the next one, as followRankZero does.
#include "train/distributed/training_group.h"
#include "train/distributed/worker_group.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <future>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace relay {
namespace {

using namespace std::chrono_literals;

// A protocol bug here shows as a wait that never ends: fail the test process instead of hanging.
template <typename Result> Result within(std::future<Result>& result, const char* what) {
    if (result.wait_for(120s) != std::future_status::ready) {
        std::cerr << "worker_group_test: " << what << " never happened\n";
        std::abort();
    }
    return result.get();
}

WorkerAddress rankZeroAddress() {
    WorkerAddress address;
    address.worldSize = 2;
    address.localProcesses = 2;
    return address;
}

// Rank 1, at the port rank 0 picked.
WorkerAddress followerOf(const WorkerGroup& rankZero) {
    WorkerAddress address = rankZeroAddress();
    address.rank = 1;
    address.masterPort = rankZero.port();
    return address;
}

TEST(WorkerGroup, FollowerHearsOfAJobBeforeItStartsAndSkipsOneDroppedUnstarted) {
    WorkerGroup rankZero(rankZeroAddress());
    const WorkerAddress follower = followerOf(rankZero);
    std::promise<std::string> heard;
    auto heardFuture = heard.get_future();
    auto log = std::async(std::launch::async, [&] {
        WorkerGroup workers(follower);
        std::vector<std::string> seen;
        auto dropped = workers.nextJob();
        heard.set_value(dropped->description);
        seen.push_back(workers.awaitStart(*dropped) ? "started" : "abandoned");
        auto next = workers.nextJob();
        auto started = workers.awaitStart(*next);
        seen.push_back(next->description + " from " + started->start + " with " + started->state);
        seen.push_back(started->group->rank() == 1 ? "rank 1" : "wrong rank");
        seen.push_back(workers.nextJob() ? "another job" : "done");
        return seen;
    });
    {
        auto announced = rankZero.announceJob("job a");
        // Rank 0 has not started it: the follower knows of it all the same.
        EXPECT_EQ(within(heardFuture, "hearing of an unstarted job"), "job a");
    } // dropped unstarted, as when rank 0's run fails while building
    auto announced = rankZero.announceJob("job b");
    auto group =
        std::async(std::launch::async, [&] { return announced.start("step 3", "weights"); });
    EXPECT_EQ(within(group, "rank 0 joining the job")->rank(), 0);
    rankZero.finish();
    EXPECT_EQ(within(log, "the follower's jobs"),
              (std::vector<std::string>{"abandoned", "job b from step 3 with weights", "rank 1",
                                        "done"}));
}

TEST(WorkerGroup, AJobStartsWhileItsFollowerWaitsForTheNextJob) {
    WorkerGroup rankZero(rankZeroAddress());
    const WorkerAddress follower = followerOf(rankZero);
    std::promise<std::string> started;
    auto startedFuture = started.get_future();
    auto done = std::async(std::launch::async, [&] {
        WorkerGroup workers(follower);
        auto job = workers.nextJob();
        std::thread training([&, job = *job] {
            auto start = workers.awaitStart(job);
            started.set_value(start ? start->state : "abandoned");
        });
        // The next job's wait blocks its connection to the store while the job above starts.
        const bool more = workers.nextJob().has_value();
        training.join();
        return more;
    });
    auto announced = rankZero.announceJob("job");
    std::this_thread::sleep_for(200ms); // the follower is waiting for the next job by now
    auto group =
        std::async(std::launch::async, [&] { return announced.start("step 0", "weights"); });
    EXPECT_EQ(within(startedFuture, "the job's start"), "weights");
    EXPECT_EQ(within(group, "rank 0 joining the job")->rank(), 0);
    rankZero.finish();
    EXPECT_FALSE(within(done, "the follower's end"));
}

} // namespace
} // namespace relay
