// Datasets (docs/method.md §1.4): deterministic from a seed, train/test disjoint, counts
// proportional to length, bounded when a length runs out of distinct problems, mixing.
#include "tasks/dataset.h"
#include "tasks/dataset_stats.h"
#include "tasks/dataset_verification.h"
#include "tasks/format_error.h"
#include "tasks/length_list.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

namespace relay {
namespace {

std::vector<Tokens> inputsOf(const std::vector<DatasetExample>& examples) {
    std::vector<Tokens> inputs;
    for (const auto& example : examples)
        inputs.push_back(example.problem.input);
    return inputs;
}

DatasetSpec smallSpec(const std::string& task) {
    DatasetSpec spec;
    spec.task = task;
    spec.maximumTrainLength = 4;
    spec.trainCount = 200;
    spec.testLengths = {3, 4, 5, 6};
    spec.testCountPerLength = 30;
    spec.seed = 17;
    return spec;
}

TEST(Dataset, ProportionalCountsSumToTheTotalWithinRounding) {
    for (int total : {0, 1, 7, 100, 1000, 99991}) {
        for (int maximumLength : {1, 2, 4, 15, 30}) {
            auto counts = proportionalCounts(total, maximumLength);
            ASSERT_EQ(counts.size(), static_cast<std::size_t>(maximumLength));
            int sum = 0;
            const double triangle = maximumLength * (maximumLength + 1) / 2.0;
            for (int length = 1; length <= maximumLength; ++length) {
                sum += counts[length - 1];
                EXPECT_LT(std::abs(counts[length - 1] - total * length / triangle), 1.0);
            }
            EXPECT_EQ(sum, total);
        }
    }
    EXPECT_EQ(proportionalCounts(10, 4), (std::vector<int>{1, 2, 3, 4}));
}

TEST(InputSet, AnswersAsAnExactSetDoesThroughGrowthAndReserve) {
    // Short inputs over a small alphabet: many repeats, as a short length's draws have.
    std::mt19937_64 random(5);
    std::set<Tokens> exact;
    InputSet fingerprints;
    for (int draw = 0; draw < 60000; ++draw) {
        if (draw == 20000)
            fingerprints.reserve(100000); // a rehash with entries in it
        Tokens input;
        const int size = 1 + static_cast<int>(random() % 4);
        for (int token = 0; token < size; ++token)
            input.push_back(std::to_string(random() % 12));
        const bool known = exact.count(input) > 0;
        ASSERT_EQ(fingerprints.contains(input), known) << "draw " << draw;
        if (random() % 2 == 0) {
            exact.insert(input);
            fingerprints.insert(input);
            ASSERT_TRUE(fingerprints.contains(input)) << "draw " << draw;
        }
        ASSERT_EQ(fingerprints.size(), exact.size()) << "draw " << draw;
    }
    EXPECT_GT(exact.size(), 5000u); // the table grew many times
    // Token boundaries count: "1 12" is not "11 2".
    InputSet split;
    split.insert({"1", "12"});
    EXPECT_FALSE(split.contains({"11", "2"}));
    EXPECT_FALSE(InputSet().contains({"1"}));
}

TEST(Dataset, TrainingLengthsFollowTheProportions) {
    for (const char* task : {"ari", "ed", "lis"}) {
        Datasets datasets = makeDatasets(smallSpec(task));
        std::vector<int> perLength(5, 0);
        for (const auto& example : datasets.train)
            ++perLength.at(static_cast<std::size_t>(example.problem.complexity));
        EXPECT_EQ(perLength, (std::vector<int>{0, 20, 40, 60, 80})) << task;
        EXPECT_EQ(datasets.train.size(), 200u);
        ASSERT_EQ(datasets.test.size(), 4u);
        for (const auto& testSet : datasets.test) {
            EXPECT_EQ(testSet.examples.size(), 30u) << task << " length " << testSet.length;
            for (const auto& example : testSet.examples)
                EXPECT_EQ(example.problem.complexity, testSet.length);
        }
    }
}

TEST(Dataset, DeterministicForASeed) {
    for (const char* task : {"ari", "ed", "lis"}) {
        Datasets first = makeDatasets(smallSpec(task));
        Datasets second = makeDatasets(smallSpec(task));
        EXPECT_EQ(inputsOf(first.train), inputsOf(second.train)) << task;
        for (std::size_t index = 0; index < first.test.size(); ++index)
            EXPECT_EQ(inputsOf(first.test[index].examples), inputsOf(second.test[index].examples));
        DatasetSpec other = smallSpec(task);
        other.seed = 18;
        EXPECT_NE(inputsOf(makeDatasets(other).train), inputsOf(first.train)) << task;
    }
}

TEST(Dataset, AddingALengthChangesNoOtherLength) {
    DatasetSpec spec = smallSpec("ed");
    spec.testLengths = {6};
    Datasets few = makeDatasets(spec);
    spec.testLengths = {5, 6, 7};
    Datasets more = makeDatasets(spec);
    EXPECT_EQ(inputsOf(few.test[0].examples), inputsOf(more.test[1].examples));
}

TEST(Dataset, TestSetsAreDisjointFromTraining) {
    for (const char* task : {"ari", "ed", "lis"}) {
        DatasetSpec spec = smallSpec(task);
        spec.testLengths = {1, 2, 3, 4}; // overlapping lengths, where collisions can happen
        Datasets datasets = makeDatasets(spec);
        std::set<Tokens> train;
        for (const auto& input : inputsOf(datasets.train))
            EXPECT_TRUE(train.insert(input).second) << task << ": duplicate training input";
        for (const auto& testSet : datasets.test) {
            std::set<Tokens> test;
            for (const auto& input : inputsOf(testSet.examples)) {
                EXPECT_EQ(train.count(input), 0u) << task << ": " << joinTokens(input);
                EXPECT_TRUE(test.insert(input).second) << task << ": duplicate test input";
            }
        }
    }
}

TEST(Dataset, TestSetsWithoutKeptTrainingAreTheSameAndStillExcludeIt) {
    // A run given its training file keeps only the test sets; they must still leave out the
    // generated training inputs (lengths 1-4 overlap the training range here).
    for (const char* task : {"ari", "ed", "lis"}) {
        DatasetSpec spec = smallSpec(task);
        spec.testLengths = {1, 2, 3, 4, 5};
        const Datasets full = makeDatasets(spec);
        spec.keepTraining = false;
        const Datasets testOnly = makeDatasets(spec);
        EXPECT_TRUE(testOnly.train.empty()) << task;
        ASSERT_EQ(testOnly.test.size(), full.test.size()) << task;
        std::set<Tokens> train;
        for (const auto& input : inputsOf(full.train))
            train.insert(input);
        for (std::size_t index = 0; index < full.test.size(); ++index) {
            const auto inputs = inputsOf(testOnly.test[index].examples);
            EXPECT_EQ(inputs, inputsOf(full.test[index].examples)) << task << " set " << index;
            for (const auto& input : inputs)
                EXPECT_EQ(train.count(input), 0u) << task << ": " << joinTokens(input);
        }
    }
}

TEST(Dataset, StopsWhenALengthRunsOutOfDistinctProblems) {
    // One-operator ARI mod 3 has only a few dozen of distinct problems.
    TaskOptions options;
    options.modulus = 3;
    auto task = makeTask("ari", options);
    LengthReport report;
    auto examples =
        generateLength(*task, options, 1, 5000, 1, DatasetSplit::Train, nullptr, report);
    EXPECT_FALSE(report.complete());
    EXPECT_EQ(report.requested, 5000);
    EXPECT_EQ(report.produced, static_cast<int>(examples.size()));
    EXPECT_LT(report.produced, 50);
    EXPECT_LE(report.attempts, 5000 * 20 + 200);
}

// generateLength solves only the draws it keeps; what it keeps must be what drawing whole
// problems and skipping repeats (a std::set of token lists, no hashing) keeps, in order, with
// each chain the canonical one. Lengths that run out of distinct problems reject most draws.
TEST(Dataset, KeepsTheDrawsThatWholeProblemGenerationWouldKeep) {
    struct Case {
        std::string task;
        int length;
        int count;
    };
    for (const Case& c :
         {Case{"ari", 1, 600}, Case{"ari", 2, 3000}, Case{"ari", 4, 500}, Case{"ed", 1, 200},
          Case{"ed", 5, 300}, Case{"lis", 2, 2000}, Case{"lis", 9, 300}}) {
        TaskOptions options;
        options.lisValueRange = 12; // short LIS lengths run out too
        auto task = makeTask(c.task, options);
        InputSet excluded;
        std::set<Tokens> excludedReference;
        {
            std::mt19937_64 other(99);
            for (int index = 0; index < 50; ++index) {
                const Tokens input = task->generate(c.length, other).input;
                excluded.insert(input);
                excludedReference.insert(input);
            }
        }
        std::mt19937_64 random(streamSeed(5, task->name(), c.length, DatasetSplit::Test));
        std::set<Tokens> seen;
        std::vector<Problem> expected;
        for (long long attempt = 0;
             static_cast<int>(expected.size()) < c.count && attempt < c.count * 20LL + 200;
             ++attempt) {
            Problem problem = task->generate(c.length, random);
            if (excludedReference.count(problem.input) || !seen.insert(problem.input).second)
                continue;
            expected.push_back(std::move(problem));
        }
        LengthReport report;
        const auto examples = generateLength(*task, options, c.length, c.count, 5,
                                             DatasetSplit::Test, &excluded, report);
        ASSERT_EQ(examples.size(), expected.size()) << c.task << " length " << c.length;
        for (std::size_t index = 0; index < expected.size(); ++index) {
            const Problem& problem = examples[index].problem;
            ASSERT_EQ(problem.input, expected[index].input) << c.task << " #" << index;
            EXPECT_EQ(problem.steps, expected[index].steps) << c.task << " #" << index;
            EXPECT_EQ(problem.answer, expected[index].answer) << c.task << " #" << index;
            EXPECT_EQ(problem.complexity, c.length);
        }
    }
}

TEST(Dataset, TrainingLengthShortOfDistinctProblemsRepeatsThemToKeepItsShare) {
    // One-operator ARI mod 3: 3 x 3 x 4 operator choices minus the 3 divisions by zero = 33.
    DatasetSpec spec = smallSpec("ari");
    spec.options.modulus = 3;
    spec.trainCount = 1000; // proportional shares 100 / 200 / 300 / 400
    spec.testLengths = {};
    Datasets datasets = makeDatasets(spec);
    std::map<int, int> perLength;
    std::map<int, std::set<Tokens>> distinct;
    for (const auto& example : datasets.train) {
        ++perLength[example.problem.complexity];
        distinct[example.problem.complexity].insert(example.problem.input);
    }
    EXPECT_EQ(perLength[1], 100);
    EXPECT_EQ(distinct[1].size(), 33u);
    EXPECT_EQ(datasets.reports[0].produced, 33);
    EXPECT_EQ(datasets.reports[0].repeated, 67);
    EXPECT_EQ(perLength[4], 400);
    EXPECT_EQ(datasets.reports[3].repeated, 0);
}

TEST(Dataset, MultitaskMixingKeepsEachTasksWeight) {
    DatasetSpec ari = smallSpec("ari");
    ari.weight = 1.0f;
    DatasetSpec ed = smallSpec("ed");
    ed.weight = 10.0f;
    Datasets mixed = makeMultitaskDatasets({ari, ed});
    EXPECT_TRUE(mixed.multitask);
    EXPECT_EQ(mixed.train.size(), 400u);
    EXPECT_EQ(mixed.test.size(), 8u);
    for (const auto& example : mixed.train)
        EXPECT_FLOAT_EQ(example.weight,
                        example.problem.task == TaskKind::EditDistance ? 10.0f : 1.0f);
    // Mixing changes no task's problems.
    EXPECT_EQ(inputsOf(std::vector<DatasetExample>(mixed.train.begin() + 200, mixed.train.end())),
              inputsOf(makeDatasets(ed).train));
    EXPECT_FALSE(makeMultitaskDatasets({ari}).multitask);
}

TEST(Dataset, GeneratedChainsVerifyAndStatsCountThem) {
    Datasets datasets = makeDatasets(smallSpec("lis"));
    auto summary = verifyExamples(datasets.train);
    EXPECT_EQ(summary.total, 200);
    EXPECT_EQ(summary.correct, 200);
    EXPECT_EQ(summary.canonical, 200);

    datasets.train[5].problem.steps[0][0] = "7";
    datasets.train[5].line = 6;
    summary = verifyExamples(datasets.train);
    EXPECT_EQ(summary.wrong, 1);
    ASSERT_EQ(summary.firstWrong.size(), 1u);
    EXPECT_EQ(summary.firstWrong[0].line, 6);
    EXPECT_EQ(summary.firstWrong[0].verdict.firstWrongStep, 1);

    datasets.train[7].problem.input = {"x", "<sep>"};
    datasets.train[7].line = 8;
    try {
        verifyExamples(datasets.train);
        ADD_FAILURE() << "no error for a malformed input";
    } catch (const FormatError& error) {
        EXPECT_EQ(error.line(), 8);
    }

    DatasetStats stats = computeDatasetStats(makeDatasets(smallSpec("lis")).train);
    EXPECT_EQ(stats.count, 200);
    ASSERT_EQ(stats.tasks.size(), 1u);
    ASSERT_EQ(stats.tasks[0].lengths.size(), 4u);
    EXPECT_EQ(stats.tasks[0].lengths[3].length, 4);
    EXPECT_EQ(stats.tasks[0].lengths[3].count, 80);
    EXPECT_DOUBLE_EQ(stats.tasks[0].lengths[3].meanInputTokens, 5.0); // 4 numbers + <sep>
    EXPECT_DOUBLE_EQ(stats.tasks[0].lengths[3].meanChainTokens, 11.0);
}

TEST(LengthList, ParsesRangesAndLists) {
    EXPECT_EQ(parseLengthList("1-6"), (std::vector<int>{1, 2, 3, 4, 5, 6}));
    EXPECT_EQ(parseLengthList("3,5,8-10"), (std::vector<int>{3, 5, 8, 9, 10}));
    EXPECT_EQ(parseLengthList(" 5 , 3,3"), (std::vector<int>{3, 5}));
    for (const char* bad : {"", "0", "a", "3-", "-3", "5-3", "1,,2", "1,", "2.5", "9999999"})
        EXPECT_THROW(parseLengthList(bad), std::invalid_argument) << bad;
}

} // namespace
} // namespace relay
