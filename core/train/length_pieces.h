// Splitting an AR batch into pieces of similar length. A batch pads every sequence to its
// longest, and attention costs the square of that: Stage II's set of all chains mixes problems
// of the training range with full-width chains a model wrote where it fails, so one long chain
// made every example of its batch as expensive as itself. Pieces of the batch sorted by length,
// each padded only to its own longest, give the same loss (their shares of the batch's
// normalisers add up, train/distributed/global_batch_loss.h) for less work. No LibTorch here.
#pragma once

#include <cstdint>
#include <vector>

namespace relay {

// The cost model: a piece of n sequences padded to length L costs n * L * (perToken + L), the
// linear layers' work per token (perToken, in units of one query-key pair's) plus attention
// over L keys, and every piece beyond the first costs perPiece more (its launches and its
// smaller, slower matrix products).
struct PieceCosts {
    double perToken = 0.0;
    double perPiece = 0.0;
};

// For one layer of hidden size d: 24 d^2 multiply-adds per token in the projections and the
// MLP against 4 d per query-key pair, so perToken = 6 d; perPiece is worth 512 tokens of it.
PieceCosts pieceCostsFor(std::int64_t hiddenSize);

// lengths: the batch's sequence lengths, sorted ascending. Returns the end of each piece
// (exclusive; the last is lengths.size()): the contiguous split of least total cost. An
// empty batch gives no pieces.
std::vector<std::size_t> cheapestPieces(const std::vector<std::int64_t>& lengths,
                                        const PieceCosts& costs);

} // namespace relay
