// The architecture of a looped or AR transformer as a plain struct, with JSON conversion.
// No LibTorch here: the experiment config and the GUI read and write it.
#pragma once

#include "closed_set.h"

#include <cstdint>
#include <optional>
#include <string>

namespace relay {

// How token order reaches attention (docs/method.md §6).
enum class PositionEncoding {
    Rope,           // rotary embedding of positions 0..n-1 (the paper)
    RopeRandomized, // rotary embedding of a sorted random subset of [0, maximumPositions)
    NoneDirectional // no positions; half the heads causal, half anti-causal
};
template <> struct ClosedSet<PositionEncoding> {
    static constexpr const char* what = "model.position_encoding";
    static constexpr std::array<std::pair<PositionEncoding, const char*>, 3> names{
        {{PositionEncoding::Rope, "rope"},
         {PositionEncoding::RopeRandomized, "rope-randomized"},
         {PositionEncoding::NoneDirectional, "none-directional"}}};
};

// Whether each loop iteration sees the input embedding again: e_t = Block(e_{t-1} + e_0).
enum class InputInjection { None, Add };
template <> struct ClosedSet<InputInjection> {
    static constexpr const char* what = "model.input_injection";
    static constexpr std::array<std::pair<InputInjection, const char*>, 2> names{
        {{InputInjection::None, "none"}, {InputInjection::Add, "add"}}};
};

// Starting weights. Small: N(0, 0.02) for every linear and embedding weight, zero biases (GPT-2
// style). TorchDefault: LibTorch's own (Kaiming-uniform linears, N(0, 1) embeddings), what a
// PyTorch model that never re-initialises starts from; the two train very differently.
enum class Initialization { Small, TorchDefault };
template <> struct ClosedSet<Initialization> {
    static constexpr const char* what = "model.initialization";
    static constexpr std::array<std::pair<Initialization, const char*>, 2> names{
        {{Initialization::Small, "small"}, {Initialization::TorchDefault, "torch-default"}}};
};

struct ModelConfig {
    std::int64_t vocabularySize = 0;
    std::int64_t hiddenSize = 256; // d, the width of the residual stream
    std::int64_t layers = 3;       // L layers in the block that every iteration reuses
    std::int64_t heads = 4;
    std::int64_t mlpRatio = 4; // MLP hidden size = mlpRatio * hiddenSize
    double dropout = 0.1;
    PositionEncoding positionEncoding = PositionEncoding::Rope;
    // AR models only, when they should differ from the looped ones: docs/method.md §2.3's AR
    // baseline uses RoPE, so a looped model trained with another encoding still faces the paper's
    // baseline. Empty: positionEncoding.
    std::optional<PositionEncoding> arPositionEncoding;
    InputInjection inputInjection = InputInjection::None;
    // RopeRandomized draws positions from [0, maximumPositions); it must exceed the longest
    // sequence the model will ever see (rule of thumb: 4x the longest training width).
    std::int64_t maximumPositions = 1024;
    // RopeRandomized at evaluation: true draws random positions as in training (docs/method.md §6,
    // "evaluated the same way"); false uses plain 0..n-1.
    bool randomPositionsAtEvaluation = true;
    double ropeBase = 10000.0;
    // true: the answer has its own head; false: the CoT read-out head answers too.
    bool separateAnswerHead = true;
    // Looped models only: a LayerNorm on the hidden state after every iteration, so every loop
    // reads its input on one scale (the pre-norm residual stream otherwise grows with t) and
    // a latent step looks more like the embedded input the block was first trained on.
    bool iterationNorm = false;
    // Looped models only: the CoT read-out reuses the embedding matrix (GPT-2's weight tying),
    // so a latent step that reads out as token v points the way v's embedding does; what the
    // block learned on embedded inputs then also applies to the steps it wrote itself.
    bool tieEmbeddings = false;
    Initialization initialization = Initialization::Small;

    std::int64_t headSize() const { return hiddenSize / heads; }

    // Throws std::invalid_argument naming the offending field.
    void validate() const;
};

} // namespace relay
