// The viewer's engine side on a tiny trained run: target rows and scored positions agree with
// the training layout (makeLoopedBatch, written independently), marks agree with the read-out,
// rules run the right number of iterations, and typed problems fail with clear errors.
#include "config/experiment_config.h"
#include "store/run_store.h"
#include "tasks/batching.h"
#include "tasks/task.h"
#include "train/problem_inspection.h"
#include "train/trainer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <unistd.h>

using namespace relay;
namespace fs = std::filesystem;

namespace {

class ProblemInspectionTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_folder = fs::temp_directory_path() / ("relay-inspection-" + std::to_string(getpid()));
        fs::remove_all(s_folder);
        fs::create_directories(s_folder);
        RunStore store(storeFile());
        TrainingRequest request;
        request.config = experimentConfigFromJson(
            {{"tasks", {{{"task", "ari"}, {"modulus", 5}}}},
             {"train_lengths", {{"min", 1}, {"max", 2}}},
             {"test_lengths", {{"min", 1}, {"max", 4}}},
             {"data", {{"train_samples", 64}, {"test_samples_per_length", 8}}},
             {"model", {{"hidden_size", 16}, {"layers", 1}, {"heads", 2}}},
             {"training", {{"batch_size", 8}, {"steps", 8}}},
             {"eval", {{"every", 8}}},
             {"checkpoint", {{"every", 4}}},
             {"device", "cpu"},
             {"threads", 1}});
        SilentEvents events;
        std::atomic<bool> cancel{false};
        s_run = trainNewRun(store, request, events, cancel).run;
    }
    static void TearDownTestSuite() { fs::remove_all(s_folder); }
    static std::string storeFile() { return (s_folder / "runs.db").string(); }

    static fs::path s_folder;
    static std::int64_t s_run;
};

fs::path ProblemInspectionTest::s_folder;
std::int64_t ProblemInspectionTest::s_run = 0;

} // namespace

TEST_F(ProblemInspectionTest, TargetsAndScoredPositionsMatchTheTrainingLayout) {
    LoopedInspector inspector(storeFile(), s_run);
    EXPECT_EQ(inspector.checkpointStep(), 8);
    auto problems = inspector.testProblems("ari", 3, 4);
    ASSERT_EQ(problems.size(), 4u);
    auto vocabulary = Vocabulary::ofSize(inspector.config().model.vocabularySize);
    for (const auto& problem : problems) {
        auto inspection = inspector.inspect(problem, {});
        auto batch = makeLoopedBatch({problem}, vocabulary);
        ASSERT_EQ(inspection.width, batch.width);
        ASSERT_EQ(static_cast<int>(inspection.iterations.size()), 3);
        EXPECT_EQ(inspection.chosenIterations, 3);
        for (const auto& row : inspection.iterations) {
            ASSERT_EQ(static_cast<std::int64_t>(row.target.size()), batch.width);
            ASSERT_EQ(static_cast<std::int64_t>(row.readOut.size()), batch.width);
            for (std::int64_t position = 0; position < batch.width; ++position) {
                auto cell = (row.iteration - 1) * batch.width + position;
                EXPECT_EQ(vocabulary.id(row.target[static_cast<std::size_t>(position)]),
                          batch.stepTargets[static_cast<std::size_t>(cell)]);
                bool scored = batch.stepMask[static_cast<std::size_t>(cell)] > 0;
                auto mark = row.marks[static_cast<std::size_t>(position)];
                EXPECT_EQ(mark != TokenMark::Unscored, scored) << "position " << position;
                if (scored) {
                    EXPECT_EQ(mark == TokenMark::Right,
                              row.readOut[static_cast<std::size_t>(position)] ==
                                  row.target[static_cast<std::size_t>(position)]);
                }
            }
            EXPECT_EQ(row.stepCorrect,
                      row.step == problem.steps[static_cast<std::size_t>(row.iteration - 1)]);
        }
    }
}

TEST_F(ProblemInspectionTest, RulesRunTheirIterations) {
    LoopedInspector inspector(storeFile(), s_run);
    auto problem = inspector.parse("( 1 + 2 ) * 3 - 4 =", "ari");
    ASSERT_EQ(problem.iterations(), 3);
    InspectionOptions longer;
    longer.maximumIterations = 6; // oracle, shown past T
    auto past = inspector.inspect(problem, longer);
    EXPECT_EQ(past.iterations.size(), 6u);
    EXPECT_EQ(past.chosenIterations, 3);
    EXPECT_TRUE(past.iterations[4].target.empty());
    for (auto mark : past.iterations[4].marks)
        EXPECT_EQ(mark, TokenMark::Unscored);
    InspectionOptions fixed;
    fixed.rule = "fixed";
    fixed.fixedIterations = 2;
    auto two = inspector.inspect(problem, fixed);
    EXPECT_EQ(two.iterations.size(), 2u);
    EXPECT_EQ(two.chosenIterations, 2);
    InspectionOptions adaptive;
    adaptive.rule = "adaptive";
    auto chosen = inspector.inspect(problem, adaptive);
    ASSERT_EQ(chosen.iterations.size(), 5u); // T + max(2, T/2)
    // Adaptive stopping by hand from the shown confidences: an iteration's uncertainty is the
    // mean of -log(top-1 probability) over positions not read as <pad> (+inf if all are), and
    // the rule keeps the first iteration of lowest uncertainty.
    std::vector<double> uncertainty;
    for (const auto& row : chosen.iterations) {
        double sum = 0;
        int counted = 0;
        for (std::size_t position = 0; position < row.readOut.size(); ++position) {
            if (row.readOut[position] == "<pad>")
                continue;
            sum -= std::log(static_cast<double>(row.confidence[position]));
            ++counted;
        }
        uncertainty.push_back(counted ? sum / counted : std::numeric_limits<double>::infinity());
        if (std::isfinite(uncertainty.back()))
            EXPECT_NEAR(row.uncertainty, uncertainty.back(), 1e-4) << "iteration " << row.iteration;
        else
            EXPECT_TRUE(std::isinf(row.uncertainty)) << "iteration " << row.iteration;
    }
    const auto lowest = std::min_element(uncertainty.begin(), uncertainty.end());
    ASSERT_TRUE(std::isfinite(*lowest)) << "every iteration read all <pad>";
    ASSERT_GE(chosen.chosenIterations, 1);
    EXPECT_NEAR(uncertainty[static_cast<std::size_t>(chosen.chosenIterations - 1)], *lowest, 1e-6);
    for (int earlier = 1; earlier < chosen.chosenIterations; ++earlier)
        EXPECT_GT(uncertainty[static_cast<std::size_t>(earlier - 1)], *lowest + 1e-6)
            << "iteration " << earlier << " was as confident and comes first";
    InspectionOptions unknown;
    unknown.rule = "sometimes";
    EXPECT_THROW(inspector.inspect(problem, unknown), std::invalid_argument);
}

TEST_F(ProblemInspectionTest, TypedProblemsFailClearly) {
    LoopedInspector inspector(storeFile(), s_run);
    try {
        inspector.parse("1 + + 2 =", "ari");
        FAIL() << "a malformed problem parsed";
    } catch (const ParseError& error) {
        // The second "+" (token 2) has no left operand.
        EXPECT_EQ(error.position(), 2) << error.what();
        EXPECT_EQ(error.token(), "+") << error.what();
    }
    // 7 is no residue mod 5: outside the run's vocabulary or rejected by the parser.
    EXPECT_ANY_THROW(inspector.parse("7 + 1 =", "ari"));
    EXPECT_THROW(inspector.parse("a b | a b <sep>", "ed"), std::invalid_argument);
    EXPECT_THROW(LoopedInspector(storeFile(), 999), std::exception);
}
