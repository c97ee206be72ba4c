// Length pieces of an AR batch: the split is the cheapest of all contiguous splits (checked
// against every split of small batches), and a trainer step on a batch it splits has the loss of
// the whole batch at once.
#include "train/length_pieces.h"

#include "tiny_run_support.h"

#include "model/ar_transformer.h"
#include "model/batch_tensors.h"
#include "tasks/batching.h"
#include "train/objectives.h"
#include "train/training_session.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

using namespace relay;

namespace {

double costOf(const std::vector<std::int64_t>& lengths, const std::vector<std::size_t>& ends,
              const PieceCosts& costs) {
    double total = -costs.perPiece;
    std::size_t start = 0;
    for (auto end : ends) {
        const double longest = static_cast<double>(lengths[end - 1]);
        total += costs.perPiece + double(end - start) * longest * (costs.perToken + longest);
        start = end;
    }
    return total;
}

} // namespace

TEST(LengthPieces, IsTheCheapestOfEveryContiguousSplit) {
    std::mt19937 random(5);
    const PieceCosts costs{40.0, 3000.0};
    for (int trial = 0; trial < 200; ++trial) {
        const std::size_t count = 1 + random() % 10;
        std::vector<std::int64_t> lengths(count);
        for (auto& length : lengths)
            length = 1 + static_cast<std::int64_t>(random() % (trial % 2 ? 300 : 30));
        std::sort(lengths.begin(), lengths.end());
        double cheapest = std::numeric_limits<double>::infinity();
        for (std::uint32_t cuts = 0; cuts < (1u << (count - 1)); ++cuts) { // bit i: cut after i
            std::vector<std::size_t> ends;
            for (std::size_t i = 0; i + 1 < count; ++i)
                if (cuts & (1u << i))
                    ends.push_back(i + 1);
            ends.push_back(count);
            cheapest = std::min(cheapest, costOf(lengths, ends, costs));
        }
        const auto ends = cheapestPieces(lengths, costs);
        ASSERT_FALSE(ends.empty());
        EXPECT_EQ(ends.back(), count);
        EXPECT_TRUE(std::is_sorted(ends.begin(), ends.end()));
        EXPECT_NEAR(costOf(lengths, ends, costs), cheapest, 1e-9 * cheapest) << "trial " << trial;
    }
    EXPECT_TRUE(cheapestPieces({}, costs).empty());
}

TEST(LengthPieces, SplitsOffALongOutlierAndKeepsALikeBatchWhole) {
    const auto costs = pieceCostsFor(64); // perToken 384, perPiece 512 tokens' worth
    std::vector<std::int64_t> alike(64, 30);
    EXPECT_EQ(cheapestPieces(alike, costs), (std::vector<std::size_t>{64}));
    auto outlier = alike;
    outlier.back() = 250; // one full-width chain among in-distribution problems
    EXPECT_EQ(cheapestPieces(outlier, costs), (std::vector<std::size_t>{63, 64}));
}

using LengthPiecesRun = test::TinyRunTest;

// ARI of 1 to 12 operators: chains of 6 to about 200 tokens in one batch of 16, which the
// trainer splits; its first loss is the loss of the whole batch under the initial weights,
// computed here in one piece.
TEST_F(LengthPiecesRun, ASplitStepHasTheWholeBatchsLoss) {
    auto config = test::tinyConfig({{"train_lengths", {{"min", 1}, {"max", 12}}},
                                    {"test_lengths", {{"min", 1}, {"max", 2}}},
                                    {"model", {{"dropout", 0.0}}},
                                    {"data", {{"train_samples", 256}}},
                                    {"training", {{"batch_size", 16}, {"steps", 1}}}});
    RunStore store(storeFile());
    SilentEvents silent;

    Session session(store, 0, config, RunKind::Ar);
    buildSession(session, silent);
    const auto indices = session.sampler->batch(0, config.training.batchSize);
    std::vector<const TokenizedProblem*> problems;
    std::vector<std::int64_t> lengths;
    BatchOptions options;
    for (auto index : indices) {
        problems.push_back(&session.tokenized[index]);
        options.weights.push_back(session.data.train[index].weight);
        std::int64_t tokens = static_cast<std::int64_t>(session.tokenized[index].input.size());
        for (const auto& step : session.tokenized[index].steps)
            tokens += static_cast<std::int64_t>(step.size());
        lengths.push_back(tokens);
    }
    std::sort(lengths.begin(), lengths.end());
    ASSERT_GT(cheapestPieces(lengths, pieceCostsFor(config.model.hiddenSize)).size(), 1u)
        << "this batch must be split for the test to mean anything";
    session.autoregressive->train();
    auto batch = toTensors(makeArBatch(problems, session.vocabulary, options), session.device);
    ArForwardOptions forward;
    forward.logits = false;
    forward.readOutMask = arReadOutMask(batch);
    forward.sequenceLengths = batch.sequenceLengths;
    const double whole =
        arLoss(session.autoregressive->forward(batch.tokens, forward).maskedLogits, batch)
            .item<double>();

    TrainingRequest request;
    request.config = config;
    request.kind = RunKind::Ar;
    std::atomic<bool> never{false};
    const auto losses = test::losses(store, trainNewRun(store, request, silent, never).run);
    ASSERT_EQ(losses.size(), 1u);
    EXPECT_NEAR(losses[0], whole, 1e-5 * whole);
}
