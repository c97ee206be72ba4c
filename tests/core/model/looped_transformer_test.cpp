// The looped model on hand-made batches: shapes, key padding, per-example T (freezing),
// gradients, weight sharing across iterations, read-out at masked positions only, and
// adaptive stopping against an independent computation of the confidence trace.
#include "model/looped_transformer.h"
#include "model/stopping.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace relay {
namespace {

constexpr std::int64_t kLoopedVocabulary = 20;

ModelConfig tinyConfig(PositionEncoding encoding = PositionEncoding::Rope) {
    ModelConfig config;
    config.vocabularySize = kLoopedVocabulary;
    config.hiddenSize = 16;
    config.layers = 2;
    config.heads = 2;
    config.dropout = 0.0;
    config.positionEncoding = encoding;
    config.maximumPositions = 64;
    return config;
}

// Three examples of widths 7, 5, 3 and T = 3, 1, 2; pads (0) beyond each width.
struct HandBatch {
    torch::Tensor inputIds = torch::tensor(
        {{4, 5, 6, 7, 8, 9, 10}, {11, 12, 13, 14, 15, 0, 0}, {16, 17, 18, 0, 0, 0, 0}},
        torch::kLong);
    torch::Tensor widths = torch::tensor({7, 5, 3}, torch::kLong);
    torch::Tensor iterations = torch::tensor({3, 1, 2}, torch::kLong);
};

LoopedForwardOptions everything() {
    LoopedForwardOptions options;
    options.hiddenStates = true;
    options.tokenConfidence = true;
    return options;
}

TEST(LoopedTransformer, ShapesOfEveryOutput) {
    torch::manual_seed(10);
    LoopedTransformer model(tinyConfig());
    HandBatch batch;
    auto output = model->forward(batch.inputIds, batch.widths, batch.iterations, everything());
    EXPECT_EQ(output.stepLogits.sizes(), torch::IntArrayRef({3, 3, 7, kLoopedVocabulary}));
    EXPECT_EQ(output.answerLogits.sizes(), torch::IntArrayRef({3, kLoopedVocabulary}));
    EXPECT_EQ(output.hiddenStates.sizes(), torch::IntArrayRef({3, 3, 7, 16}));
    ASSERT_EQ(output.tokenConfidence.sizes(), torch::IntArrayRef({3, 3, 7}));
    // The top-1 probability of each read-out position, as the viewer shows it.
    EXPECT_TRUE(torch::allclose(output.tokenConfidence,
                                std::get<0>(output.stepLogits.softmax(-1).max(-1)), 1e-5, 1e-6));
    EXPECT_TRUE(output.stepLogits.isfinite().all().item<bool>());
}

TEST(LoopedTransformer, BatchPaddingDoesNotReachRealPositions) {
    HandBatch batch;
    auto changed = batch.inputIds.clone();
    changed[1][5] = 3;
    changed[1][6] = 19;
    changed[2][3] = 7;
    changed[2][6] = 2;
    for (auto encoding : {PositionEncoding::Rope, PositionEncoding::RopeRandomized,
                          PositionEncoding::NoneDirectional}) {
        torch::manual_seed(11);
        LoopedTransformer model(tinyConfig(encoding));
        model->eval();
        torch::manual_seed(12); // the same random positions for both runs
        auto original = model->forward(batch.inputIds, batch.widths, batch.iterations);
        torch::manual_seed(12);
        auto modified = model->forward(changed, batch.widths, batch.iterations);
        for (std::int64_t example = 0; example < 3; ++example) {
            const auto width = batch.widths[example].item<std::int64_t>();
            auto real = torch::indexing::Slice(0, width);
            EXPECT_TRUE(torch::allclose(
                original.stepLogits.index({torch::indexing::Slice(), example, real}),
                modified.stepLogits.index({torch::indexing::Slice(), example, real}), 1e-5, 1e-6))
                << textOf(encoding) << " example " << example;
        }
        EXPECT_TRUE(torch::allclose(original.answerLogits, modified.answerLogits, 1e-5, 1e-6));
    }
}

TEST(LoopedTransformer, ExamplesStopChangingAfterTheirOwnT) {
    torch::manual_seed(13);
    LoopedTransformer model(tinyConfig());
    model->eval();
    HandBatch batch;
    auto output = model->forward(batch.inputIds, batch.widths, batch.iterations, everything());
    // Example 1 (T = 1) and example 2 (T = 2) are frozen afterwards.
    EXPECT_TRUE(torch::equal(output.hiddenStates[1][1], output.hiddenStates[0][1]));
    EXPECT_TRUE(torch::equal(output.hiddenStates[2][1], output.hiddenStates[0][1]));
    EXPECT_TRUE(torch::equal(output.hiddenStates[2][2], output.hiddenStates[1][2]));
    EXPECT_FALSE(torch::equal(output.hiddenStates[1][0], output.hiddenStates[0][0]));
    // Each example equals itself run alone, unpadded, for exactly its T.
    for (std::int64_t example = 0; example < 3; ++example) {
        const auto width = batch.widths[example].item<std::int64_t>();
        const auto iterations = batch.iterations[example].item<std::int64_t>();
        auto alone = model->forward(batch.inputIds[example].narrow(0, 0, width).unsqueeze(0),
                                    batch.widths.narrow(0, example, 1),
                                    batch.iterations.narrow(0, example, 1));
        EXPECT_TRUE(
            torch::allclose(alone.answerLogits[0], output.answerLogits[example], 1e-5, 1e-6));
        for (std::int64_t t = 0; t < iterations; ++t)
            EXPECT_TRUE(torch::allclose(alone.stepLogits[t][0],
                                        output.stepLogits[t][example].narrow(0, 0, width), 1e-5,
                                        1e-6))
                << "example " << example << " iteration " << t + 1;
    }
}

TEST(LoopedTransformer, IterationsApplyOneSharedBlock) {
    for (auto injection : {InputInjection::None, InputInjection::Add})
        for (bool iterationNorm : {false, true}) {
            auto config = tinyConfig();
            config.inputInjection = injection;
            config.iterationNorm = iterationNorm;
            torch::manual_seed(14);
            LoopedTransformer model(config);
            model->eval();
            if (iterationNorm) {
                // Away from the identity affine, so the check sees the norm's own weights.
                torch::NoGradGuard noGrad;
                model->m_iterationNorm->weight.uniform_(0.5, 1.5);
                model->m_iterationNorm->bias.uniform_(-0.5, 0.5);
            }
            HandBatch batch;
            auto three = torch::full({3}, 3, torch::kLong);
            auto output = model->forward(batch.inputIds, batch.widths, three, everything());
            // The same computation spelled out with the model's own parts; the LayerNorm by
            // hand: (x - mean) / sqrt(biased variance + 1e-5), then the affine.
            auto context = model->attentionContext(batch.widths, 7);
            auto embedded = model->m_embedding(batch.inputIds);
            auto hidden = embedded;
            for (int t = 0; t < 3; ++t) {
                hidden = model->m_block(
                    injection == InputInjection::Add ? hidden + embedded : hidden, context);
                if (iterationNorm) {
                    auto mean = hidden.mean(-1, true);
                    auto variance = (hidden - mean).pow(2).mean(-1, true);
                    hidden = (hidden - mean) / (variance + 1e-5).sqrt() *
                                 model->m_iterationNorm->weight +
                             model->m_iterationNorm->bias;
                }
                EXPECT_TRUE(torch::allclose(hidden, output.hiddenStates[t], 1e-4, 1e-5))
                    << "iteration " << t + 1 << (iterationNorm ? " with" : " without")
                    << " iteration norm";
            }
        }
}

std::int64_t expectedParameterCount(const ModelConfig& config) {
    const auto d = config.hiddenSize;
    const auto v = config.vocabularySize;
    const auto mlp = config.mlpRatio * d;
    const auto layer =
        (d * 3 * d + 3 * d) + (d * d + d) + 2 * (2 * d) + (d * mlp + mlp) + (mlp * d + d);
    return v * d + config.layers * layer + 2 * d + (config.tieEmbeddings ? v : d * v + v) +
           (config.separateAnswerHead ? d * v + v : 0) + (config.iterationNorm ? 2 * d : 0);
}

std::int64_t parameterCount(const ModelConfig& config) {
    LoopedTransformer model(config);
    std::int64_t count = 0;
    for (const auto& parameter : model->parameters())
        count += parameter.numel();
    return count;
}

TEST(LoopedTransformer, OneParameterSetWhateverT) {
    // Each switch in turn, on top of the ones before: the count by hand must follow.
    auto config = tinyConfig();
    EXPECT_EQ(parameterCount(config), expectedParameterCount(config));
    config.separateAnswerHead = false;
    EXPECT_EQ(parameterCount(config), expectedParameterCount(config));
    config.iterationNorm = true;
    EXPECT_EQ(parameterCount(config), expectedParameterCount(config));
    config.tieEmbeddings = true;
    EXPECT_EQ(parameterCount(config), expectedParameterCount(config));
}

TEST(LoopedTransformer, TiedReadOutIsTheEmbeddingMatrixTransposed) {
    auto config = tinyConfig();
    config.tieEmbeddings = true;
    torch::manual_seed(16);
    LoopedTransformer model(config);
    {
        torch::NoGradGuard noGrad;
        model->m_readOutBias.uniform_(-1, 1);
        model->m_finalNorm->weight.uniform_(0.5, 1.5);
    }
    auto hidden = torch::randn({2, 5, config.hiddenSize});
    // By hand: LayerNorm, then a dot product with every token's embedding row, plus the bias.
    auto mean = hidden.mean(-1, true);
    auto normed = (hidden - mean) / ((hidden - mean).pow(2).mean(-1, true) + 1e-5).sqrt() *
                      model->m_finalNorm->weight +
                  model->m_finalNorm->bias;
    auto expected = torch::matmul(normed, model->m_embedding->weight.t()) + model->m_readOutBias;
    EXPECT_TRUE(torch::allclose(model->readOut(hidden), expected, 1e-4, 1e-5));
    // One matrix, not a copy: a read-out loss moves the embedding of the token it scores.
    model->readOut(hidden).select(-1, 3).sum().backward();
    auto gradient = model->m_embedding->weight.grad();
    ASSERT_TRUE(gradient.defined());
    EXPECT_GT(gradient[3].abs().sum().item<double>(), 0.0);
    EXPECT_EQ(gradient[4].abs().sum().item<double>(), 0.0);
}

TEST(LoopedTransformer, GradientReachesEveryParameter) {
    for (auto encoding : {PositionEncoding::Rope, PositionEncoding::RopeRandomized,
                          PositionEncoding::NoneDirectional}) {
        auto config = tinyConfig(encoding);
        config.dropout = 0.1;
        config.inputInjection = InputInjection::Add;
        torch::manual_seed(15);
        LoopedTransformer model(config);
        model->train();
        HandBatch batch;
        auto output = model->forward(batch.inputIds, batch.widths, batch.iterations);
        auto targets = torch::randint(kLoopedVocabulary, {3, 3, 7}, torch::kLong);
        auto loss =
            torch::cross_entropy_loss(output.stepLogits.reshape({-1, kLoopedVocabulary}),
                                      targets.reshape({-1})) +
            torch::cross_entropy_loss(output.answerLogits, torch::tensor({1, 2, 3}, torch::kLong));
        loss.backward();
        for (const auto& item : model->named_parameters()) {
            ASSERT_TRUE(item.value().grad().defined()) << item.key();
            EXPECT_GT(item.value().grad().abs().sum().item<double>(), 0.0)
                << textOf(encoding) << " " << item.key();
        }
    }
}

TEST(LoopedTransformer, MaskedReadOutEqualsDenseReadOut) {
    torch::manual_seed(16);
    LoopedTransformer model(tinyConfig());
    model->eval();
    HandBatch batch;
    auto mask = torch::rand({3, 3, 7}) > 0.5;
    LoopedForwardOptions options;
    options.readOutMask = mask;
    auto output = model->forward(batch.inputIds, batch.widths, batch.iterations, options);
    ASSERT_EQ(output.maskedStepLogits.size(0), mask.sum().item<std::int64_t>());
    EXPECT_TRUE(
        torch::allclose(output.maskedStepLogits, output.stepLogits.index({mask}), 1e-6, 1e-6));
}

// -log(max softmax) averaged over real positions whose argmax is not <pad>, in double.
std::vector<std::vector<double>> traceByHand(const torch::Tensor& stepLogits,
                                             const torch::Tensor& widths) {
    auto logits = stepLogits.to(torch::kDouble);
    std::vector<std::vector<double>> trace(static_cast<std::size_t>(logits.size(0)));
    for (std::int64_t t = 0; t < logits.size(0); ++t)
        for (std::int64_t example = 0; example < logits.size(1); ++example) {
            double sum = 0.0;
            int counted = 0;
            for (std::int64_t position = 0; position < widths[example].item<std::int64_t>();
                 ++position) {
                auto row = logits[t][example][position];
                std::int64_t best = 0;
                double normalizer = 0.0;
                for (std::int64_t token = 0; token < row.size(0); ++token) {
                    normalizer += std::exp(row[token].item<double>());
                    if (row[token].item<double>() > row[best].item<double>())
                        best = token;
                }
                if (best == 0)
                    continue;
                sum += std::log(normalizer) - row[best].item<double>();
                ++counted;
            }
            trace[static_cast<std::size_t>(t)].push_back(
                counted == 0 ? std::numeric_limits<double>::infinity() : sum / counted);
        }
    return trace;
}

TEST(Stopping, AdaptivePicksTheMostConfidentIteration) {
    torch::manual_seed(17);
    LoopedTransformer model(tinyConfig());
    model->eval();
    { // Sharpen the untrained read-out so iterations differ clearly in confidence.
        torch::NoGradGuard noGradient;
        model->m_readOut->weight.mul_(40.0);
    }
    HandBatch batch;
    StoppingOptions stopping;
    stopping.rule = StoppingRule::Adaptive;
    stopping.maximumIterations = 6;
    auto result = inferLooped(model, batch.inputIds, batch.widths, stopping);
    ASSERT_EQ(result.uncertaintyTrace.sizes(), torch::IntArrayRef({6, 3}));
    auto expected = traceByHand(result.stepLogits, batch.widths);
    for (std::int64_t example = 0; example < 3; ++example) {
        std::int64_t best = 0;
        for (std::int64_t t = 0; t < 6; ++t) {
            const double value = expected[static_cast<std::size_t>(t)][example];
            const double actual = result.uncertaintyTrace[t][example].item<double>();
            if (std::isinf(value)) {
                EXPECT_TRUE(std::isinf(actual));
            } else {
                EXPECT_NEAR(actual, value, 1e-4);
            }
            if (value < expected[static_cast<std::size_t>(best)][example])
                best = t;
        }
        EXPECT_EQ(result.chosenIterations[example].item<std::int64_t>(), best + 1);
    }
    // The answer comes from the chosen iteration: the same as running exactly that many.
    auto rerun = model->forward(batch.inputIds, batch.widths, result.chosenIterations);
    EXPECT_TRUE(torch::allclose(result.answerLogits, rerun.answerLogits, 1e-5, 1e-6));
}

TEST(Stopping, OracleAndFixedRules) {
    torch::manual_seed(18);
    LoopedTransformer model(tinyConfig());
    model->eval();
    HandBatch batch;
    auto oracle = inferLooped(model, batch.inputIds, batch.widths, {}, batch.iterations);
    EXPECT_TRUE(torch::equal(oracle.chosenIterations, batch.iterations));
    EXPECT_EQ(oracle.stepLogits.size(0), 3);
    StoppingOptions fixed;
    fixed.rule = StoppingRule::Fixed;
    fixed.fixedIterations = 5;
    auto five = inferLooped(model, batch.inputIds, batch.widths, fixed);
    EXPECT_EQ(five.stepLogits.size(0), 5);
    EXPECT_TRUE(five.chosenIterations.eq(5).all().item<bool>());
    EXPECT_THROW(inferLooped(model, batch.inputIds, batch.widths, {}), std::invalid_argument);
}

} // namespace
} // namespace relay
