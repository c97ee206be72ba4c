#include "train/length_pieces.h"

#include <limits>

namespace relay {

PieceCosts pieceCostsFor(std::int64_t hiddenSize) {
    PieceCosts costs;
    costs.perToken = 6.0 * static_cast<double>(hiddenSize);
    costs.perPiece = 512.0 * costs.perToken;
    return costs;
}

std::vector<std::size_t> cheapestPieces(const std::vector<std::int64_t>& lengths,
                                        const PieceCosts& costs) {
    const std::size_t count = lengths.size();
    // best[i]: the least cost of the first i sequences; from[i]: where its last piece starts.
    std::vector<double> best(count + 1, std::numeric_limits<double>::infinity());
    std::vector<std::size_t> from(count + 1, 0);
    best[0] = -costs.perPiece; // the first piece is free of the per-piece cost
    for (std::size_t end = 1; end <= count; ++end) {
        const auto longest = static_cast<double>(lengths[end - 1]); // sorted: the piece's last
        for (std::size_t start = 0; start < end; ++start) {
            const double piece =
                static_cast<double>(end - start) * longest * (costs.perToken + longest);
            const double total = best[start] + costs.perPiece + piece;
            if (total < best[end]) {
                best[end] = total;
                from[end] = start;
            }
        }
    }
    std::vector<std::size_t> ends;
    for (std::size_t end = count; end > 0; end = from[end])
        ends.insert(ends.begin(), end);
    return ends;
}

} // namespace relay
