#include "tasks/dataset.h"

#include <algorithm>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string_view>

namespace relay {
namespace {

// Draws per requested example before giving up on a length that has run out of problems.
constexpr int kAttemptsPerExample = 20;
constexpr int kExtraAttempts = 200;

// SplitMix64's finaliser: spreads every input bit over the output.
std::uint64_t mix(std::uint64_t value) {
    value += 0x9e3779b97f4a7c15ULL;
    value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
    value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
    return value ^ (value >> 31);
}

// FNV-1a: stable across platforms and standard libraries (std::hash is not).
std::uint64_t hashText(std::string_view text, std::uint64_t hash = 0xcbf29ce484222325ULL) {
    for (unsigned char character : text) {
        hash ^= character;
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

} // namespace

std::uint64_t InputSet::fingerprintOf(const Tokens& input) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const auto& token : input)
        hash = hashText(" ", hashText(token, hash)); // each token and a space, FNV-1a
    return std::max<std::uint64_t>(mix(hash), 1);    // 0 marks an empty slot
}

std::size_t InputSet::slotOf(std::uint64_t key) const {
    // The hashes are mixed: their low bits index the table as well as any.
    const std::size_t mask = m_slots.size() - 1;
    std::size_t slot = static_cast<std::size_t>(key) & mask;
    while (m_slots[slot] != 0 && m_slots[slot] != key)
        slot = (slot + 1) & mask;
    return slot;
}

void InputSet::rehash(std::size_t capacity) {
    std::vector<std::uint64_t> old(capacity, 0);
    old.swap(m_slots);
    for (std::uint64_t key : old)
        if (key != 0)
            m_slots[slotOf(key)] = key;
}

void InputSet::reserve(std::size_t count) {
    std::size_t capacity = 16;
    while (capacity < 2 * count) // at most half full: probes stay short
        capacity *= 2;
    if (capacity > m_slots.size())
        rehash(capacity);
}

void InputSet::insert(std::uint64_t fingerprint) {
    if (2 * (m_size + 1) > m_slots.size())
        rehash(std::max<std::size_t>(16, 2 * m_slots.size()));
    const std::size_t slot = slotOf(fingerprint);
    if (m_slots[slot] == 0) {
        m_slots[slot] = fingerprint;
        ++m_size;
    }
}

bool InputSet::contains(std::uint64_t fingerprint) const {
    return m_size > 0 && m_slots[slotOf(fingerprint)] != 0;
}

std::vector<int> proportionalCounts(int total, int maximumLength) {
    if (maximumLength < 1 || total < 0)
        throw std::invalid_argument("proportionalCounts: need a length >= 1 and a total >= 0");
    const long long sum = static_cast<long long>(maximumLength) * (maximumLength + 1) / 2;
    std::vector<int> counts(static_cast<std::size_t>(maximumLength));
    std::vector<long long> remainders(counts.size());
    int assigned = 0;
    for (int length = 1; length <= maximumLength; ++length) {
        const long long share = static_cast<long long>(total) * length;
        counts[length - 1] = static_cast<int>(share / sum);
        remainders[length - 1] = share % sum;
        assigned += counts[length - 1];
    }
    // Largest remainders first; ties go to the longer length (it is the rarer, harder one).
    std::vector<int> order(counts.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int left, int right) {
        return remainders[left] != remainders[right] ? remainders[left] > remainders[right]
                                                     : left > right;
    });
    for (int index = 0; assigned < total; ++index, ++assigned)
        ++counts[order[static_cast<std::size_t>(index)]];
    return counts;
}

std::uint64_t streamSeed(std::uint64_t seed, const std::string& task, int length,
                         DatasetSplit split) {
    std::uint64_t value = mix(seed);
    value = mix(value ^ hashText(task));
    value = mix(value ^ static_cast<std::uint64_t>(length));
    return mix(value ^ (split == DatasetSplit::Train ? 0x7261696eULL : 0x74657374ULL));
}

std::vector<Tokens> drawDistinctInputs(const Task& task, int length, int count, std::uint64_t seed,
                                       DatasetSplit split, const InputSet* excluded,
                                       LengthReport& report, InputSet* accepted) {
    report = LengthReport{task.name(), length, split, count, 0, 0};
    std::mt19937_64 random(streamSeed(seed, task.name(), length, split));
    const auto wanted = static_cast<std::size_t>(std::max(count, 0));
    InputSet seen;
    seen.reserve(wanted);
    std::vector<Tokens> inputs;
    inputs.reserve(wanted);
    const long long maximumAttempts =
        static_cast<long long>(count) * kAttemptsPerExample + kExtraAttempts;
    while (inputs.size() < wanted && report.attempts < maximumAttempts) {
        ++report.attempts;
        Tokens input = task.drawInput(length, random);
        const std::uint64_t fingerprint = InputSet::fingerprintOf(input);
        if (seen.contains(fingerprint) || (excluded && excluded->contains(fingerprint)))
            continue;
        seen.insert(fingerprint);
        if (accepted)
            accepted->insert(fingerprint);
        inputs.push_back(std::move(input));
    }
    report.produced = static_cast<int>(inputs.size());
    return inputs;
}

std::vector<DatasetExample> generateLength(const Task& task, const TaskOptions& options, int length,
                                           int count, std::uint64_t seed, DatasetSplit split,
                                           const InputSet* excluded, LengthReport& report,
                                           InputSet* accepted) {
    const auto inputs =
        drawDistinctInputs(task, length, count, seed, split, excluded, report, accepted);
    std::vector<DatasetExample> examples(inputs.size());
    for (std::size_t index = 0; index < inputs.size(); ++index) {
        examples[index].problem = task.solve(inputs[index]);
        examples[index].options = options;
    }
    return examples;
}

Datasets makeDatasets(const DatasetSpec& spec) {
    auto task = makeTask(spec.task, spec.options);
    Datasets datasets;
    InputSet trainInputs;
    const auto counts = proportionalCounts(spec.trainCount, spec.maximumTrainLength);
    trainInputs.reserve(static_cast<std::size_t>(std::max(spec.trainCount, 0)));
    if (spec.keepTraining)
        datasets.train.reserve(static_cast<std::size_t>(std::max(spec.trainCount, 0)));
    for (int length = 1; length <= spec.maximumTrainLength; ++length) {
        LengthReport report;
        if (!spec.keepTraining) {
            drawDistinctInputs(*task, length, counts[length - 1], spec.seed, DatasetSplit::Train,
                               nullptr, report, &trainInputs);
            datasets.reports.push_back(report);
            continue;
        }
        auto examples = generateLength(*task, spec.options, length, counts[length - 1], spec.seed,
                                       DatasetSplit::Train, nullptr, report, &trainInputs);
        // A length with fewer distinct problems than its share (one-operator ARI mod 11 has
        // 473) repeats them, so every length keeps the share proportional to it (METHOD 1.4):
        // without repeats, cpu-quick-ari's one-operator share falls from 10% to 0.9%.
        const std::size_t distinct = examples.size();
        // Room first: push_back below copies from the vector it grows.
        examples.reserve(static_cast<std::size_t>(std::max(counts[length - 1], 0)));
        for (std::size_t index = 0;
             distinct > 0 && static_cast<int>(examples.size()) < counts[length - 1];
             ++index, ++report.repeated)
            examples.push_back(examples[index % distinct]);
        datasets.reports.push_back(report);
        for (auto& example : examples) {
            example.weight = spec.weight;
            datasets.train.push_back(std::move(example));
        }
    }
    for (int length : spec.testLengths) {
        LengthReport report;
        TestSet testSet{task->kind(), length, {}};
        testSet.examples = generateLength(*task, spec.options, length, spec.testCountPerLength,
                                          spec.seed, DatasetSplit::Test, &trainInputs, report);
        for (auto& example : testSet.examples)
            example.weight = spec.weight;
        datasets.reports.push_back(report);
        datasets.test.push_back(std::move(testSet));
    }
    return datasets;
}

Datasets makeMultitaskDatasets(const std::vector<DatasetSpec>& specs) {
    Datasets mixed;
    for (const auto& spec : specs) {
        Datasets one = makeDatasets(spec);
        if (&spec == &specs.front()) {
            mixed = std::move(one); // the first task's sets as they are, without copying
            continue;
        }
        std::move(one.train.begin(), one.train.end(), std::back_inserter(mixed.train));
        std::move(one.test.begin(), one.test.end(), std::back_inserter(mixed.test));
        mixed.reports.insert(mixed.reports.end(), one.reports.begin(), one.reports.end());
    }
    mixed.multitask = specs.size() > 1;
    return mixed;
}

} // namespace relay
