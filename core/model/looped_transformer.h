// The Looped Transformer of RELAY (docs/method.md §2.1): e_0 = Embed(x), e_t = Block(e_{t-1}) (or
// Block(e_{t-1} + e_0) with input injection) for t = 1..T with one set of Block weights, a
// CoT read-out head on every e_t and an answer head on e_T. With model.iteration_norm,
// e_t = Norm(Block(...)), one LayerNorm shared by every iteration.
//
// Batches mix examples of different T: example b loops T_b times, then its hidden state is
// frozen, so later iterations of the batch leave it (and its read-out) unchanged. Only the
// examples still looping are run through the Block at each iteration.
//
// Answer head: reads e_T at the example's last real position n_b - 1. Every task's final step
// ends there or one token before (ARI's last step is the answer itself, right-aligned), so
// the answer sits where the chain already puts it; mean-pooling would have to fish one token
// out of a blend of all positions.
//
// The loop runs the examples sorted by T, longest first, so the ones still looping are a
// prefix of the batch (narrow, not index): a batch given in another order is permuted once on
// the way in and once on the way out (the trainer sorts its batches, so it pays neither).
//
// Positions: attention keys at positions >= n_b are masked (batch padding); a query may
// always see itself, so no row of the softmax is empty (padding rows then stay finite and
// cannot leak NaN into real rows).
#pragma once

#include "model/attention.h"
#include "model/model_config.h"
#include "model/transformer_block.h"

#include <torch/torch.h>

#include <vector>

namespace relay {

struct LoopedForwardOptions {
    bool stepLogits = true; // dense read-out of every iteration
    // Read out only at these cells of [T, B, N] (maskedStepLogits), which is all the RELAY
    // loss needs; far cheaper than dense logits for a large vocabulary. Either flat row-major
    // indices [P] int64 (built on the host: no sync), or a [T, B, N] bool mask.
    torch::Tensor readOutPositions;
    torch::Tensor readOutMask;
    // Host copy of the iterations tensor; when empty, forward reads the tensor back.
    std::vector<std::int64_t> iterationCounts;
    bool hiddenStates = false;
    bool tokenConfidence = false; // needs stepLogits
};

struct LoopedOutput {
    torch::Tensor stepLogits;       // [T, B, N, V]; iteration t at index t - 1
    torch::Tensor maskedStepLogits; // [P, V] at options.readOutPositions or readOutMask
    torch::Tensor answerLogits;     // [B, V] from each example's own last iteration T_b
    torch::Tensor hiddenStates;     // [T, B, N, d]: e_1..e_T (frozen after T_b)
    torch::Tensor tokenConfidence;  // [T, B, N]: top-1 softmax probability of the read-out
};

struct LoopedTransformerImpl : torch::nn::Module {
    explicit LoopedTransformerImpl(const ModelConfig& config); // validates config

    // inputIds: [B, N] int64; exampleWidths: [B] n_b; iterations: [B] T_b >= 0 (any device,
    // any integer dtype). T = max T_b.
    LoopedOutput forward(const torch::Tensor& inputIds, const torch::Tensor& exampleWidths,
                         const torch::Tensor& iterations, const LoopedForwardOptions& options = {});

    // The CoT read-out head (final LayerNorm + linear, or the embedding matrix transposed
    // when tied): [..., d] -> [..., V].
    torch::Tensor readOut(const torch::Tensor& hidden);
    // The answer head on hidden states [B, N, d] at each example's position n_b - 1: [B, V].
    torch::Tensor answer(const torch::Tensor& hidden, const torch::Tensor& exampleWidths);
    // Masks and rotary tables for a batch of these widths (N = width).
    AttentionContext attentionContext(const torch::Tensor& exampleWidths, std::int64_t width);
    // One loop iteration: e_t from e_{t-1}; `injected` is e_0 under input injection, else
    // undefined.
    torch::Tensor iterate(const torch::Tensor& previous, const torch::Tensor& injected,
                          const AttentionContext& context);
    // e_0..e_T, each [B, N, d] (frozen after T_b), for examples sorted by T_b, longest first.
    std::vector<torch::Tensor> loop(const torch::Tensor& inputIds,
                                    const torch::Tensor& exampleWidths,
                                    const std::vector<std::int64_t>& counts);

    const ModelConfig& config() const { return m_config; }
    // Changes the dropout rate of every layer and the embedding; training.dropout_from_step
    // holds it at 0 for the first steps.
    void setDropout(double dropout);

    ModelConfig m_config;
    torch::nn::Embedding m_embedding{nullptr};
    TransformerBlock m_block{nullptr};
    torch::nn::LayerNorm m_finalNorm{nullptr};
    torch::nn::Linear m_readOut{nullptr};          // null when config.tieEmbeddings
    torch::Tensor m_readOutBias;                   // the tied read-out's own bias
    torch::nn::Linear m_answerHead{nullptr};       // null when config.separateAnswerHead is false
    torch::nn::LayerNorm m_iterationNorm{nullptr}; // null unless config.iterationNorm
};
TORCH_MODULE(LoopedTransformer);

} // namespace relay
