// Self-improvement rounds on a trained model: the shipped demo's aligned looped run (ARI,
// trained on 2-4 operators) writes a round's chains. Each round's training file must hold
// exactly the original-length problems followed by the chains the label-free filter kept in
// rounds 1..r (checked against each chain's own verdict), round r must write at K_train + r,
// and the request must continue the writer's looped model; the looped fine-tune must train on
// chains longer than anything the writer was trained on.
#include "config/stored_config.h"
#include "demo_store_copy.h"
#include "tasks/dataset_file.h"
#include "tasks/tokens.h"
#include "train/looped_rounds.h"
#include "train/stage_two.h"
#include "train/trainer.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace relay {
namespace {

constexpr int kOriginals = 40;
constexpr int kRoundSamples = 300;

// The demo's looped run's config with few chains and originals, so a round takes seconds.
ExperimentConfig roundConfig(RunStore& store) {
    const auto stageOne = test::demoStageRun(store, "looped");
    auto json = experimentConfigToJson(
        storedExperimentConfig(store.run(stageOne).configJson, "run " + std::to_string(stageOne)));
    json["stage2"]["original_samples"] = kOriginals;
    json["stage2"]["round_samples"] = kRoundSamples;
    json["stage2"]["round_steps"] = 2;
    json["stage2"]["round_learning_rate"] = 2e-4;
    json["data"]["test_samples_per_length"] = 4;
    json["threads"] = 1;
    return experimentConfigFromJson(json);
}

std::string inputText(const DatasetExample& example) {
    return joinTokens(example.problem.input);
}

TEST(LoopedRounds, TrainingFileHoldsOriginalsAndEveryRoundsKeptChains) {
    test::DemoStoreCopy demo("looped-rounds");
    RunStore store(demo.storeFile());
    const auto config = roundConfig(store);
    ASSERT_EQ(config.trainLengths.max, 4);
    const auto folder = (std::filesystem::path(demo.storeFile()).parent_path() / "rounds").string();

    const auto stageOne = test::demoStageRun(store, "looped");
    std::vector<std::vector<GeneratedChain>> rounds;
    for (int round = 1; round <= 2; ++round) {
        auto preparation = prepareLoopedRound(store, config, LoopedRound{round, stageOne, folder});
        // Round r writes at K_train + r, as many chains as asked.
        ASSERT_EQ(static_cast<int>(preparation.chains.size()), kRoundSamples);
        for (const auto& chain : preparation.chains) {
            EXPECT_EQ(chain.truth.problem.complexity, 4 + round);
            EXPECT_EQ(chain.written.steps.size(), static_cast<std::size_t>(4 + round));
            ASSERT_TRUE(chain.labelFree);
            EXPECT_EQ(chainRecordOf(chain).labelFreeKept, chain.labelFree->kept ? 1 : 0);
        }
        rounds.push_back(preparation.chains);

        const auto& request = preparation.request;
        EXPECT_EQ(request.kind, RunKind::Looped);
        ASSERT_TRUE(request.parentRun);
        EXPECT_EQ(*request.parentRun, stageOne);
        EXPECT_EQ(request.config.training.steps, 2);
        EXPECT_DOUBLE_EQ(request.config.optimizer.learningRate, 2e-4);
        EXPECT_FALSE(request.config.training.curriculum);
        EXPECT_EQ(request.config.trainLengths.max, 4) << "the training range stays Stage I's";

        // The file: the originals (lengths 1-4, the config's own problems), then each round's
        // kept chains in order, as written (the model's steps and answer, not the truth).
        const auto examples = readDatasetFile(request.config.data.trainFile, DatasetFormat::Jsonl);
        const auto originals = originalExamples(config, kOriginals);
        std::vector<std::string> expected;
        for (const auto& example : originals)
            expected.push_back(inputText(example) + " | " +
                               joinTokens(example.problem.steps.back()));
        int keptThisRound = 0;
        for (const auto& chains : rounds)
            for (const auto& chain : chains)
                if (chain.labelFree->kept) {
                    expected.push_back(joinTokens(chain.written.input) + " | " +
                                       joinTokens(chain.written.steps.back()));
                    keptThisRound += &chains == &rounds.back();
                }
        if (round == 1) {
            ASSERT_GE(keptThisRound, 5) << "the demo's model should keep some chains at +1";
        }
        ASSERT_EQ(examples.size(), expected.size());
        for (std::size_t index = 0; index < examples.size(); ++index) {
            EXPECT_EQ(inputText(examples[index]) + " | " +
                          joinTokens(examples[index].problem.steps.back()),
                      expected[index])
                << "example " << index;
            const int length = examples[index].problem.complexity;
            if (index < originals.size()) {
                EXPECT_GE(length, config.trainLengths.min);
                EXPECT_LE(length, 4);
            } else {
                EXPECT_GE(length, 5);
                EXPECT_LE(length, 4 + round);
            }
        }
    }
}

TEST(LoopedRounds, FineTuneTrainsOnChainsLongerThanItsTraining) {
    test::DemoStoreCopy demo("looped-round-train");
    RunStore store(demo.storeFile());
    const auto config = roundConfig(store);
    const auto folder = (std::filesystem::path(demo.storeFile()).parent_path() / "rounds").string();
    const auto stageOne = test::demoStageRun(store, "looped");
    auto preparation = prepareLoopedRound(store, config, LoopedRound{1, stageOne, folder});
    SilentEvents events;
    const std::atomic<bool> cancel{false};
    const auto outcome = trainNewRun(store, preparation.request, events, cancel);
    EXPECT_EQ(outcome.status, RunStatus::Finished);
    EXPECT_EQ(outcome.steps, 2);
    const auto run = store.run(outcome.run);
    EXPECT_EQ(run.kind, RunKind::Looped);
    ASSERT_TRUE(run.parentRun);
    EXPECT_EQ(*run.parentRun, stageOne);
    // Evaluated by length like any run, past the round's chain length too.
    int longest = 0;
    for (const auto& eval : store.evals(outcome.run))
        longest = std::max(longest, eval.length);
    EXPECT_EQ(longest, config.testLengths.max);
}

TEST(LoopedRounds, RoundOneWritesStageTwosCountAtPlusOne) {
    auto config = experimentConfigFromJson({{"train_lengths", {{"min", 1}, {"max", 4}}},
                                            {"test_lengths", {{"min", 1}, {"max", 8}}},
                                            {"stage2", {{"generated_samples", 400}}}});
    // Stage II splits 400 over lengths 5-8 as 96 : 101 : 107 : 96 (the paper's Table 3).
    EXPECT_EQ(roundSampleCount(config), 96);
    EXPECT_EQ(roundChainLength(config, 3), 7);
    config.stage2.roundSamples = 17;
    EXPECT_EQ(roundSampleCount(config), 17);
}

} // namespace
} // namespace relay
