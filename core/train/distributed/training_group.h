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

    // This rank's contiguous slice of a global batch: the slices of ranks 0..N-1 in order are
    // the batch, their sizes differ by at most one.
    std::vector<std::size_t> slice(const std::vector<std::size_t>& globalBatch) const;

    // Element-wise sum or maximum over the ranks of a small tensor (returned, CPU).
    torch::Tensor sum(const torch::Tensor& values);
    torch::Tensor max(const torch::Tensor& values);
    bool anyRank(bool flag);

    // Replaces every parameter's gradient by the sum over the ranks (a missing gradient counts
    // as zeros), flattening them into buckets of at most kBucketElements values per allreduce.
    void sumGradients(const std::vector<torch::Tensor>& parameters);
    static constexpr std::int64_t kBucketElements = 1 << 20; // 4 MiB of float32

private:
    torch::Tensor allreduce(const torch::Tensor& values, bool maximum);

    struct Handles; // the c10d process group, kept out of this header
    std::unique_ptr<Handles> m_handles;
    int m_rank;
    int m_worldSize;
};

} // namespace relay
