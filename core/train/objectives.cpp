#include "train/objectives.h"

#include <stdexcept>
#include <string>

namespace relay {
namespace {

// CE per position of logits [P, V] against targets [P], in float32 for stable bf16 training.
torch::Tensor crossEntropyPerPosition(const torch::Tensor& logits, const torch::Tensor& targets) {
    return torch::nll_loss(torch::log_softmax(logits.to(torch::kFloat32), -1), targets, {},
                           at::Reduction::None);
}

} // namespace

torch::Tensor stepReadOutMask(const LoopedBatchTensors& batch) {
    return batch.stepMask != 0;
}

StepReadOut stepReadOut(const LoopedBatchTensors& batch) {
    if (batch.readOut.defined())
        return batch.readOut;
    // A batch assembled by hand: the same plan from the mask, on the device.
    auto positions = stepReadOutMask(batch).flatten().nonzero().squeeze(1);
    auto weights = batch.weights.to(torch::kFloat32).view({1, -1, 1}).expand_as(batch.stepMask);
    const auto perIteration = batch.stepMask[0].numel();
    return {positions, batch.stepTargets.flatten().index_select(0, positions),
            batch.stepMask.flatten().index_select(0, positions) *
                weights.flatten().index_select(0, positions),
            torch::div(positions, perIteration, "floor"), batch.stepMask.sum({1, 2})};
}

LoopedForwardOptions relayForwardOptions(const LoopedBatchTensors& batch) {
    LoopedForwardOptions options;
    options.stepLogits = false;
    options.readOutPositions = stepReadOut(batch).positions;
    options.iterationCounts = batch.hostIterations;
    return options;
}

LoopedLoss relayLoss(const torch::Tensor& stepLogits, const torch::Tensor& answerLogits,
                     const LoopedBatchTensors& batch, const LoopedLossOptions& options) {
    LoopedLoss loss;
    auto weights = batch.weights.to(torch::kFloat32);
    loss.answer = (crossEntropyPerPosition(answerLogits, batch.answerTargets) * weights).mean();

    if (stepLogits.defined()) {
        const auto iterations = batch.stepMask.size(0);
        const auto readOut = stepReadOut(batch);
        torch::Tensor logits = stepLogits;
        if (stepLogits.dim() == 4) {
            if (stepLogits.size(0) != iterations)
                throw std::invalid_argument("relay loss: step logits have " +
                                            std::to_string(stepLogits.size(0)) +
                                            " iterations, the batch " + std::to_string(iterations));
            logits =
                stepLogits.reshape({-1, stepLogits.size(-1)}).index_select(0, readOut.positions);
        }
        auto weighted = crossEntropyPerPosition(logits, readOut.targets) * readOut.scale;
        auto sums = torch::zeros({iterations}, weighted.options())
                        .index_add(0, readOut.iteration, weighted);
        loss.perIteration = sums / readOut.counts.clamp_min(1e-12);
        auto scored = readOut.counts > 0;
        loss.iteration =
            (loss.perIteration * scored).sum() / scored.sum().clamp_min(1).to(torch::kFloat32);
    }
    if (options.vanilla || !loss.iteration.defined())
        loss.total = loss.answer;
    else
        loss.total = loss.answer + options.iterationWeight * loss.iteration;
    return loss;
}

torch::Tensor arReadOutMask(const ArBatchTensors& batch) {
    auto predicted = torch::zeros_like(batch.lossMask, torch::kBool);
    const auto length = batch.lossMask.size(1);
    if (length > 1)
        predicted.narrow(1, 0, length - 1).copy_(batch.lossMask.narrow(1, 1, length - 1) != 0);
    return predicted;
}

torch::Tensor arLoss(const torch::Tensor& logits, const ArBatchTensors& batch) {
    auto selected = arReadOutMask(batch); // [B, L]
    // The token each selected position predicts: the next one.
    auto nextTokens = batch.tokens.roll(-1, 1).index({selected});
    auto nextMask = batch.lossMask.roll(-1, 1).index({selected});
    auto weights =
        batch.weights.to(torch::kFloat32).view({-1, 1}).expand_as(batch.lossMask).index({selected});
    auto chosen = logits.dim() == 3 ? logits.index({selected}) : logits;
    auto weighted = crossEntropyPerPosition(chosen, nextTokens) * nextMask * weights;
    return weighted.sum() / nextMask.sum().clamp_min(1e-12);
}

} // namespace relay
