// training.ema_decay: the weight average against a recurrence the test computes itself from
// the trained weights each checkpoint holds, training itself unchanged by it, every reader of
// the run (evaluation, loadRunModel) using the average, and a resume continuing it exactly.
#include "model/checkpoint.h"
#include "store/run_store.h"
#include "tiny_run_support.h"
#include "train/evaluation.h"
#include "train/run_model.h"
#include "train/trainer.h"
#include "train/weight_average.h"

#include <gtest/gtest.h>

#include <torch/torch.h>

#include <filesystem>
#include <unistd.h>

using namespace relay;
namespace fs = std::filesystem;

namespace {

constexpr double kDecay = 0.8;

using WeightAverageTest = test::TinyRunTest;
using test::CancelAt;
using test::losses;

ExperimentConfig tinyConfig(double emaDecay) {
    return test::tinyConfig({{"training", {{"steps", 6}, {"ema_decay", emaDecay}}},
                             {"eval", {{"every", 6}}},
                             {"checkpoint", {{"every", 1}}}});
}

// The trained weights ("model.*") and their average ("average.*") a checkpoint holds.
struct StoredPair {
    LoopedTransformer trained{nullptr};
    LoopedTransformer average{nullptr};
};

StoredPair readPair(const std::string& path, const ExperimentConfig& config) {
    StoredPair pair{LoopedTransformer(config.model), LoopedTransformer(config.model)};
    AveragedWeights both(pair.trained.ptr(), pair.average.ptr());
    CheckpointLoadOptions options;
    options.restoreRandomState = false;
    loadCheckpoint(path, *both, nullptr, torch::kCPU, options);
    return pair;
}

std::vector<torch::Tensor> weightsOf(const torch::nn::Module& module) {
    std::vector<torch::Tensor> weights;
    for (const auto& parameter : module.parameters())
        weights.push_back(parameter.detach().clone());
    return weights;
}

TrainingOutcome train(RunStore& store, const ExperimentConfig& config) {
    TrainingRequest request;
    request.config = config;
    SilentEvents silent;
    std::atomic<bool> never{false};
    return trainNewRun(store, request, silent, never);
}

} // namespace

TEST(WeightAverage, DecayRampsUpToTheConfiguredOne) {
    EXPECT_DOUBLE_EQ(averageDecayAt(0.9999, 0), 0.1);        // (1 + 0) / (10 + 0)
    EXPECT_DOUBLE_EQ(averageDecayAt(0.9999, 10), 11.0 / 20); // still ramping
    EXPECT_DOUBLE_EQ(averageDecayAt(0.5, 100), 0.5);         // capped by the decay
}

TEST(WeightAverage, UpdateIsTheExponentialAverage) {
    torch::nn::Linear model(2, 1), average(2, 1);
    torch::NoGradGuard noGradients;
    average->weight.copy_(torch::tensor({{1.0f, 2.0f}}));
    average->bias.fill_(4.0f);
    model->weight.copy_(torch::tensor({{3.0f, -2.0f}}));
    model->bias.fill_(0.0f);
    updateAverage(*average, *model, 0.9, 100); // d = 0.9
    EXPECT_NEAR(average->weight[0][0].item<float>(), 0.9 * 1 + 0.1 * 3, 1e-6);
    EXPECT_NEAR(average->weight[0][1].item<float>(), 0.9 * 2 + 0.1 * -2, 1e-6);
    EXPECT_NEAR(average->bias[0].item<float>(), 0.9 * 4, 1e-6);
    updateAverage(*average, *model, 0.9, 0); // d = 0.1: the first updates follow the weights
    EXPECT_NEAR(average->weight[0][0].item<float>(), 0.1 * 1.2 + 0.9 * 3, 1e-6);
}

TEST_F(WeightAverageTest, TheStoredAverageFollowsTheRecurrenceOverTheTrainedWeights) {
    RunStore store(storeFile());
    const ExperimentConfig config = tinyConfig(kDecay);
    const auto run = train(store, config).run;
    const auto checkpoints = store.checkpoints(run);
    ASSERT_EQ(checkpoints.size(), 6u);
    // a_t = d_{t-1} a_{t-1} + (1 - d_{t-1}) w_t, with d_n = min(decay, (1 + n) / (10 + n)).
    auto previous = readPair(checkpoints[0].path, config);
    for (std::size_t index = 1; index < checkpoints.size(); ++index) {
        auto current = readPair(checkpoints[index].path, config);
        const double d = std::min(kDecay, (1.0 + static_cast<double>(index)) /
                                              (10.0 + static_cast<double>(index)));
        const auto averaged = weightsOf(*previous.average);
        const auto trained = weightsOf(*current.trained);
        const auto stored = weightsOf(*current.average);
        for (std::size_t tensor = 0; tensor < stored.size(); ++tensor)
            EXPECT_TRUE(torch::allclose(
                stored[tensor], averaged[tensor] * d + trained[tensor] * (1 - d), 1e-5, 1e-6))
                << "step " << index + 1 << " tensor " << tensor;
        previous = std::move(current);
    }
    // The average is not the trained weights (the test would pass vacuously if it were).
    const auto last = readPair(checkpoints.back().path, config);
    EXPECT_FALSE(torch::allclose(weightsOf(*last.average)[0], weightsOf(*last.trained)[0]));
}

TEST_F(WeightAverageTest, TrainingIsUnchangedAndEveryReaderUsesTheAverage) {
    RunStore store(storeFile());
    const auto plainRun = train(store, tinyConfig(0.0)).run;
    const auto averagedRun = train(store, tinyConfig(kDecay)).run;
    // The average only watches: the losses and trained weights are those of a run without it
    // (the second model's initialisation does not shift the dropout draws).
    EXPECT_EQ(losses(store, averagedRun), losses(store, plainRun));
    const ExperimentConfig config = tinyConfig(kDecay);
    const auto pair = readPair(store.checkpoints(averagedRun).back().path, config);
    RunModel plain = loadRunModel(store, plainRun);
    const auto plainWeights = weightsOf(*plain.looped);
    const auto trainedWeights = weightsOf(*pair.trained);
    for (std::size_t tensor = 0; tensor < plainWeights.size(); ++tensor)
        EXPECT_TRUE(torch::equal(plainWeights[tensor], trainedWeights[tensor])) << tensor;

    // loadRunModel (Stage II, eval, the viewer) reads the average.
    RunModel model = loadRunModel(store, averagedRun);
    const auto loaded = weightsOf(*model.looped);
    const auto average = weightsOf(*pair.average);
    for (std::size_t tensor = 0; tensor < loaded.size(); ++tensor)
        EXPECT_TRUE(torch::equal(loaded[tensor], average[tensor])) << tensor;

    // The run's own evaluation at its last step scored the average: re-scoring the loaded model
    // on the same test sets reproduces every stored oracle accuracy.
    EvaluationOptions options;
    options.trainingStep = 6;
    options.adaptive = false;
    const auto report =
        evaluateLooped(model.looped, model.vocabulary, runTestSets(model.config, 1, 3), options);
    std::map<int, double> stored;
    for (const auto& eval : store.evals(averagedRun))
        if (eval.step == 6 && eval.stopping == "oracle")
            stored[eval.length] = eval.tokenAccuracy;
    ASSERT_EQ(stored.size(), 3u);
    for (const auto& eval : report.evals)
        EXPECT_DOUBLE_EQ(eval.tokenAccuracy, stored[eval.length]) << "length " << eval.length;
}

TEST_F(WeightAverageTest, AResumeContinuesTheAverageExactly) {
    RunStore store(storeFile());
    const ExperimentConfig config = tinyConfig(kDecay);
    const auto uninterrupted = train(store, config).run;

    // Cancelled after its third checkpoint, then resumed.
    std::atomic<bool> cancel{false};
    CancelAt cancelAtThree(3, cancel);
    TrainingRequest request;
    request.config = config;
    const auto first = trainNewRun(store, request, cancelAtThree, cancel);
    ASSERT_EQ(first.status, RunStatus::Cancelled);
    SilentEvents silent;
    std::atomic<bool> go{false};
    ASSERT_EQ(resumeRun(store, first.run, silent, go).status, RunStatus::Finished);

    const auto expected = readPair(store.checkpoints(uninterrupted).back().path, config);
    const auto actual = readPair(store.checkpoints(first.run).back().path, config);
    const auto expectedAverage = weightsOf(*expected.average);
    const auto actualAverage = weightsOf(*actual.average);
    for (std::size_t tensor = 0; tensor < expectedAverage.size(); ++tensor)
        EXPECT_TRUE(torch::equal(actualAverage[tensor], expectedAverage[tensor])) << tensor;
}
