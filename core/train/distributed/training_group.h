// The collectives of one data-parallel training job (see worker_group.h).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace c10d {
class Store;
}

namespace relay {

// The collectives of one training job: every rank calls them in the same order each step.
class TrainingGroup {
public:
    // Meets the other ranks on `store` (one per job) over Gloo; `loopback`: all on this host.
    TrainingGroup(const c10::intrusive_ptr<c10d::Store>& store, int rank, int worldSize,
                  bool loopback);
    ~TrainingGroup();

    int rank() const { return m_rank; }
    int worldSize() const { return m_worldSize; }
    bool isRankZero() const { return m_rank == 0; }

    // Replaces every parameter's gradient by the sum over the ranks (a missing gradient counts
    // as zeros), flattening them into buckets of at most kBucketElements values per allreduce,
    // and returns the sum over the ranks of `values` (a small float32 tensor, the same size on
    // every rank), which rides in the first bucket: the step's one collective when the model
    // fits in one bucket.
    torch::Tensor sumGradients(const std::vector<torch::Tensor>& parameters,
                               const torch::Tensor& values);
    static constexpr std::int64_t kBucketElements = 1 << 20; // 4 MiB of float32

private:
    struct Handles; // the c10d process group, kept out of this header
    std::unique_ptr<Handles> m_handles;
    int m_rank;
    int m_worldSize;
};

} // namespace relay
