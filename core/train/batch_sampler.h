// Which training examples make up optimizer step s: a pure function of (seed, step), drawn
// uniformly with replacement from the examples the length curriculum allows at that step. No
// sampler state to save, so a resumed run draws exactly the batches an uninterrupted run would
// (a gated curriculum's length is saved with the checkpoint and passed in).
#pragma once

#include "tasks/dataset_example.h"

#include <cstdint>
#include <vector>

namespace relay {

struct CurriculumPlan {
    bool enabled = false;
    int startLength = 1;   // longest length allowed at step 0
    int growEvery = 500;   // steps between increases of the longest allowed length by one
    int maximumLength = 1; // K_train: the curriculum never goes past it
};

class BatchSampler {
public:
    BatchSampler(const std::vector<DatasetExample>& examples, std::uint64_t seed,
                 CurriculumPlan curriculum);

    // Indices into the examples for optimizer step `step`.
    std::vector<std::size_t> batch(std::int64_t step, int batchSize) const;
    // The same, with the longest allowed length given (a gated curriculum's, which depends on
    // how training went, train/curriculum_gate.h) in place of the step schedule's.
    std::vector<std::size_t> batch(std::int64_t step, int batchSize, int longestLength) const;

    // The longest complexity the curriculum allows at this step.
    int allowedLength(std::int64_t step) const;

private:
    std::uint64_t m_seed;
    CurriculumPlan m_curriculum;
    // Example indices sorted by complexity, and for each length the end of its run.
    std::vector<std::size_t> m_byLength;
    std::vector<std::size_t> m_endOfLength; // m_endOfLength[k]: examples of length <= k
};

} // namespace relay
