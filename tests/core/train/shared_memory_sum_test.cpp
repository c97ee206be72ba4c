// Gradient sums across the ranks of one machine (train/distributed/shared_memory_sum.h and
// TrainingGroup::sumGradients): checked against sums computed here from every rank's values, for
// ranks as threads of this process and a peer that is another process.
#include "train/distributed/shared_memory_sum.h"
#include "train/distributed/training_group.h"
#include "train/distributed/worker_group.h"

#include <torch/csrc/distributed/c10d/HashStore.hpp>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/torch.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <future>
#include <iostream>
#include <random>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace relay {
namespace {

using namespace std::chrono_literals;

// Runs `body(rank)` for every rank on its own thread; a wait that never ends fails the process.
template <typename Result>
std::vector<Result> onRanks(int ranks, const std::function<Result(int)>& body) {
    std::vector<std::future<Result>> running;
    for (int rank = 0; rank < ranks; ++rank)
        running.push_back(std::async(std::launch::async, body, rank));
    std::vector<Result> results;
    for (auto& result : running) {
        if (result.wait_for(120s) != std::future_status::ready) {
            std::cerr << "shared_memory_sum_test: a rank never finished\n";
            std::abort();
        }
        results.push_back(result.get());
    }
    return results;
}

// Rank r's value at `index` in sum number `call`: distinct per rank, index and call, and with
// fractions, so a missed rank, a shifted index or a stale buffer changes the sum.
float valueOf(int rank, std::int64_t index, int call) {
    return static_cast<float>((rank + 1) * 1000 + index % 977) * 0.37f + static_cast<float>(call);
}

TEST(SharedMemorySum, EveryRankGetsTheRankOrderSumThroughGrowingSizes) {
    constexpr int kRanks = 3;
    // Sizes not divisible by three (the ranks' shares), one of one value, and a growth past the
    // first segment's capacity (twice).
    const std::vector<std::int64_t> sizes = {7, 1, 1000, 1000, 20011, 5, 300007};
    auto store = c10::make_intrusive<c10d::HashStore>();
    auto results = onRanks<std::vector<std::vector<float>>>(kRanks, [&](int rank) {
        SharedMemorySum sum(*store, rank, kRanks);
        std::vector<std::vector<float>> seen;
        for (std::size_t call = 0; call < sizes.size(); ++call) {
            float* input = sum.input(sizes[call]);
            for (std::int64_t index = 0; index < sizes[call]; ++index)
                input[index] = valueOf(rank, index, static_cast<int>(call));
            const float* result = sum.sum(sizes[call]);
            seen.emplace_back(result, result + sizes[call]);
        }
        return seen;
    });
    for (std::size_t call = 0; call < sizes.size(); ++call)
        for (std::int64_t index = 0; index < sizes[call]; ++index) {
            float expected = valueOf(0, index, static_cast<int>(call));
            for (int rank = 1; rank < kRanks; ++rank)
                expected += valueOf(rank, index, static_cast<int>(call));
            for (int rank = 0; rank < kRanks; ++rank)
                ASSERT_EQ(
                    results[static_cast<std::size_t>(rank)][call][static_cast<std::size_t>(index)],
                    expected)
                    << "rank " << rank << ", sum " << call << ", value " << index;
        }
}

TEST(SharedMemorySum, APeerThatLeftBeforeSummingIsALostWorker) {
    auto store = c10::make_intrusive<c10d::HashStore>();
    auto outcomes = onRanks<std::string>(2, [&](int rank) -> std::string {
        SharedMemorySum sum(*store, rank, 2);
        sum.input(100);
        if (rank == 1)
            return "left"; // destroyed here, without summing: it left the job
        try {
            sum.sum(100);
            return "summed";
        } catch (const WorkerLost& lost) {
            return lost.what();
        }
    });
    EXPECT_NE(outcomes[0].find("rank 1 left the job"), std::string::npos) << outcomes[0];
}

TEST(SharedMemorySum, APeerProcessThatEndedIsALostWorkerBeforeItsParentReapsIt) {
    c10d::TCPStoreOptions options;
    options.port = 0;
    options.isServer = true;
    options.waitWorkers = false;
    auto host = c10::make_intrusive<c10d::TCPStore>("127.0.0.1", options);
    const auto port = host->getPort();
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) { // rank 1: maps the segment, then ends without summing
        try {
            c10d::TCPStoreOptions clientOptions;
            clientOptions.port = port;
            clientOptions.isServer = false;
            clientOptions.waitWorkers = false;
            c10d::TCPStore client("127.0.0.1", clientOptions);
            SharedMemorySum sum(client, 1, 2);
            sum.input(100);
            std::_Exit(0); // no destructors: as if killed, the "left" mark is never written
        } catch (...) {
        }
        std::_Exit(1);
    }
    SharedMemorySum sum(*host, 0, 2);
    sum.input(100);
    std::string outcome = "summed";
    try {
        sum.sum(100); // the child is a zombie until waitpid below: it must still count as gone
    } catch (const WorkerLost& lost) {
        outcome = lost.what();
    }
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the child could not map";
    EXPECT_NE(outcome.find("rank 1 (process " + std::to_string(child) + ") ended"),
              std::string::npos)
        << outcome;
}

// Both transports of a training group give every rank the sum of the ranks' gradients (a missing
// gradient counts as zeros) and of the values riding with them.
void expectGroupSums(bool oneMachine) {
    auto store = c10::make_intrusive<c10d::HashStore>();
    const std::vector<std::vector<std::int64_t>> shapes = {{3, 4}, {5}, {2, 2, 2}};
    auto gradientOf = [&](int rank, std::size_t parameter) {
        auto generator = at::detail::createCPUGenerator(100 * rank + static_cast<int>(parameter));
        return torch::randn(shapes[parameter], generator);
    };
    auto results = onRanks<std::vector<torch::Tensor>>(2, [&](int rank) {
        TrainingGroup group(store, rank, 2, true, oneMachine);
        std::vector<torch::Tensor> parameters;
        for (std::size_t index = 0; index < shapes.size(); ++index) {
            parameters.push_back(torch::zeros(shapes[index]).requires_grad_());
            // Rank 1 has no gradient for the second parameter (it took no part in its loss).
            if (!(rank == 1 && index == 1))
                parameters.back().mutable_grad() = gradientOf(rank, index);
        }
        auto values =
            torch::tensor({1.5f + static_cast<float>(rank), -2.0f * static_cast<float>(rank)});
        auto summed = group.sumGradients(parameters, values);
        std::vector<torch::Tensor> seen{summed};
        for (const auto& parameter : parameters)
            seen.push_back(parameter.grad().clone());
        return seen;
    });
    for (int rank = 0; rank < 2; ++rank) {
        const auto& seen = results[static_cast<std::size_t>(rank)];
        EXPECT_TRUE(torch::equal(seen[0], torch::tensor({4.0f, -2.0f}))) << seen[0];
        for (std::size_t index = 0; index < shapes.size(); ++index) {
            auto expected =
                index == 1 ? gradientOf(0, index) : gradientOf(0, index) + gradientOf(1, index);
            EXPECT_TRUE(torch::equal(seen[index + 1], expected))
                << (oneMachine ? "shared memory" : "Gloo") << ": rank " << rank << ", parameter "
                << index;
        }
    }
}

TEST(TrainingGroup, SumsGradientsAndValuesThroughSharedMemory) {
    expectGroupSums(true);
}

TEST(TrainingGroup, SumsGradientsAndValuesOverGloo) {
    expectGroupSums(false);
}

} // namespace
} // namespace relay
