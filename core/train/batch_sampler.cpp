#include "train/batch_sampler.h"

#include <algorithm>
#include <numeric>
#include <random>
#include <stdexcept>

namespace relay {

BatchSampler::BatchSampler(const std::vector<DatasetExample>& examples, std::uint64_t seed,
                           CurriculumPlan curriculum)
    : m_seed(seed), m_curriculum(curriculum) {
    if (examples.empty())
        throw std::invalid_argument("training set is empty");
    m_byLength.resize(examples.size());
    std::iota(m_byLength.begin(), m_byLength.end(), 0);
    std::stable_sort(m_byLength.begin(), m_byLength.end(), [&](std::size_t a, std::size_t b) {
        return examples[a].problem.complexity < examples[b].problem.complexity;
    });
    int longest = examples[m_byLength.back()].problem.complexity;
    m_endOfLength.assign(static_cast<std::size_t>(longest) + 1, 0);
    for (int length = 0; length <= longest; ++length)
        m_endOfLength[static_cast<std::size_t>(length)] = static_cast<std::size_t>(
            std::upper_bound(m_byLength.begin(), m_byLength.end(), length,
                             [&](int value, std::size_t index) {
                                 return value < examples[index].problem.complexity;
                             }) -
            m_byLength.begin());
}

int BatchSampler::allowedLength(std::int64_t step) const {
    int longest = static_cast<int>(m_endOfLength.size()) - 1;
    if (!m_curriculum.enabled)
        return longest;
    std::int64_t grown = m_curriculum.startLength + step / std::max(1, m_curriculum.growEvery);
    return static_cast<int>(
        std::min<std::int64_t>({grown, static_cast<std::int64_t>(m_curriculum.maximumLength),
                                static_cast<std::int64_t>(longest)}));
}

std::vector<std::size_t> BatchSampler::batch(std::int64_t step, int batchSize) const {
    return batch(step, batchSize, allowedLength(step));
}

std::vector<std::size_t> BatchSampler::batch(std::int64_t step, int batchSize,
                                             int longestLength) const {
    // A curriculum that starts below the shortest example widens to it at once.
    auto shortest = std::find_if(m_endOfLength.begin(), m_endOfLength.end(),
                                 [](std::size_t end) { return end > 0; });
    const auto longest = static_cast<std::size_t>(
        std::clamp(longestLength, 0, static_cast<int>(m_endOfLength.size()) - 1));
    std::size_t pool = std::max(m_endOfLength[longest], *shortest);
    // SplitMix-style mixing of (seed, step) so neighbouring steps get unrelated streams.
    std::uint64_t state = m_seed * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(step);
    state ^= state >> 31;
    std::mt19937_64 random(state * 0xBF58476D1CE4E5B9ULL + 0x94D049BB133111EBULL);
    std::uniform_int_distribution<std::size_t> pick(0, pool - 1);
    std::vector<std::size_t> indices(static_cast<std::size_t>(batchSize));
    for (auto& index : indices)
        index = m_byLength[pick(random)];
    return indices;
}

} // namespace relay
