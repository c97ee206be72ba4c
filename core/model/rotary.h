// Rotary position embedding (RoPE, Su et al. 2021) for queries and keys, and the randomized
// positions of Ruoss et al. 2023. Rotating q and k by angles proportional to their positions
// makes q.k depend only on the difference of the positions.
#pragma once

#include <torch/torch.h>

namespace relay {

// cos and sin of every position's angles, laid out to broadcast against [B, H, N, headSize].
// The sine carries the rotation's sign in its first half so that applying RoPE is
// x * cosine + roll(x, headSize / 2) * sine.
struct RotaryTables {
    torch::Tensor cosine; // [B, 1, N, headSize]
    torch::Tensor sine;   // [B, 1, N, headSize]

    bool defined() const { return cosine.defined(); }
    // The rows of the batch's first `examples` examples (the looped model's still-looping ones).
    RotaryTables prefix(std::int64_t examples) const;
};

// positions: [B, N], any numeric dtype; the tables are float32 on the positions' device.
RotaryTables makeRotaryTables(const torch::Tensor& positions, std::int64_t headSize, double base);

// x: [..., B, H, N, headSize] (leading dimensions broadcast, e.g. q and k stacked).
torch::Tensor applyRotary(const torch::Tensor& x, const RotaryTables& tables);

// Plain positions 0..width-1 for every row: [rows, width] float32.
torch::Tensor contiguousPositions(std::int64_t rows, std::int64_t width,
                                  const torch::Device& device);

// Randomized positions: row b gets a sorted uniform random subset of [0, maximumPositions) of
// size lengths[b] in its first lengths[b] slots; slots past lengths[b] (padding, never
// attended to) get larger values. lengths: [rows] int64; result [rows, width] float32 on the
// lengths' device. Uses torch's global generator (so seeding torch reproduces it). Throws
// std::invalid_argument when width exceeds maximumPositions.
torch::Tensor sortedRandomPositions(const torch::Tensor& lengths, std::int64_t width,
                                    std::int64_t maximumPositions);

} // namespace relay
