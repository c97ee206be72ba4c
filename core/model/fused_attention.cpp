#include "model/fused_attention.h"

#include "model/dropout.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

namespace relay {
namespace {

struct Layout {
    std::int64_t batch = 0;
    std::int64_t length = 0;
    std::int64_t heads = 0;
    std::int64_t headSize = 0;
    std::int64_t hidden = 0;  // heads * headSize
    std::int64_t stride = 0;  // N rounded up to 16 floats: rows of weights and transposes
    bool maskPerHead = false; // the mask has a [N, N] slice per (example, head)
    float scale = 1.0f;       // 1 / sqrt(headSize)
};

Layout layoutOf(const torch::Tensor& projected, std::int64_t heads, bool maskPerHead) {
    Layout layout;
    layout.batch = projected.size(0);
    layout.length = projected.size(1);
    layout.hidden = projected.size(2) / 3;
    layout.heads = heads;
    layout.headSize = layout.hidden / heads;
    // Padded rows keep every loop over keys free of a scalar remainder; the padding's scores are
    // -inf, so its weights are 0.
    layout.stride = (layout.length + 15) / 16 * 16;
    layout.maskPerHead = maskPerHead;
    layout.scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(layout.headSize)));
    return layout;
}

// The operands of one (example, head), [N, headSize] row-major or transposed ([headSize,
// stride], zero past N): queries and keys rotated, and values. Forward reads the queries and the
// keys' columns, backward the queries, the keys' rows and the values' columns; each loads only
// those. With the transposes every product below is an axpy over contiguous floats, which the
// compiler vectorizes without reassociating sums.
struct HeadOperands {
    std::vector<float> queries, keys, keysByColumn, valuesByColumn;

    explicit HeadOperands(const Layout& layout)
        : queries(static_cast<std::size_t>(layout.length * layout.headSize)), keys(queries.size()),
          keysByColumn(static_cast<std::size_t>(layout.stride * layout.headSize), 0.0f),
          valuesByColumn(keysByColumn.size(), 0.0f) {}

    // RoPE pairs (c, c + half): out = x * cosine + roll(x, half) * sine (see rotary.h).
    static void rotate(const float* __restrict x, const float* __restrict cosine,
                       const float* __restrict sine, std::int64_t size, float* __restrict out) {
        const std::int64_t half = size / 2;
        for (std::int64_t c = 0; c < half; ++c)
            out[c] = x[c] * cosine[c] + x[c + half] * sine[c];
        for (std::int64_t c = half; c < size; ++c)
            out[c] = x[c] * cosine[c] + x[c - half] * sine[c];
    }

    // Row i's query and key (rotated where there are tables) into `query` and `key`.
    static void queryAndKey(const float* projected, const float* cosine, const float* sine,
                            const Layout& layout, std::int64_t example, std::int64_t head,
                            std::int64_t i, float* query, float* key) {
        const auto size = layout.headSize;
        const float* row =
            projected + (example * layout.length + i) * 3 * layout.hidden + head * size;
        if (cosine != nullptr) {
            const float* rowCosine = cosine + (example * layout.length + i) * size;
            const float* rowSine = sine + (example * layout.length + i) * size;
            rotate(row, rowCosine, rowSine, size, query);
            rotate(row + layout.hidden, rowCosine, rowSine, size, key);
        } else {
            std::copy(row, row + size, query);
            std::copy(row + layout.hidden, row + layout.hidden + size, key);
        }
    }

    // The queries and the keys' columns.
    void loadForScores(const float* projected, const float* cosine, const float* sine,
                       const Layout& layout, std::int64_t example, std::int64_t head) {
        const auto size = layout.headSize;
        for (std::int64_t i = 0; i < layout.length; ++i) {
            float* key = keys.data(); // row 0 as scratch: forward never reads the keys' rows
            queryAndKey(projected, cosine, sine, layout, example, head, i,
                        queries.data() + i * size, key);
            for (std::int64_t c = 0; c < size; ++c)
                keysByColumn[static_cast<std::size_t>(c * layout.stride + i)] = key[c];
        }
    }

    // The queries, the keys' rows and the values' columns.
    void loadForBackward(const float* projected, const float* cosine, const float* sine,
                         const Layout& layout, std::int64_t example, std::int64_t head) {
        const auto size = layout.headSize;
        for (std::int64_t i = 0; i < layout.length; ++i) {
            queryAndKey(projected, cosine, sine, layout, example, head, i,
                        queries.data() + i * size, keys.data() + i * size);
            const float* value = projected + (example * layout.length + i) * 3 * layout.hidden +
                                 2 * layout.hidden + head * size;
            for (std::int64_t c = 0; c < size; ++c)
                valuesByColumn[static_cast<std::size_t>(c * layout.stride + i)] = value[c];
        }
    }
};

const float* maskOf(const float* mask, const Layout& layout, std::int64_t example,
                    std::int64_t head) {
    return layout.maskPerHead
               ? mask + (example * layout.heads + head) * layout.length * layout.length
               : mask;
}

// The tables as [B, N, headSize] contiguous float32, or undefined without rotary positions.
torch::Tensor tableOf(const torch::Tensor& table, std::int64_t batch, std::int64_t length) {
    if (!table.defined())
        return table;
    return table.expand({batch, 1, length, table.size(-1)})
        .reshape({batch, length, table.size(-1)})
        .contiguous();
}

const float* pointerOf(const torch::Tensor& tensor) {
    return tensor.defined() ? tensor.data_ptr<float>() : nullptr;
}

// The kernels' operands as raw float arrays (see fusedAttention for the layouts).
struct Operands {
    const float* projected = nullptr; // [B, N, 3d]
    const float* mask = nullptr;      // [B * H or 1, N, N]
    const float* cosine = nullptr;    // [B, N, headSize], or null without rotary positions
    const float* sine = nullptr;
    float* weights = nullptr; // [B * H, N, stride]: softmax weights before dropout
    float* keep = nullptr;    // the same shape: dropout's factors, 0 or 1 / (1 - p);
                              // null without dropout
    float* output = nullptr;  // [B, N, d]
    const float* gradOutput = nullptr;
    float* gradProjected = nullptr; // [B, N, 3d]
};

// The loops below are compiled once per vector width (AVX-512, AVX2, baseline) and the CPU's
// best runs; the default build targets baseline x86-64, four floats per instruction.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define RELAY_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define RELAY_VECTOR_CLONES
#endif

// out[t] = sum over k < count of weights[k] * matrix[k * leading + t], for t < width: a row
// vector times a block of a matrix. Sixteen columns at a time are summed in registers; summing
// into `out` in memory instead stalls every step on the store before it.
inline void rowTimesMatrix(const float* __restrict weights, const float* __restrict matrix,
                           std::int64_t leading, std::int64_t count, std::int64_t width,
                           float* __restrict out) {
    constexpr std::int64_t kBlock = 16;
    std::int64_t column = 0;
    for (; column + kBlock <= width; column += kBlock) {
        float sums[kBlock] = {};
        for (std::int64_t k = 0; k < count; ++k) {
            const float weight = weights[k];
            const float* __restrict source = matrix + k * leading + column;
            for (std::int64_t t = 0; t < kBlock; ++t)
                sums[t] += weight * source[t];
        }
        std::copy(sums, sums + kBlock, out + column);
    }
    for (; column < width; ++column) {
        float sum = 0.0f;
        for (std::int64_t k = 0; k < count; ++k)
            sum += weights[k] * matrix[k * leading + column];
        out[column] = sum;
    }
}

// Forward, first half for pairs [first, last): scores minus their row's maximum, into weights.
RELAY_VECTOR_CLONES
void scorePairs(const Layout& layout, const Operands& data, std::int64_t first, std::int64_t last) {
    const auto n = layout.length;
    const auto size = layout.headSize;
    HeadOperands operands(layout);
    for (std::int64_t pair = first; pair < last; ++pair) {
        const auto example = pair / layout.heads;
        const auto head = pair % layout.heads;
        operands.loadForScores(data.projected, data.cosine, data.sine, layout, example, head);
        const float* __restrict pairMask = maskOf(data.mask, layout, example, head);
        const auto stride = layout.stride;
        for (std::int64_t i = 0; i < n; ++i) {
            float* __restrict row = data.weights + (pair * n + i) * stride;
            // Scores q_i . k_j for every key j: the query times the keys' columns.
            rowTimesMatrix(operands.queries.data() + i * size, operands.keysByColumn.data(), stride,
                           size, stride, row);
            for (std::int64_t j = 0; j < n; ++j)
                row[j] *= layout.scale;
            float maximum = -std::numeric_limits<float>::infinity();
            for (std::int64_t j = 0; j < n; ++j) {
                row[j] += pairMask[i * n + j];
                maximum = std::max(maximum, row[j]);
            }
            for (std::int64_t j = 0; j < n; ++j)
                row[j] -= maximum;
            std::fill(row + n, row + stride, -std::numeric_limits<float>::infinity());
        }
    }
}

// Forward, second half (after exp): each row normalized, the values summed with its weights.
RELAY_VECTOR_CLONES
void weighPairs(const Layout& layout, const Operands& data, const CounterDropout* dropout,
                std::int64_t first, std::int64_t last) {
    const auto n = layout.length;
    const auto size = layout.headSize;
    const auto stride = layout.stride;
    std::vector<float> dropped(static_cast<std::size_t>(stride)); // weights after dropout
    for (std::int64_t pair = first; pair < last; ++pair) {
        const auto example = pair / layout.heads;
        const auto head = pair % layout.heads;
        for (std::int64_t i = 0; i < n; ++i) {
            float* __restrict row = data.weights + (pair * n + i) * stride;
            float total = 0.0f;
            for (std::int64_t j = 0; j < n; ++j)
                total += row[j];
            const float inverse = 1.0f / total;
            for (std::int64_t j = 0; j < stride; ++j)
                row[j] *= inverse;
            float* __restrict keep =
                data.keep != nullptr ? data.keep + (pair * n + i) * stride : nullptr;
            if (keep != nullptr) { // element (pair, i, j) of the unpadded weights' counter
                elementKeepFactors(*dropout, static_cast<std::uint64_t>((pair * n + i) * n), n,
                                   keep);
                std::fill(keep + n, keep + stride, 0.0f);
            }
            float* __restrict result =
                data.output + (example * n + i) * layout.hidden + head * size;
            if (keep != nullptr)
                for (std::int64_t j = 0; j < stride; ++j)
                    dropped[static_cast<std::size_t>(j)] = row[j] * keep[j];
            // The weighted sum of the values: the weights times the values' rows.
            rowTimesMatrix(keep != nullptr ? dropped.data() : row,
                           data.projected + example * n * 3 * layout.hidden + 2 * layout.hidden +
                               head * size,
                           3 * layout.hidden, n, size, result);
        }
    }
}

// Backward for pairs [first, last). With P the weights, dO the output's gradient: dV = P^T dO,
// dP = dO V^T, dS = P * (dP - rowsum(P * dP)), dQ = scale dS K, dK = scale dS^T Q, and the
// rotations' transposes carry dQ and dK back to the projection.
RELAY_VECTOR_CLONES
void backwardPairs(const Layout& layout, const Operands& data, std::int64_t first,
                   std::int64_t last) {
    const auto n = layout.length;
    const auto size = layout.headSize;
    const auto stride = layout.stride;
    HeadOperands operands(layout);
    std::vector<float> gradQueries(operands.queries.size()), gradKeys(gradQueries.size()),
        gradWeights(static_cast<std::size_t>(stride)), gradScores(static_cast<std::size_t>(n));
    // Column j of the weights after dropout and of dS, [N, N]: dV_j and dK_j are then row
    // vectors times matrices, summed in registers rather than in memory one query at a time.
    std::vector<float> usedByColumn(static_cast<std::size_t>(n * n)),
        gradScoresByColumn(usedByColumn.size());
    for (std::int64_t pair = first; pair < last; ++pair) {
        const auto example = pair / layout.heads;
        const auto head = pair % layout.heads;
        operands.loadForBackward(data.projected, data.cosine, data.sine, layout, example, head);
        for (std::int64_t i = 0; i < n; ++i) {
            const float* __restrict row = data.weights + (pair * n + i) * stride;
            const float* __restrict keep =
                data.keep != nullptr ? data.keep + (pair * n + i) * stride : nullptr;
            const float* __restrict gradResult =
                data.gradOutput + (example * n + i) * layout.hidden + head * size;
            // dP_ij = dO_i . V_j: the output's gradient times the values' columns.
            rowTimesMatrix(gradResult, operands.valuesByColumn.data(), stride, size, stride,
                           gradWeights.data());
            // Through dropout: the kept weights' gradient, scaled; dropped ones get none.
            if (keep != nullptr)
                for (std::int64_t j = 0; j < stride; ++j)
                    gradWeights[static_cast<std::size_t>(j)] *= keep[j];
            float weighted = 0.0f;
            for (std::int64_t j = 0; j < stride; ++j)
                weighted += row[j] * gradWeights[static_cast<std::size_t>(j)];
            // A masked key has weight 0, so 0 for its dS and its share of dV.
            for (std::int64_t j = 0; j < n; ++j) {
                const float weight = row[j];
                const float gradScore =
                    weight * (gradWeights[static_cast<std::size_t>(j)] - weighted) * layout.scale;
                gradScores[static_cast<std::size_t>(j)] = gradScore;
                gradScoresByColumn[static_cast<std::size_t>(j * n + i)] = gradScore;
                usedByColumn[static_cast<std::size_t>(j * n + i)] =
                    keep != nullptr ? weight * keep[j] : weight;
            }
            // dQ_i = scale dS_i K: the scores' gradient times the keys' rows.
            rowTimesMatrix(gradScores.data(), operands.keys.data(), size, n, size,
                           gradQueries.data() + i * size);
        }
        // dV_j = sum_i P_ij dO_i, written in place; dK_j = scale sum_i dS_ij Q_i.
        const float* gradOutputs = data.gradOutput + example * n * layout.hidden + head * size;
        for (std::int64_t j = 0; j < n; ++j) {
            rowTimesMatrix(usedByColumn.data() + j * n, gradOutputs, layout.hidden, n, size,
                           data.gradProjected + (example * n + j) * 3 * layout.hidden +
                               2 * layout.hidden + head * size);
            rowTimesMatrix(gradScoresByColumn.data() + j * n, operands.queries.data(), size, n,
                           size, gradKeys.data() + j * size);
        }
        // The rotation's transpose: each component pairs with its partner's sine entry, which
        // carries the opposite sign (the rotation by the negated angle).
        for (std::int64_t i = 0; i < n; ++i) {
            float* __restrict row =
                data.gradProjected + (example * n + i) * 3 * layout.hidden + head * size;
            const float* __restrict gradQuery = gradQueries.data() + i * size;
            const float* __restrict gradKey = gradKeys.data() + i * size;
            if (data.cosine != nullptr) {
                const float* rowCosine = data.cosine + (example * n + i) * size;
                const float* rowSine = data.sine + (example * n + i) * size;
                const std::int64_t half = size / 2;
                for (const auto& [from, to] :
                     {std::pair{gradQuery, row}, std::pair{gradKey, row + layout.hidden}}) {
                    for (std::int64_t c = 0; c < half; ++c)
                        to[c] = from[c] * rowCosine[c] + from[c + half] * rowSine[c + half];
                    for (std::int64_t c = half; c < size; ++c)
                        to[c] = from[c] * rowCosine[c] + from[c - half] * rowSine[c - half];
                }
            } else {
                std::copy(gradQuery, gradQuery + size, row);
                std::copy(gradKey, gradKey + size, row + layout.hidden);
            }
        }
    }
}

// Forward: returns the output [B, N, d] and writes the softmax weights into `weights`
// ([B * H, N, N], before dropout), which backward reads with the same dropout mask.
torch::Tensor attendForward(const torch::Tensor& projected, const torch::Tensor& mask,
                            const torch::Tensor& cosine, const torch::Tensor& sine,
                            const Layout& layout, const CounterDropout* dropout,
                            torch::Tensor& weights, torch::Tensor& keep) {
    const auto n = layout.length;
    const auto pairs = layout.batch * layout.heads;
    const auto options = projected.options().requires_grad(false);
    weights = torch::empty({pairs, n, layout.stride}, options);
    if (dropout != nullptr)
        keep = torch::empty({pairs, n, layout.stride}, options);
    auto output =
        torch::empty({layout.batch, n, layout.hidden}, projected.options().requires_grad(false));
    Operands data;
    data.projected = projected.data_ptr<float>();
    data.mask = mask.data_ptr<float>();
    data.cosine = pointerOf(cosine);
    data.sine = pointerOf(sine);
    data.weights = weights.data_ptr<float>();
    data.keep = keep.defined() ? keep.data_ptr<float>() : nullptr;
    data.output = output.data_ptr<float>();
    at::parallel_for(0, pairs, 1, [&](std::int64_t first, std::int64_t last) {
        scorePairs(layout, data, first, last);
    });
    weights.exp_(); // LibTorch's vectorized exp over all of them at once (exp(-inf) = 0)
    at::parallel_for(0, pairs, 1, [&](std::int64_t first, std::int64_t last) {
        weighPairs(layout, data, dropout, first, last);
    });
    return output;
}

torch::Tensor attendBackward(const torch::Tensor& gradOutput, const torch::Tensor& projected,
                             const torch::Tensor& weights, const torch::Tensor& keep,
                             const torch::Tensor& cosine, const torch::Tensor& sine,
                             const Layout& layout) {
    auto gradIn = torch::empty_like(projected);
    const auto gradOut = gradOutput.contiguous();
    Operands data;
    data.projected = projected.data_ptr<float>();
    data.cosine = pointerOf(cosine);
    data.sine = pointerOf(sine);
    data.weights = const_cast<float*>(weights.data_ptr<float>());
    data.keep = keep.defined() ? const_cast<float*>(keep.data_ptr<float>()) : nullptr;
    data.gradOutput = gradOut.data_ptr<float>();
    data.gradProjected = gradIn.data_ptr<float>();
    at::parallel_for(0, layout.batch * layout.heads, 1, [&](std::int64_t first, std::int64_t last) {
        backwardPairs(layout, data, first, last);
    });
    return gradIn;
}

struct FusedAttentionFunction : torch::autograd::Function<FusedAttentionFunction> {
    static torch::Tensor forward(torch::autograd::AutogradContext* context,
                                 const torch::Tensor& projected, const torch::Tensor& mask,
                                 const RotaryTables& tables, std::int64_t heads, double dropout) {
        // The tables travel as a struct: autograd's argument handling wants defined tensors.
        const auto& cosine = tables.cosine;
        const auto& sine = tables.sine;
        const auto layout = layoutOf(projected, heads, mask.size(0) != 1);
        std::optional<CounterDropout> drop;
        if (dropout > 0.0)
            drop.emplace(dropout);
        torch::Tensor weights, keep;
        auto output = attendForward(projected, mask, cosine, sine, layout, drop ? &*drop : nullptr,
                                    weights, keep);
        context->save_for_backward({projected, weights});
        context->saved_data["keep"] = keep;
        context->saved_data["cosine"] = cosine;
        context->saved_data["sine"] = sine;
        context->saved_data["heads"] = heads;
        return output;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                   torch::autograd::variable_list gradients) {
        const auto saved = context->get_saved_variables();
        const auto& projected = saved[0];
        // Backward reads the weights, never the mask.
        const auto layout = layoutOf(projected, context->saved_data["heads"].toInt(), false);
        auto gradIn = attendBackward(gradients[0], projected, saved[1],
                                     context->saved_data["keep"].toTensor(),
                                     context->saved_data["cosine"].toTensor(),
                                     context->saved_data["sine"].toTensor(), layout);
        return {gradIn, torch::Tensor(), torch::Tensor(), torch::Tensor(), torch::Tensor()};
    }
};

} // namespace

bool fusedAttentionApplies(const torch::Tensor& projected, const AttentionContext& context) {
    return projected.device().is_cpu() && projected.scalar_type() == torch::kFloat32 &&
           projected.size(1) <= kFusedAttentionLongest && context.mask.defined() &&
           context.mask.scalar_type() == torch::kFloat32 &&
           (!context.rotary.defined() || context.rotary.cosine.scalar_type() == torch::kFloat32);
}

torch::Tensor fusedAttention(const torch::Tensor& projected, const AttentionContext& context,
                             std::int64_t heads, double dropout) {
    const auto batch = projected.size(0);
    const auto length = projected.size(1);
    const auto input = projected.contiguous();
    const auto mask = context.mask.contiguous();
    const auto cosine = tableOf(context.rotary.cosine, batch, length);
    const auto sine = tableOf(context.rotary.sine, batch, length);
    if (torch::GradMode::is_enabled() && input.requires_grad())
        return FusedAttentionFunction::apply(input, mask, RotaryTables{cosine, sine}, heads,
                                             dropout);
    std::optional<CounterDropout> drop;
    if (dropout > 0.0)
        drop.emplace(dropout);
    torch::Tensor weights, keep;
    return attendForward(input, mask, cosine, sine, layoutOf(input, heads, mask.size(0) != 1),
                         drop ? &*drop : nullptr, weights, keep);
}

} // namespace relay
