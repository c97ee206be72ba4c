// Rotary embedding against the 2-D rotations it is defined by; relative-offset invariance of
// attention scores; randomized positions; the attention masks of each position encoding.
#include "model/looped_transformer.h"
#include "model/rotary.h"

#include <gtest/gtest.h>

#include <cmath>

namespace relay {
namespace {

TEST(Rotary, RotatesEachPairByPositionTimesFrequency) {
    const std::int64_t headSize = 8;
    const double base = 10000.0;
    torch::manual_seed(1);
    auto x = torch::randn({1, 1, 1, headSize});
    const double position = 7.0;
    auto tables = makeRotaryTables(torch::full({1, 1}, position), headSize, base);
    auto rotated = applyRotary(x, tables);
    const std::int64_t half = headSize / 2;
    for (std::int64_t i = 0; i < half; ++i) {
        const double angle = position * std::pow(base, -2.0 * static_cast<double>(i) / headSize);
        const double a = x[0][0][0][i].item<double>();
        const double b = x[0][0][0][i + half].item<double>();
        EXPECT_NEAR(rotated[0][0][0][i].item<double>(), a * std::cos(angle) - b * std::sin(angle),
                    1e-5);
        EXPECT_NEAR(rotated[0][0][0][i + half].item<double>(),
                    b * std::cos(angle) + a * std::sin(angle), 1e-5);
    }
}

TEST(Rotary, ScoresDependOnlyOnRelativeOffset) {
    const std::int64_t headSize = 16;
    torch::manual_seed(2);
    auto query = torch::randn({headSize});
    auto key = torch::randn({headSize});
    auto x = torch::stack({query, key}).view({1, 1, 2, headSize});
    auto score = [&](double queryPosition, double keyPosition) {
        auto positions = torch::tensor({queryPosition, keyPosition}).view({1, 2});
        auto rotated = applyRotary(x, makeRotaryTables(positions, headSize, 10000.0));
        return (rotated[0][0][0] * rotated[0][0][1]).sum().item<double>();
    };
    for (double offset : {-5.0, 0.0, 3.0, 11.0}) {
        const double reference = score(20.0 + offset, 20.0);
        for (double shift : {-20.0, 1.0, 17.0, 300.0})
            EXPECT_NEAR(score(20.0 + offset + shift, 20.0 + shift), reference, 2e-4)
                << "offset " << offset << " shift " << shift;
    }
    // And the score does change with the offset (the positions are visible at all).
    EXPECT_GT(std::abs(score(3.0, 0.0) - score(0.0, 0.0)), 1e-3);
}

TEST(Rotary, RandomPositionsAreSortedSubsetsOfTheRange) {
    torch::manual_seed(3);
    auto lengths = torch::tensor({5, 2, 8}, torch::kLong);
    const std::int64_t width = 8;
    const std::int64_t maximum = 20;
    auto positions = sortedRandomPositions(lengths, width, maximum);
    ASSERT_EQ(positions.sizes(), torch::IntArrayRef({3, width}));
    for (std::int64_t row = 0; row < 3; ++row) {
        const auto length = lengths[row].item<std::int64_t>();
        for (std::int64_t slot = 0; slot < length; ++slot) {
            const auto value = positions[row][slot].item<double>();
            EXPECT_GE(value, 0.0);
            EXPECT_LT(value, static_cast<double>(maximum));
            EXPECT_EQ(value, std::floor(value));
            if (slot > 0) {
                EXPECT_GT(value, positions[row][slot - 1].item<double>());
            }
        }
    }
    EXPECT_THROW(sortedRandomPositions(lengths, 30, maximum), std::invalid_argument);
    // Different draws differ (they are random).
    EXPECT_FALSE(torch::equal(positions, sortedRandomPositions(lengths, width, maximum)));
}

ModelConfig smallConfig(PositionEncoding encoding) {
    ModelConfig config;
    config.vocabularySize = 12;
    config.hiddenSize = 16;
    config.layers = 1;
    config.heads = 4;
    config.dropout = 0.0;
    config.positionEncoding = encoding;
    return config;
}

TEST(AttentionMask, KeyPaddingAndDirections) {
    const std::int64_t width = 5;
    auto widths = torch::tensor({5, 3}, torch::kLong);
    for (auto encoding : {PositionEncoding::Rope, PositionEncoding::NoneDirectional}) {
        LoopedTransformer model(smallConfig(encoding));
        auto context = model->attentionContext(widths, width);
        auto mask = context.mask.view({2, 4, width, width});
        for (std::int64_t example = 0; example < 2; ++example) {
            const auto realWidth = widths[example].item<std::int64_t>();
            for (std::int64_t head = 0; head < 4; ++head)
                for (std::int64_t query = 0; query < width; ++query)
                    for (std::int64_t key = 0; key < width; ++key) {
                        bool allowed = key < realWidth;
                        if (encoding == PositionEncoding::NoneDirectional)
                            allowed = allowed && (head < 2 ? key <= query : key >= query);
                        allowed = allowed || key == query;
                        EXPECT_EQ(mask[example][head][query][key].item<double>() == 0.0, allowed)
                            << "example " << example << " head " << head << " query " << query
                            << " key " << key;
                    }
        }
        EXPECT_EQ(context.rotary.defined(), encoding == PositionEncoding::Rope);
    }
}

TEST(AttentionMask, DirectionalHeadsSeeTokenOrder) {
    // Without positions, bidirectional attention is permutation-equivariant: token 5 would get
    // the same output in "5 6 7" and "6 5 7". Directional heads tell the two apart.
    torch::manual_seed(4);
    LoopedTransformer model(smallConfig(PositionEncoding::NoneDirectional));
    model->eval();
    auto widths = torch::tensor({3}, torch::kLong);
    auto once = torch::ones({1}, torch::kLong);
    auto first = model->forward(torch::tensor({{5, 6, 7}}, torch::kLong), widths, once);
    auto swapped = model->forward(torch::tensor({{6, 5, 7}}, torch::kLong), widths, once);
    auto difference = (first.stepLogits[0][0][0] - swapped.stepLogits[0][0][1]).abs().max();
    EXPECT_GT(difference.item<double>(), 1e-4);
}

} // namespace
} // namespace relay
