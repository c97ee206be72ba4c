// The AR decoder: shapes, causality, RoPE's shift invariance at model level, and batched
// KV-cache greedy decoding against one-prompt-at-a-time full recomputation.
#include "model/ar_generation.h"
#include "model/ar_transformer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace relay {
namespace {

constexpr std::int64_t kArVocabulary = 24;

ModelConfig arConfig(PositionEncoding encoding = PositionEncoding::Rope) {
    ModelConfig config;
    config.vocabularySize = kArVocabulary;
    config.hiddenSize = 32;
    config.layers = 2;
    config.heads = 4;
    config.dropout = 0.0;
    config.positionEncoding = encoding;
    config.maximumPositions = 128;
    config.randomPositionsAtEvaluation = false;
    return config;
}

TEST(ArTransformer, FutureTokensDoNotChangePastLogits) {
    for (auto encoding : {PositionEncoding::Rope, PositionEncoding::NoneDirectional}) {
        torch::manual_seed(20);
        ArTransformer model(arConfig(encoding));
        model->eval();
        auto tokens = torch::randint(4, kArVocabulary, {2, 9}, torch::kLong);
        auto changed = tokens.clone();
        changed.narrow(1, 5, 4).random_(4, kArVocabulary);
        auto original = model->forward(tokens).logits;
        auto modified = model->forward(changed).logits;
        EXPECT_EQ(original.sizes(), torch::IntArrayRef({2, 9, kArVocabulary}));
        EXPECT_TRUE(
            torch::allclose(original.narrow(1, 0, 5), modified.narrow(1, 0, 5), 1e-5, 1e-6));
        EXPECT_FALSE(torch::allclose(original.narrow(1, 5, 4), modified.narrow(1, 5, 4)));
    }
}

TEST(ArTransformer, PrefixOfALongSequenceEqualsTheShortSequence) {
    // Causality again, across very different sequence lengths.
    torch::manual_seed(25);
    ArTransformer model(arConfig());
    model->eval();
    auto tokens = torch::randint(4, kArVocabulary, {4, 130}, torch::kLong);
    auto longLogits = model->forward(tokens).logits.narrow(1, 0, 20);
    auto shortLogits = model->forward(tokens.narrow(1, 0, 20).contiguous()).logits;
    EXPECT_TRUE(torch::allclose(longLogits, shortLogits, 1e-4, 1e-5));
}

TEST(ArTransformer, ShiftingAllPositionsChangesNothing) {
    torch::manual_seed(21);
    ArTransformer model(arConfig());
    model->eval();
    auto tokens = torch::randint(4, kArVocabulary, {2, 10}, torch::kLong);
    ArForwardOptions plain;
    plain.positions = torch::arange(10, torch::kFloat32).expand({2, 10});
    ArForwardOptions shifted;
    shifted.positions = plain.positions + torch::tensor({{37.0f}, {5.0f}});
    ArForwardOptions spread; // a different relative layout must matter
    spread.positions = plain.positions * 2;
    auto reference = model->forward(tokens, plain).logits;
    EXPECT_TRUE(torch::allclose(reference, model->forward(tokens).logits, 1e-5, 1e-6));
    EXPECT_TRUE(torch::allclose(reference, model->forward(tokens, shifted).logits, 1e-4, 1e-5));
    EXPECT_FALSE(torch::allclose(reference, model->forward(tokens, spread).logits, 1e-4, 1e-5));
}

// model.ar_position_encoding: an AR model built from a looped model's config (randomized
// positions, drawn afresh at every forward pass) computes exactly what a plain-RoPE model with
// the same weights computes.
TEST(ArTransformer, ArPositionEncodingOverridesTheLoopedOne) {
    auto randomized = arConfig(PositionEncoding::RopeRandomized);
    randomized.randomPositionsAtEvaluation = true;
    auto overridden = randomized;
    overridden.arPositionEncoding = PositionEncoding::Rope;
    torch::manual_seed(23);
    ArTransformer plain(arConfig(PositionEncoding::Rope));
    ArTransformer model(overridden);
    ArTransformer drawing(randomized);
    {
        torch::NoGradGuard noGrad;
        auto source = plain->named_parameters();
        for (auto& parameter : model->named_parameters())
            parameter.value().copy_(source[parameter.key()]);
        for (auto& parameter : drawing->named_parameters())
            parameter.value().copy_(source[parameter.key()]);
    }
    plain->eval();
    model->eval();
    drawing->eval();
    auto tokens = torch::randint(4, kArVocabulary, {2, 12}, torch::kLong);
    auto reference = plain->forward(tokens).logits;
    EXPECT_TRUE(torch::allclose(reference, model->forward(tokens).logits, 1e-5, 1e-6));
    EXPECT_FALSE(torch::allclose(reference, drawing->forward(tokens).logits, 1e-4, 1e-5));
}

TEST(ArTransformer, MaskedReadOutEqualsDense) {
    torch::manual_seed(22);
    ArTransformer model(arConfig());
    model->eval();
    auto tokens = torch::randint(4, kArVocabulary, {3, 6}, torch::kLong);
    ArForwardOptions options;
    options.readOutMask = torch::rand({3, 6}) > 0.4;
    auto output = model->forward(tokens, options);
    EXPECT_TRUE(torch::allclose(output.maskedLogits, output.logits.index({options.readOutMask}),
                                1e-6, 1e-6));
}

// Greedy decoding of one prompt by re-running the whole sequence for every token, up to
// endToken (not kept) or maximumNewTokens.
void recomputeGreedy(ArTransformer& model, std::vector<std::int64_t> sequence,
                     std::int64_t maximumNewTokens, std::int64_t endToken,
                     std::vector<std::int64_t>& tokens, std::vector<float>& probabilities) {
    torch::NoGradGuard noGradient;
    for (std::int64_t step = 0; step < maximumNewTokens; ++step) {
        auto input = torch::tensor(sequence, torch::kLong).unsqueeze(0);
        auto logits = model->forward(input).logits[0][input.size(1) - 1];
        auto [probability, next] = torch::softmax(logits, -1).max(-1);
        if (next.item<std::int64_t>() == endToken)
            return;
        tokens.push_back(next.item<std::int64_t>());
        probabilities.push_back(probability.item<float>());
        sequence.push_back(next.item<std::int64_t>());
    }
}

// A token that some rows write and others never do (-1 when there is none).
std::int64_t tokenOfSomeRows(const std::vector<std::vector<std::int64_t>>& rows) {
    for (std::int64_t token = 0; token < kArVocabulary; ++token) {
        const auto writers = std::count_if(rows.begin(), rows.end(), [&](const auto& row) {
            return std::find(row.begin(), row.end(), token) != row.end();
        });
        if (writers > 0 && writers < static_cast<std::ptrdiff_t>(rows.size()))
            return token;
    }
    return -1;
}

TEST(ArGeneration, CachedBatchEqualsFullRecomputation) {
    for (auto encoding : {PositionEncoding::Rope, PositionEncoding::RopeRandomized,
                          PositionEncoding::NoneDirectional}) {
        torch::manual_seed(23);
        ArTransformer model(arConfig(encoding));
        model->eval();
        { // Sharper logits: greedy choices far from ties.
            torch::NoGradGuard noGradient;
            model->m_readOut->weight.mul_(20.0);
        }
        const std::vector<std::vector<std::int64_t>> prompts = {
            {2, 5, 9, 11}, {2, 7}, {2, 13, 4, 4, 8, 19, 21}, {2, 6, 6}};
        // The end token is one that only some rows write, so in one batch some rows stop while
        // the others decode on to the limit (a stopped row's cache slots keep being written).
        GenerationOptions options;
        options.maximumNewTokens = 12;
        options.endToken = -1;
        const auto unstopped = generateGreedy(model, prompts, options).tokens;
        options.endToken = tokenOfSomeRows(unstopped);
        ASSERT_GE(options.endToken, 0) << textOf(encoding);
        auto generation = generateGreedy(model, prompts, options);
        ASSERT_EQ(generation.tokens.size(), prompts.size());
        int stopped = 0;
        for (std::size_t row = 0; row < prompts.size(); ++row) {
            std::vector<std::int64_t> tokens;
            std::vector<float> probabilities;
            recomputeGreedy(model, prompts[row], options.maximumNewTokens, options.endToken, tokens,
                            probabilities);
            EXPECT_EQ(generation.tokens[row], tokens) << textOf(encoding) << " prompt " << row;
            ASSERT_EQ(generation.probabilities[row].size(), probabilities.size());
            for (std::size_t index = 0; index < probabilities.size(); ++index)
                EXPECT_NEAR(generation.probabilities[row][index], probabilities[index], 1e-4);
            EXPECT_EQ(generation.ended[row],
                      static_cast<std::int64_t>(tokens.size()) < options.maximumNewTokens);
            stopped += generation.ended[row] ? 1 : 0;
        }
        // A batch that ignored the end token, or stopped every row at the first one to end,
        // fails here.
        EXPECT_GE(stopped, 1) << textOf(encoding);
        EXPECT_LT(stopped, static_cast<int>(prompts.size())) << textOf(encoding);
    }
}

TEST(ArGeneration, StopsAtTheEndTokenOrTheLimit) {
    torch::manual_seed(24);
    ArTransformer model(arConfig());
    model->eval();
    GenerationOptions options;
    options.maximumNewTokens = 5;
    options.endToken = -1; // never produced: every row runs to the limit
    auto generation = generateGreedy(model, {{2, 5}, {2, 9, 9, 9}}, options);
    for (const auto& tokens : generation.tokens)
        EXPECT_EQ(tokens.size(), 5u);
    EXPECT_FALSE(generation.ended[0]);
    EXPECT_THROW(generateGreedy(model, {{}}, options), std::invalid_argument);
}

} // namespace
} // namespace relay
