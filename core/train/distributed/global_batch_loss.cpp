#include "train/distributed/global_batch_loss.h"

#include <algorithm>

namespace relay {
namespace {

constexpr double kEmpty = 1e-12; // the clamp the losses put under an empty mean

// Next tokens scored in one AR row: its loss mask past the first position (arLoss's count).
double scoredTokens(const std::vector<float>& lossMask, std::int64_t row, std::int64_t length) {
    double count = 0.0;
    for (std::int64_t position = 1; position < length; ++position)
        count += lossMask[static_cast<std::size_t>(row * length + position)];
    return count;
}

} // namespace

GlobalBatchNormalisers loopedNormalisers(const LoopedBatch& wholeBatch) {
    GlobalBatchNormalisers global;
    global.examples = static_cast<double>(wholeBatch.batchSize);
    const auto cellsPerIteration = wholeBatch.batchSize * wholeBatch.width;
    for (std::int64_t iteration = 0; iteration < wholeBatch.maxIterations; ++iteration) {
        const auto first = wholeBatch.stepMask.begin() + iteration * cellsPerIteration;
        double count = 0.0;
        std::for_each(first, first + cellsPerIteration, [&](float cell) { count += cell; });
        global.scoredPerIteration.push_back(count);
    }
    return global;
}

GlobalBatchNormalisers arNormalisers(const ArBatch& wholeBatch) {
    GlobalBatchNormalisers global;
    for (std::int64_t row = 0; row < wholeBatch.batchSize; ++row)
        global.scoredTokens += scoredTokens(wholeBatch.lossMask, row, wholeBatch.length);
    return global;
}

LoopedLoss loopedLossShare(const LoopedLoss& slice, const LoopedBatchTensors& batch,
                           const LoopedLossOptions& options, const GlobalBatchNormalisers& global) {
    LoopedLoss share;
    const auto examples = static_cast<double>(batch.weights.size(0));
    share.answer = slice.answer * (examples / std::max(global.examples, kEmpty));
    share.total = share.answer;
    if (!slice.iteration.defined())
        return share;
    const auto options32 = slice.answer.options();
    const auto iterations = static_cast<std::int64_t>(global.scoredPerIteration.size());
    const std::int64_t ownIterations = batch.stepMask.size(0);
    auto counts = torch::tensor(global.scoredPerIteration, torch::kFloat64)
                      .to(torch::kFloat32)
                      .to(options32.device());
    // The slice's masked CE sums per iteration (its means times its own counts, host-built).
    auto ownCounts = batch.readOut.defined() ? batch.readOut.counts : batch.stepMask.sum({1, 2});
    auto sums = torch::cat({slice.perIteration * ownCounts.to(options32),
                            torch::zeros({iterations - ownIterations}, options32)});
    share.perIteration = sums / counts.clamp_min(kEmpty);
    auto scored = counts > 0;
    share.iteration =
        (share.perIteration * scored).sum() / scored.sum().clamp_min(1).to(torch::kFloat32);
    if (!options.vanilla)
        share.total = share.answer + options.iterationWeight * share.iteration;
    return share;
}

torch::Tensor arLossShare(const torch::Tensor& slice, const ArBatchTensors& batch,
                          const GlobalBatchNormalisers& global) {
    const auto length = batch.lossMask.size(1);
    auto own = length > 1 ? batch.lossMask.narrow(1, 1, length - 1).sum() : torch::zeros({});
    return slice * (own.clamp_min(kEmpty) / std::max(global.scoredTokens, kEmpty));
}

} // namespace relay
