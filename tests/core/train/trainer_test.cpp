// The trainer end to end on tiny configs: runs reach the store, cancel + resume reproduces an
// uninterrupted run's losses exactly, and a diverging run stops as diverged.
#include "model/thread_generator.h"
#include "tiny_run_support.h"
#include "train/run_model.h"
#include "train/training_session.h"

#include <gtest/gtest.h>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>
#include <unistd.h>

using namespace relay;
namespace fs = std::filesystem;

using TrainerTest = test::TinyRunTest;
using test::CancelAt;
using test::losses;
using test::tinyConfig;

TEST_F(TrainerTest, EachKindWritesRunsMetricsEvalsAndCheckpoints) {
    RunStore store(storeFile());
    for (auto kind : {RunKind::Looped, RunKind::LoopedVanilla, RunKind::Ar}) {
        SilentEvents events;
        std::atomic<bool> cancel{false};
        TrainingRequest request;
        request.config = tinyConfig();
        request.kind = kind;
        auto outcome = trainNewRun(store, request, events, cancel);
        SCOPED_TRACE(textOf(kind));
        EXPECT_EQ(outcome.status, RunStatus::Finished);
        EXPECT_EQ(outcome.steps, 12);
        auto run = store.run(outcome.run);
        EXPECT_EQ(run.status, RunStatus::Finished);
        EXPECT_EQ(run.kind, kind);
        EXPECT_EQ(losses(store, outcome.run).size(), 12u);
        EXPECT_EQ(store.metrics(outcome.run, "learning_rate").size(), 12u);
        // Evaluations at steps 4, 8, 12 on lengths 1..3 (oracle + adaptive for looped).
        auto evals = store.evals(outcome.run);
        EXPECT_EQ(evals.size(), kind == RunKind::Ar ? 9u : 18u);
        EXPECT_EQ(store.checkpoints(outcome.run).size(), 3u);
        for (const auto& checkpoint : store.checkpoints(outcome.run))
            EXPECT_TRUE(fs::exists(checkpoint.path)) << checkpoint.path;
        if (kind != RunKind::Ar) {
            EXPECT_EQ(store.probeSteps(outcome.run), (std::vector<std::int64_t>{4, 8, 12}));
            EXPECT_FALSE(store.stepAccuracy(outcome.run).empty());
        }
        if (kind == RunKind::Looped) {
            EXPECT_EQ(store.metrics(outcome.run, "loss_iteration").size(), 12u);
        }
    }
}

TEST_F(TrainerTest, ResumeAfterCancelReproducesTheUninterruptedLosses) {
    RunStore store(storeFile());
    TrainingRequest request;
    request.config = tinyConfig(); // dropout 0.1: the generator state must survive too
    SilentEvents silent;
    std::atomic<bool> never{false};
    auto uninterrupted = trainNewRun(store, request, silent, never);
    auto expected = losses(store, uninterrupted.run);
    ASSERT_EQ(expected.size(), 12u);

    std::atomic<bool> cancel{false};
    CancelAt cancelAt(4, cancel);
    auto first = trainNewRun(store, request, cancelAt, cancel);
    EXPECT_EQ(first.status, RunStatus::Cancelled);
    EXPECT_EQ(first.steps, 5); // off the checkpoint cadence: the cancel writes its own
    EXPECT_EQ(store.checkpoints(first.run).back().step, 5);
    EXPECT_EQ(store.run(first.run).status, RunStatus::Cancelled);

    std::atomic<bool> go{false};
    auto resumed = resumeRun(store, first.run, silent, go);
    EXPECT_EQ(resumed.status, RunStatus::Finished);
    EXPECT_EQ(resumed.run, first.run);
    auto actual = losses(store, first.run);
    ASSERT_EQ(actual.size(), expected.size());
    for (std::size_t index = 0; index < expected.size(); ++index)
        EXPECT_DOUBLE_EQ(actual[index], expected[index]) << "step " << index + 1;
    EXPECT_THROW(resumeRun(store, first.run, silent, go), std::invalid_argument); // finished
}

// training.dropout_from_step: the steps before it train exactly as a run without dropout, the
// steps from it as dropout does (they differ from that run's), and a resume on either side of
// the switch continues as the uninterrupted run did.
TEST_F(TrainerTest, DropoutTakesEffectAtItsStepAndAResumeKeepsThat) {
    RunStore store(storeFile());
    SilentEvents silent;
    std::atomic<bool> never{false};
    for (auto kind : {RunKind::Looped, RunKind::Ar}) {
        SCOPED_TRACE(textOf(kind));
        auto train = [&](double dropout, int from) {
            TrainingRequest request;
            request.config = tinyConfig(
                {{"model", {{"dropout", dropout}}}, {"training", {{"dropout_from_step", from}}}});
            request.kind = kind;
            return losses(store, trainNewRun(store, request, silent, never).run);
        };
        const auto without = train(0.0, 0);
        const auto from6 = train(0.1, 6);
        const auto throughout = train(0.1, 0);
        ASSERT_EQ(from6.size(), 12u);
        for (std::size_t index = 0; index < 6; ++index)
            EXPECT_DOUBLE_EQ(from6[index], without[index]) << "step " << index + 1;
        EXPECT_NE(from6[6], without[6]);      // step 7 (index 6) drops
        EXPECT_NE(throughout[0], without[0]); // dropout from step 0 drops at once

        for (std::int64_t cancelStep : {4, 8}) { // before and after the switch
            TrainingRequest request;
            request.config = tinyConfig(
                {{"model", {{"dropout", 0.1}}}, {"training", {{"dropout_from_step", 6}}}});
            request.kind = kind;
            std::atomic<bool> cancel{false};
            CancelAt cancelAt(cancelStep, cancel);
            auto first = trainNewRun(store, request, cancelAt, cancel);
            ASSERT_EQ(first.status, RunStatus::Cancelled);
            std::atomic<bool> go{false};
            ASSERT_EQ(resumeRun(store, first.run, silent, go).status, RunStatus::Finished);
            const auto resumed = losses(store, first.run);
            ASSERT_EQ(resumed.size(), from6.size());
            for (std::size_t index = 0; index < from6.size(); ++index)
                EXPECT_DOUBLE_EQ(resumed[index], from6[index])
                    << "cancelled at " << cancelStep << ", step " << index + 1;
        }
    }
}

// relay pipeline trains stages side by side as threads of one process. Each session draws its
// dropout masks from its own generator, so two runs trained at the same time have the losses
// each has alone (with one process-wide generator their draws interleaved by timing).
TEST_F(TrainerTest, RunsTrainedSideBySideDrawWhatEachDrawsAlone) {
    RunStore store(storeFile());
    SilentEvents silent;
    std::atomic<bool> never{false};
    std::vector<TrainingRequest> requests(2);
    requests[0].config = tinyConfig({{"training", {{"steps", 80}}}, {"seed", 3}});
    requests[1].config = tinyConfig({{"training", {{"steps", 80}}}, {"seed", 4}});
    requests[1].kind = RunKind::Ar;
    std::vector<std::vector<double>> alone;
    for (const auto& request : requests)
        alone.push_back(losses(store, trainNewRun(store, request, silent, never).run));
    for (int attempt = 0; attempt < 3; ++attempt) {
        std::vector<std::int64_t> runs(2);
        std::vector<std::thread> threads;
        for (std::size_t index = 0; index < 2; ++index)
            threads.emplace_back([&, index] {
                RunStore own(storeFile());
                runs[index] = trainNewRun(own, requests[index], silent, never).run;
            });
        for (auto& thread : threads)
            thread.join();
        for (std::size_t index = 0; index < 2; ++index)
            EXPECT_EQ(losses(store, runs[index]), alone[index])
                << "run " << index << ", attempt " << attempt;
    }
}

// A fine-tune loads its parent's model while the stages beside it are being built, and building
// a stage seeds LibTorch's global generator, initialises its model from it and clones it as the
// stage's own. Constructing the model a checkpoint is loaded into draws from that generator too,
// so it waits for the generator's lock: a stage's start does not depend on the threads' timing
// (seen as a resumed pipeline's fine-tune differing from step 1 about one time in four).
TEST_F(TrainerTest, LoadingARunsModelWaitsWhileTheGlobalGeneratorIsInUse) {
    RunStore store(storeFile());
    SilentEvents silent;
    std::atomic<bool> never{false};
    TrainingRequest request;
    request.config = tinyConfig();
    const auto run = trainNewRun(store, request, silent, never).run;

    auto global = at::detail::getDefaultCPUGenerator();
    std::unique_lock<std::mutex> building(globalGeneratorMutex());
    torch::manual_seed(11);
    const auto seeded = global.get_state();
    std::atomic<bool> loaded{false};
    std::thread reader([&] {
        RunStore own(storeFile());
        loadRunModel(own, run, std::nullopt, "cpu");
        loaded = true;
    });
    // Loading this model takes milliseconds; unguarded, it would be done and have drawn by now.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    EXPECT_FALSE(loaded.load());
    EXPECT_TRUE(torch::equal(global.get_state(), seeded));
    building.unlock();
    reader.join();
    EXPECT_TRUE(loaded.load());
}

// buildSession holds the generator's lock only from seeding to the clone, so a sibling's model
// load does not wait while it generates and tokenises its data: that is sound only because the
// data draws nothing from LibTorch's generator.
TEST_F(TrainerTest, GeneratingAndTokenisingTheDataDrawNothingFromLibTorchsGenerator) {
    auto config = tinyConfig({{"tasks", {{{"task", "ari"}}, {{"task", "ed"}}, {{"task", "lis"}}}}});
    auto global = at::detail::getDefaultCPUGenerator();
    torch::manual_seed(12);
    const auto seeded = global.get_state();
    const auto data = makeMultitaskDatasets(datasetSpecs(config, 1, 3));
    const auto vocabulary = Vocabulary::ofSize(config.model.vocabularySize);
    for (const auto& example : data.train)
        tokenizeProblem(example.problem, vocabulary, data.multitask);
    ASSERT_FALSE(data.train.empty());
    EXPECT_TRUE(torch::equal(global.get_state(), seeded));
}

// The weights a run starts from are the ones a model constructed right after seeding LibTorch
// with the run's seed gets, whatever the session builds before them.
TEST_F(TrainerTest, ASessionStartsFromTheWeightsItsSeedGives) {
    auto config = tinyConfig({{"seed", 23}});
    RunStore store(storeFile());
    SilentEvents silent;
    for (auto kind : {RunKind::Looped, RunKind::Ar}) {
        SCOPED_TRACE(textOf(kind));
        torch::manual_seed(99); // whatever the generator held before
        Session session(store, 0, config, kind);
        buildSession(session, silent);
        torch::manual_seed(23);
        std::shared_ptr<torch::nn::Module> reference;
        if (kind == RunKind::Ar)
            reference = ArTransformer(config.model).ptr();
        else
            reference = LoopedTransformer(config.model).ptr();
        const auto expected = reference->named_parameters();
        const auto built = session.module().named_parameters();
        ASSERT_EQ(built.size(), expected.size());
        for (const auto& item : expected)
            EXPECT_TRUE(torch::equal(built[item.key()], item.value())) << item.key();
    }
}

TEST_F(TrainerTest, TwoStoresInOneFolderKeepTheirCheckpointsApart) {
    // Both stores number their first run 1; neither may overwrite the other's step files.
    RunStore main(storeFile());
    RunStore other((m_folder / "ablation.db").string());
    TrainingRequest request;
    request.config = tinyConfig();
    SilentEvents silent;
    std::atomic<bool> never{false};
    auto first = trainNewRun(main, request, silent, never);
    auto second = trainNewRun(other, request, silent, never);
    ASSERT_EQ(first.run, second.run);
    auto mainPath = fs::path(main.checkpoints(first.run).back().path);
    auto otherPath = fs::path(other.checkpoints(second.run).back().path);
    EXPECT_EQ(mainPath.parent_path(), m_folder / "checkpoints" / "run-1");
    EXPECT_EQ(otherPath.parent_path(), m_folder / "ablation-checkpoints" / "run-1");
}

TEST_F(TrainerTest, DivergingRunStopsAsDiverged) {
    RunStore store(storeFile());
    TrainingRequest request;
    request.config = tinyConfig();
    request.config.optimizer.learningRate = 1e30; // blows the weights up within a few steps
    request.config.training.gradientClip = 0;
    SilentEvents events;
    std::atomic<bool> cancel{false};
    auto outcome = trainNewRun(store, request, events, cancel);
    EXPECT_EQ(outcome.status, RunStatus::Diverged);
    EXPECT_LT(outcome.steps, 12);
    EXPECT_EQ(store.run(outcome.run).status, RunStatus::Diverged);
}

// Issue 17: a resumed run's wall time once restarted at 0, so a plot by time folded back.
TEST_F(TrainerTest, WallTimeContinuesAcrossAResume) {
    RunStore store(storeFile());
    TrainingRequest request;
    request.config = tinyConfig();
    std::atomic<bool> cancel{false};
    CancelAt cancelAt(4, cancel);
    auto first = trainNewRun(store, request, cancelAt, cancel);
    ASSERT_EQ(first.status, RunStatus::Cancelled);
    SilentEvents silent;
    std::atomic<bool> go{false};
    ASSERT_EQ(resumeRun(store, first.run, silent, go).status, RunStatus::Finished);
    const auto points = store.metrics(first.run, "loss");
    ASSERT_EQ(points.size(), 12u);
    for (std::size_t index = 1; index < points.size(); ++index)
        EXPECT_GE(points[index].wallTime, points[index - 1].wallTime)
            << "step " << points[index].step;
}

// A round's chains go in with its run: a run killed while it trains (here: looked at from a
// second connection when it starts, then cancelled) has them, and its resume adds none.
TEST_F(TrainerTest, ARequestsChainsAreStoredWithTheRunBeforeItTrains) {
    RunStore store(storeFile());
    TrainingRequest request;
    request.config = tinyConfig();
    ChainRecord first, second;
    first.task = second.task = "ari";
    first.length = 3;
    first.input = "1+2*3=";
    first.stepsJson = R"(["1+6","7"])";
    first.answer = "7";
    first.verified = first.answerCorrect = true;
    first.labelFreeKept = 1;
    second.length = 4;
    second.input = "2*2-1+4=";
    second.answer = "0";
    second.labelFreeKept = 0;
    request.chains = {first, second};

    class ChainsAtTheStart : public TrainingEvents {
    public:
        ChainsAtTheStart(std::string path, std::atomic<bool>& cancel)
            : m_path(std::move(path)), m_cancel(cancel) {}
        void emit(const nlohmann::json& event) override {
            if (event.value("event", "") != "started" || m_cancel.load())
                return;
            RunStore other(m_path);
            seen = other.chains(event.at("run").get<std::int64_t>());
            m_cancel = true;
        }
        std::vector<ChainRecord> seen;

    private:
        std::string m_path;
        std::atomic<bool>& m_cancel;
    };
    std::atomic<bool> cancel{false};
    ChainsAtTheStart events(storeFile(), cancel);
    auto outcome = trainNewRun(store, request, events, cancel);
    ASSERT_EQ(outcome.status, RunStatus::Cancelled);
    ASSERT_EQ(events.seen.size(), 2u);
    EXPECT_EQ(events.seen[0].input, "1+2*3=");
    EXPECT_EQ(events.seen[0].stepsJson, R"(["1+6","7"])");
    EXPECT_EQ(events.seen[0].labelFreeKept, 1);
    EXPECT_EQ(events.seen[1].answer, "0");
    EXPECT_EQ(events.seen[1].labelFreeKept, 0);

    SilentEvents silent;
    std::atomic<bool> go{false};
    EXPECT_EQ(resumeRun(store, outcome.run, silent, go).status, RunStatus::Finished);
    EXPECT_EQ(store.chains(outcome.run).size(), 2u);
}
