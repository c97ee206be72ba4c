// Training and test sets (docs/method.md §1.4): training over lengths 1..K with samples per length
// proportional to the length, test sets per length disjoint from training (by input tokens),
// and multitask mixing with per-task loss weights. Everything is deterministic from a seed,
// and each (task, length, split) draws from its own seeded stream, so adding a length or a
// task never changes the problems of the others.
#pragma once

#include "tasks/dataset_example.h"
#include "tasks/task.h"

#include <cstdint>
#include <string>
#include <vector>

namespace relay {

enum class DatasetSplit { Train, Test };

struct DatasetSpec {
    std::string task = "ari";
    TaskOptions options;
    float weight = 1.0f;          // task loss weight when mixed with other tasks
    int maximumTrainLength = 4;   // K: training lengths 1..K
    int trainCount = 1000;        // total training samples, split proportionally to length
    std::vector<int> testLengths; // one test set per length (may overlap 1..K)
    int testCountPerLength = 100;
    std::uint64_t seed = 0;
    // False: the training inputs are still drawn, so the test sets exclude them exactly as
    // before, but not solved or kept (a run given its training file needs only the test sets).
    bool keepTraining = true;
};

// What one (task, length, split) produced: fewer than requested when the length has fewer
// distinct problems than asked for (e.g. one-operator ARI mod 11 has a few hundred).
struct LengthReport {
    std::string task;
    int length = 0;
    DatasetSplit split = DatasetSplit::Train;
    int requested = 0;
    int produced = 0;
    int attempts = 0; // problems drawn, duplicates and excluded ones included
    int repeated = 0; // training: copies of distinct problems that fill a length's share

    bool complete() const { return produced == requested; }
};

struct TestSet {
    TaskKind task = TaskKind::Arithmetic;
    int length = 0;
    std::vector<DatasetExample> examples;
};

struct Datasets {
    std::vector<DatasetExample> train; // ordered by task, then length; trainers shuffle
    std::vector<TestSet> test;         // ordered by task, then length
    std::vector<LengthReport> reports; // one per (task, length, split)
    bool multitask = false;            // batches should prepend task tokens
};

// Input fingerprints: a set of 64-bit hashes, small enough for paper-scale (1M) datasets. A hash
// collision can only reject a fresh problem, never let a duplicate through. Open addressing in
// one flat table: a dataset asks it twice per draw, and a node per hash cost a malloc each.
class InputSet {
public:
    // An input's fingerprint: a draw checked against several sets is hashed once.
    static std::uint64_t fingerprintOf(const Tokens& input);

    void insert(std::uint64_t fingerprint);
    bool contains(std::uint64_t fingerprint) const;
    void insert(const Tokens& input) { insert(fingerprintOf(input)); }
    bool contains(const Tokens& input) const { return contains(fingerprintOf(input)); }
    void reserve(std::size_t count);
    std::size_t size() const { return m_size; }

private:
    std::size_t slotOf(std::uint64_t key) const; // the key's slot, or the empty one it would take
    void rehash(std::size_t capacity);

    std::vector<std::uint64_t> m_slots; // 0: empty (a hash of 0 is kept as 1)
    std::size_t m_size = 0;
};

// Counts for lengths 1..maximumLength proportional to the length and summing to total
// (largest remainder rounding, so each is within 1 of total * length / sum).
std::vector<int> proportionalCounts(int total, int maximumLength);

// The seed of one (task, length, split) stream.
std::uint64_t streamSeed(std::uint64_t seed, const std::string& task, int length,
                         DatasetSplit split);

// Draws up to `count` distinct inputs of one length, none in `excluded`, from the stream
// streamSeed(seed, task, length, split); stops after 20 * count + 200 draws. Adds the accepted
// inputs to `accepted` when given. Inputs are drawn without their chains: a repeat costs a draw,
// not a solve.
std::vector<Tokens> drawDistinctInputs(const Task& task, int length, int count, std::uint64_t seed,
                                       DatasetSplit split, const InputSet* excluded,
                                       LengthReport& report, InputSet* accepted = nullptr);

// drawDistinctInputs, each input solved into its problem with its canonical chain.
std::vector<DatasetExample> generateLength(const Task& task, const TaskOptions& options, int length,
                                           int count, std::uint64_t seed, DatasetSplit split,
                                           const InputSet* excluded, LengthReport& report,
                                           InputSet* accepted = nullptr);

// One task's training set and test sets.
Datasets makeDatasets(const DatasetSpec& spec);

// Several tasks mixed: each task's sets as makeDatasets makes them, with its weight stored on
// every example; multitask is set when there is more than one task.
Datasets makeMultitaskDatasets(const std::vector<DatasetSpec>& specs);

} // namespace relay
