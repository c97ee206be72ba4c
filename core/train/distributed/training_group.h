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
    // Meets the other ranks on `store` (one per job). `oneMachine`: every rank runs on this
    // machine, and gradients are summed through shared memory (shared_memory_sum.h); otherwise
    // over Gloo, on the loopback device when `loopback`.
    TrainingGroup(const c10::intrusive_ptr<c10d::Store>& store, int rank, int worldSize,
                  bool loopback, bool oneMachine);
    ~TrainingGroup();

    int rank() const { return m_rank; }
    int worldSize() const { return m_worldSize; }
    bool isRankZero() const { return m_rank == 0; }

    // Replaces every parameter's gradient by the sum over the ranks (a missing gradient counts
    // as zeros) and returns the sum over the ranks of `values` (a small float32 tensor, the same
    // size on every rank), which rides with the gradients. Through shared memory, one sum of
    // everything; over Gloo, buckets of at most kBucketElements values per allreduce, `values`
    // in the first: the step's one collective when the model fits in one bucket.
    torch::Tensor sumGradients(const std::vector<torch::Tensor>& parameters,
                               const torch::Tensor& values);
    static constexpr std::int64_t kBucketElements = 1 << 20; // 4 MiB of float32

private:
    void joinGloo();
    torch::Tensor sumOverGloo(const std::vector<torch::Tensor>& parameters,
                              const torch::Tensor& values);
    // Through shared memory; undefined when the segment could not be made (Gloo from then on).
    torch::Tensor sumInSharedMemory(const std::vector<torch::Tensor>& parameters,
                                    const torch::Tensor& values);

    struct Handles; // the c10d process group and store, kept out of this header
    std::unique_ptr<Handles> m_handles;
    bool m_loopback;
    int m_rank;
    int m_worldSize;
};

} // namespace relay
