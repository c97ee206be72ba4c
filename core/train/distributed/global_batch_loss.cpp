#include "train/distributed/global_batch_loss.h"

namespace relay {
namespace {

constexpr double kEmpty = 1e-12; // the clamp the losses put under an empty mean

// A tensor whose value is `global` and whose gradient is that of `share`.
torch::Tensor valueWithGradientOf(const torch::Tensor& share, double global) {
    return share + (torch::full_like(share, global) - share.detach());
}

} // namespace

LoopedLoss globalBatchLoss(const LoopedLoss& slice, const LoopedBatchTensors& batch,
                           const LoopedLossOptions& options, TrainingGroup& group) {
    // Iterations differ between slices (T is the slice's longest problem): agree on the most.
    const std::int64_t ownIterations = batch.stepMask.size(0);
    const std::int64_t iterations =
        group.max(torch::tensor({ownIterations}, torch::kInt64)).item<std::int64_t>();
    auto ownCounts = batch.stepMask.sum({1, 2}).to(torch::kCPU).to(torch::kDouble);
    auto normalisers = torch::zeros({iterations + 1}, torch::kDouble);
    normalisers[0] = static_cast<double>(batch.weights.size(0));
    normalisers.narrow(0, 1, ownIterations).copy_(ownCounts);
    auto global = group.sum(normalisers);

    LoopedLoss share;
    const auto options32 = slice.answer.options();
    share.answer = slice.answer * (normalisers[0].item<double>() / global[0].item<double>());
    share.total = share.answer;
    std::vector<torch::Tensor> reported{share.answer.detach().reshape({1})};
    if (slice.iteration.defined()) {
        auto counts = global.narrow(0, 1, iterations).to(options32.device()).to(torch::kFloat32);
        // The slice's masked CE sums per iteration, zero past its own longest problem.
        auto sums = torch::cat({slice.perIteration * ownCounts.to(options32),
                                torch::zeros({iterations - ownIterations}, options32)});
        share.perIteration = sums / counts.clamp_min(kEmpty);
        auto scored = counts > 0;
        share.iteration =
            (share.perIteration * scored).sum() / scored.sum().clamp_min(1).to(torch::kFloat32);
        if (!options.vanilla)
            share.total = share.answer + options.iterationWeight * share.iteration;
        reported.push_back(share.iteration.detach().reshape({1}));
        reported.push_back(share.perIteration.detach());
    }
    reported.insert(reported.begin(), share.total.detach().reshape({1}));
    auto sums = group.sum(torch::cat(reported).to(torch::kDouble));

    LoopedLoss result;
    result.total = valueWithGradientOf(share.total, sums[0].item<double>());
    result.answer = sums[1].to(torch::kFloat32);
    if (slice.iteration.defined()) {
        result.iteration = sums[2].to(torch::kFloat32);
        result.perIteration = sums.narrow(0, 3, iterations).to(torch::kFloat32);
    }
    return result;
}

torch::Tensor globalBatchArLoss(const torch::Tensor& slice, const ArBatchTensors& batch,
                                TrainingGroup& group) {
    // arLoss divides by the scored next tokens: the loss mask past each row's first position.
    const auto length = batch.lossMask.size(1);
    double own = length > 1 ? batch.lossMask.narrow(1, 1, length - 1).sum().item<double>() : 0.0;
    double all = group.sum(torch::tensor({own}, torch::kDouble)).item<double>();
    auto share = slice * (std::max(own, kEmpty) / std::max(all, kEmpty));
    double total = group.sum(share.detach().to(torch::kDouble).reshape({1})).item<double>();
    return valueWithGradientOf(share, total);
}

} // namespace relay
