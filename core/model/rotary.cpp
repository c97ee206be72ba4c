#include "model/rotary.h"

#include "model/thread_generator.h"

#include <stdexcept>
#include <string>

namespace relay {

RotaryTables RotaryTables::prefix(std::int64_t examples) const {
    return {cosine.narrow(0, 0, examples), sine.narrow(0, 0, examples)};
}

RotaryTables makeRotaryTables(const torch::Tensor& positions, std::int64_t headSize, double base) {
    const auto options = torch::TensorOptions().dtype(torch::kFloat32).device(positions.device());
    const std::int64_t half = headSize / 2;
    // Frequencies base^(-2i/headSize), i = 0..half-1, as in the RoPE paper.
    auto frequencies =
        torch::pow(base, -torch::arange(0, half, options) * (2.0 / static_cast<double>(headSize)));
    auto angles = positions.to(torch::kFloat32).unsqueeze(-1) * frequencies; // [B, N, half]
    auto cosine = angles.cos();
    auto sine = angles.sin();
    // Pairs (i, i + half) rotate together: out_i = x_i cos - x_{i+half} sin and
    // out_{i+half} = x_{i+half} cos + x_i sin; roll(x, half) brings x_{i+half} to slot i.
    return {torch::cat({cosine, cosine}, -1).unsqueeze(1),
            torch::cat({-sine, sine}, -1).unsqueeze(1)};
}

torch::Tensor applyRotary(const torch::Tensor& x, const RotaryTables& tables) {
    const std::int64_t half = x.size(-1) / 2;
    return torch::addcmul(x * tables.cosine, x.roll(half, -1), tables.sine);
}

torch::Tensor contiguousPositions(std::int64_t rows, std::int64_t width,
                                  const torch::Device& device) {
    return torch::arange(width, torch::TensorOptions().dtype(torch::kFloat32).device(device))
        .unsqueeze(0)
        .expand({rows, width});
}

torch::Tensor sortedRandomPositions(const torch::Tensor& lengths, std::int64_t width,
                                    std::int64_t maximumPositions) {
    if (width > maximumPositions)
        throw std::invalid_argument("model.maximum_positions: a sequence of " +
                                    std::to_string(width) + " tokens needs more than " +
                                    std::to_string(maximumPositions) + " positions");
    const auto device = lengths.device();
    const std::int64_t rows = lengths.size(0);
    // The top-`width` keys of iid uniforms are a uniform random subset in random order, so
    // each row's first lengths[b] of them are a uniform random subset of that size.
    auto keys = device.is_cpu()
                    ? torch::rand({rows, maximumPositions}, currentCpuGenerator())
                    : torch::rand({rows, maximumPositions}, torch::TensorOptions().device(device));
    auto subset = std::get<1>(keys.topk(width, -1)).to(torch::kFloat32);
    auto slots = torch::arange(width, torch::TensorOptions().device(device)).unsqueeze(0);
    auto isPadding = slots >= lengths.to(device).unsqueeze(1);
    // Padding slots sort after every real position, keeping their relative order.
    auto sortKeys =
        subset + isPadding.to(torch::kFloat32) *
                     (static_cast<double>(maximumPositions) + slots.to(torch::kFloat32));
    return std::get<0>(sortKeys.sort(-1));
}

} // namespace relay
