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
    layout.maskPerHead = maskPerHead;
    layout.scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(layout.headSize)));
    return layout;
}

// The operands of one (example, head): queries and keys rotated, and values, [N, headSize]
// row-major, keys and values also transposed. With the transposes every product below is an
// axpy over contiguous floats, which the compiler vectorizes without reassociating sums.
struct HeadOperands {
    std::vector<float> queries, keys, keysByColumn, values, valuesByColumn;

    explicit HeadOperands(const Layout& layout)
        : queries(static_cast<std::size_t>(layout.length * layout.headSize)), keys(queries.size()),
          keysByColumn(queries.size()), values(queries.size()), valuesByColumn(queries.size()) {}

    // RoPE pairs (c, c + half): out = x * cosine + roll(x, half) * sine (see rotary.h).
    static void rotate(const float* x, const float* cosine, const float* sine, std::int64_t size,
                       float* out) {
        const std::int64_t half = size / 2;
        for (std::int64_t c = 0; c < half; ++c)
            out[c] = x[c] * cosine[c] + x[c + half] * sine[c];
        for (std::int64_t c = half; c < size; ++c)
            out[c] = x[c] * cosine[c] + x[c - half] * sine[c];
    }

    void load(const float* projected, const float* cosine, const float* sine, const Layout& layout,
              std::int64_t example, std::int64_t head) {
        const auto n = layout.length;
        const auto size = layout.headSize;
        for (std::int64_t i = 0; i < n; ++i) {
            const float* row = projected + (example * n + i) * 3 * layout.hidden + head * size;
            float* query = queries.data() + i * size;
            float* key = keys.data() + i * size;
            if (cosine != nullptr) {
                const float* rowCosine = cosine + (example * n + i) * size;
                const float* rowSine = sine + (example * n + i) * size;
                rotate(row, rowCosine, rowSine, size, query);
                rotate(row + layout.hidden, rowCosine, rowSine, size, key);
            } else {
                std::copy(row, row + size, query);
                std::copy(row + layout.hidden, row + layout.hidden + size, key);
            }
            std::copy(row + 2 * layout.hidden, row + 2 * layout.hidden + size,
                      values.data() + i * size);
            for (std::int64_t c = 0; c < size; ++c) {
                keysByColumn[static_cast<std::size_t>(c * n + i)] = key[c];
                valuesByColumn[static_cast<std::size_t>(c * n + i)] = values[i * size + c];
            }
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

// What dropout multiplies weight `index` by: 0 or 1 / (1 - p); 1 without dropout.
float keptScale(const CounterDropout* dropout, std::int64_t index) {
    if (dropout == nullptr)
        return 1.0f;
    return dropout->keeps(static_cast<std::uint64_t>(index)) ? dropout->scale() : 0.0f;
}

const float* pointerOf(const torch::Tensor& tensor) {
    return tensor.defined() ? tensor.data_ptr<float>() : nullptr;
}

// Forward: returns the output [B, N, d] and writes the softmax weights into `weights`
// ([B * H, N, N], before dropout), which backward reads with the same dropout mask.
torch::Tensor attendForward(const torch::Tensor& projected, const torch::Tensor& mask,
                            const torch::Tensor& cosine, const torch::Tensor& sine,
                            const Layout& layout, const CounterDropout* dropout,
                            torch::Tensor& weights) {
    const auto n = layout.length;
    const auto size = layout.headSize;
    const auto pairs = layout.batch * layout.heads;
    weights = torch::empty({pairs, n, n}, projected.options().requires_grad(false));
    auto output =
        torch::empty({layout.batch, n, layout.hidden}, projected.options().requires_grad(false));
    const float* in = projected.data_ptr<float>();
    const float* maskData = mask.data_ptr<float>();
    const float* cosineData = pointerOf(cosine);
    const float* sineData = pointerOf(sine);
    float* weightData = weights.data_ptr<float>();
    float* out = output.data_ptr<float>();
    // Scores minus their row's maximum; one vectorized exp over all of them; then each row
    // normalized and the values summed with its weights.
    at::parallel_for(0, pairs, 1, [&](std::int64_t first, std::int64_t last) {
        HeadOperands operands(layout);
        for (std::int64_t pair = first; pair < last; ++pair) {
            const auto example = pair / layout.heads;
            const auto head = pair % layout.heads;
            operands.load(in, cosineData, sineData, layout, example, head);
            const float* pairMask = maskOf(maskData, layout, example, head);
            for (std::int64_t i = 0; i < n; ++i) {
                float* row = weightData + (pair * n + i) * n;
                std::fill(row, row + n, 0.0f);
                const float* query = operands.queries.data() + i * size;
                for (std::int64_t c = 0; c < size; ++c) {
                    const float q = query[c] * layout.scale;
                    const float* keyColumn = operands.keysByColumn.data() + c * n;
                    for (std::int64_t j = 0; j < n; ++j)
                        row[j] += q * keyColumn[j];
                }
                float maximum = -std::numeric_limits<float>::infinity();
                for (std::int64_t j = 0; j < n; ++j) {
                    row[j] += pairMask[i * n + j];
                    maximum = std::max(maximum, row[j]);
                }
                for (std::int64_t j = 0; j < n; ++j)
                    row[j] -= maximum;
            }
        }
    });
    weights.exp_();
    at::parallel_for(0, pairs, 1, [&](std::int64_t first, std::int64_t last) {
        for (std::int64_t pair = first; pair < last; ++pair) {
            const auto example = pair / layout.heads;
            const auto head = pair % layout.heads;
            for (std::int64_t i = 0; i < n; ++i) {
                float* row = weightData + (pair * n + i) * n;
                float total = 0.0f;
                for (std::int64_t j = 0; j < n; ++j)
                    total += row[j];
                const float inverse = 1.0f / total;
                for (std::int64_t j = 0; j < n; ++j)
                    row[j] *= inverse;
                float* result = out + (example * n + i) * layout.hidden + head * size;
                std::fill(result, result + size, 0.0f);
                for (std::int64_t j = 0; j < n; ++j) {
                    const float weight = row[j] * keptScale(dropout, (pair * n + i) * n + j);
                    const float* value = in + (example * n + j) * 3 * layout.hidden +
                                         2 * layout.hidden + head * size;
                    for (std::int64_t c = 0; c < size; ++c)
                        result[c] += weight * value[c];
                }
            }
        }
    });
    return output;
}

// Backward: the gradient of `projected` from the output's. With P the weights, dO the output's
// gradient: dV = P^T dO, dP = dO V^T, dS = P * (dP - rowsum(P * dP)), dQ = scale dS K,
// dK = scale dS^T Q, and the rotations' transposes carry dQ and dK back to the projection.
torch::Tensor attendBackward(const torch::Tensor& gradOutput, const torch::Tensor& projected,
                             const torch::Tensor& weights, const torch::Tensor& cosine,
                             const torch::Tensor& sine, const Layout& layout,
                             const CounterDropout* dropout) {
    const auto n = layout.length;
    const auto size = layout.headSize;
    const auto pairs = layout.batch * layout.heads;
    auto gradIn = torch::empty_like(projected);
    const auto gradOut = gradOutput.contiguous();
    const float* in = projected.data_ptr<float>();
    const float* weightData = weights.data_ptr<float>();
    const float* cosineData = pointerOf(cosine);
    const float* sineData = pointerOf(sine);
    const float* gradOutData = gradOut.data_ptr<float>();
    float* gradInData = gradIn.data_ptr<float>();
    at::parallel_for(0, pairs, 1, [&](std::int64_t first, std::int64_t last) {
        HeadOperands operands(layout);
        std::vector<float> gradQueries(operands.queries.size()), gradKeys(gradQueries.size()),
            gradValues(gradQueries.size()), gradWeights(static_cast<std::size_t>(n)),
            unrotated(static_cast<std::size_t>(size));
        for (std::int64_t pair = first; pair < last; ++pair) {
            const auto example = pair / layout.heads;
            const auto head = pair % layout.heads;
            operands.load(in, cosineData, sineData, layout, example, head);
            std::fill(gradQueries.begin(), gradQueries.end(), 0.0f);
            std::fill(gradKeys.begin(), gradKeys.end(), 0.0f);
            std::fill(gradValues.begin(), gradValues.end(), 0.0f);
            for (std::int64_t i = 0; i < n; ++i) {
                const float* row = weightData + (pair * n + i) * n;
                const float* gradResult =
                    gradOutData + (example * n + i) * layout.hidden + head * size;
                // dP_ij = dO_i . V_j, and dV_j += P_ij dO_i.
                std::fill(gradWeights.begin(), gradWeights.end(), 0.0f);
                for (std::int64_t c = 0; c < size; ++c) {
                    const float g = gradResult[c];
                    const float* valueColumn = operands.valuesByColumn.data() + c * n;
                    for (std::int64_t j = 0; j < n; ++j)
                        gradWeights[static_cast<std::size_t>(j)] += g * valueColumn[j];
                }
                // Through dropout: the kept weights' gradient, scaled; dropped ones get none.
                if (dropout != nullptr)
                    for (std::int64_t j = 0; j < n; ++j)
                        gradWeights[static_cast<std::size_t>(j)] *=
                            keptScale(dropout, (pair * n + i) * n + j);
                float weighted = 0.0f;
                for (std::int64_t j = 0; j < n; ++j)
                    weighted += row[j] * gradWeights[static_cast<std::size_t>(j)];
                const float* query = operands.queries.data() + i * size;
                float* gradQuery = gradQueries.data() + i * size;
                for (std::int64_t j = 0; j < n; ++j) {
                    const float weight = row[j];
                    if (weight == 0.0f) // a masked key: no gradient flows through it
                        continue;
                    const float used = weight * keptScale(dropout, (pair * n + i) * n + j);
                    float* gradValue = gradValues.data() + j * size;
                    for (std::int64_t c = 0; c < size; ++c)
                        gradValue[c] += used * gradResult[c];
                    const float gradScore = weight *
                                            (gradWeights[static_cast<std::size_t>(j)] - weighted) *
                                            layout.scale;
                    const float* key = operands.keys.data() + j * size;
                    float* gradKey = gradKeys.data() + j * size;
                    for (std::int64_t c = 0; c < size; ++c) {
                        gradQuery[c] += gradScore * key[c];
                        gradKey[c] += gradScore * query[c];
                    }
                }
            }
            // The rotation's transpose: each component pairs with its partner's sine entry,
            // which carries the opposite sign (the rotation by the negated angle).
            for (std::int64_t i = 0; i < n; ++i) {
                float* row = gradInData + (example * n + i) * 3 * layout.hidden + head * size;
                const float* gradQuery = gradQueries.data() + i * size;
                const float* gradKey = gradKeys.data() + i * size;
                if (cosineData != nullptr) {
                    const float* rowCosine = cosineData + (example * n + i) * size;
                    const float* rowSine = sineData + (example * n + i) * size;
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
                const float* gradValue = gradValues.data() + i * size;
                std::copy(gradValue, gradValue + size, row + 2 * layout.hidden);
            }
        }
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
        torch::Tensor weights;
        auto output =
            attendForward(projected, mask, cosine, sine, layout, drop ? &*drop : nullptr, weights);
        context->save_for_backward({projected, weights});
        context->saved_data["cosine"] = cosine;
        context->saved_data["sine"] = sine;
        context->saved_data["heads"] = heads;
        context->saved_data["dropout"] = dropout;
        // The seed's bits as a signed integer (what an IValue holds).
        context->saved_data["seed"] = drop ? static_cast<std::int64_t>(drop->seed()) : 0;
        return output;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                   torch::autograd::variable_list gradients) {
        const auto saved = context->get_saved_variables();
        const auto& projected = saved[0];
        // Backward reads the weights, never the mask.
        const auto layout = layoutOf(projected, context->saved_data["heads"].toInt(), false);
        const double dropout = context->saved_data["dropout"].toDouble();
        std::optional<CounterDropout> drop;
        if (dropout > 0.0)
            drop.emplace(dropout, static_cast<std::uint64_t>(context->saved_data["seed"].toInt()));
        auto gradIn = attendBackward(
            gradients[0], projected, saved[1], context->saved_data["cosine"].toTensor(),
            context->saved_data["sine"].toTensor(), layout, drop ? &*drop : nullptr);
        return {gradIn, torch::Tensor(), torch::Tensor(), torch::Tensor(), torch::Tensor()};
    }
};

} // namespace

bool fusedAttentionApplies(const torch::Tensor& projected, const AttentionContext& context) {
    return projected.device().is_cpu() && projected.scalar_type() == torch::kFloat32 &&
           context.mask.defined() && context.mask.scalar_type() == torch::kFloat32 &&
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
    torch::Tensor weights;
    return attendForward(input, mask, cosine, sine, layoutOf(input, heads, mask.size(0) != 1),
                         drop ? &*drop : nullptr, weights);
}

} // namespace relay
