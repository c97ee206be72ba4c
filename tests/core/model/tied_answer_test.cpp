// Issue 17, crash 1: a looped model with a tied read-out and no answer head of its own
// (model.tie_embeddings=true, model.separate_answer_head=false) once crashed in answer(), which
// called the untied read-out module that such a model does not have. Without its own head the
// answer is the CoT read-out of e_T at position n_b - 1 (METHOD.md §2.1), tied or not.
#include "model/looped_transformer.h"

#include <gtest/gtest.h>

namespace relay {
namespace {

TEST(TiedAnswer, AnswerIsTheTiedReadOutOfTheLastIteration) {
    ModelConfig config;
    config.vocabularySize = 20;
    config.hiddenSize = 16;
    config.layers = 1;
    config.heads = 2;
    config.dropout = 0.0;
    config.maximumPositions = 64;
    config.tieEmbeddings = true;
    config.separateAnswerHead = false;
    torch::manual_seed(17);
    LoopedTransformer model(config);
    {
        torch::NoGradGuard noGrad;
        model->m_readOutBias.uniform_(-1, 1);
    }
    model->eval();
    const auto inputs = torch::tensor({{4, 5, 6, 7, 8}, {9, 10, 11, 0, 0}}, torch::kLong);
    const auto widths = torch::tensor({5, 3}, torch::kLong);
    const auto iterations = torch::tensor({3, 2}, torch::kLong);
    LoopedForwardOptions options;
    options.hiddenStates = true;
    const auto output = model->forward(inputs, widths, iterations, options);
    ASSERT_EQ(output.answerLogits.sizes(), (std::vector<std::int64_t>{2, 20}));
    // By hand: e_{T_b} at position n_b - 1, final LayerNorm, dot products with every token's
    // embedding row, plus the tied read-out's bias.
    const std::vector<std::int64_t> lastIteration = {3, 2}, lastPosition = {4, 2};
    for (std::int64_t example = 0; example < 2; ++example) {
        const auto hidden =
            output.hiddenStates[lastIteration[example] - 1][example][lastPosition[example]];
        const auto mean = hidden.mean();
        const auto normed = (hidden - mean) / ((hidden - mean).pow(2).mean() + 1e-5).sqrt() *
                                model->m_finalNorm->weight +
                            model->m_finalNorm->bias;
        const auto expected =
            torch::matmul(model->m_embedding->weight, normed) + model->m_readOutBias;
        EXPECT_TRUE(torch::allclose(output.answerLogits[example], expected, 1e-4, 1e-5))
            << "example " << example;
    }
}

} // namespace
} // namespace relay
