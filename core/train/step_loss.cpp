#include "train/step_loss.h"

#include "model/ar_transformer.h"
#include "model/autocast.h"
#include "model/batch_tensors.h"
#include "model/looped_transformer.h"
#include "model/torch_device.h"
#include "tasks/batching.h"
#include "train/distributed/batch_split.h"
#include "train/distributed/global_batch_loss.h"
#include "train/distributed/worker_group.h"
#include "train/length_pieces.h"
#include "train/objectives.h"

#include <algorithm>
#include <numeric>
#include <optional>

namespace relay {
namespace {

// An example's cost, for dealing a global batch out to the ranks alike: its tokens for the AR
// model; its iterations times its input (the width it is padded to) for the looped model, which
// runs the block once per iteration.
std::vector<std::int64_t> exampleCosts(const Session& session,
                                       const std::vector<std::size_t>& batch) {
    const bool autoregressive = isAutoregressive(session.kind);
    std::vector<std::int64_t> costs;
    costs.reserve(batch.size());
    for (auto index : batch) {
        const auto& problem = session.tokenized[index];
        auto tokens = static_cast<std::int64_t>(problem.input.size());
        if (autoregressive) {
            for (const auto& step : problem.steps)
                tokens += static_cast<std::int64_t>(step.size());
            costs.push_back(tokens);
        } else {
            costs.push_back(std::max<std::int64_t>(problem.iterations(), 1) * tokens);
        }
    }
    return costs;
}

// An AR batch (this rank's slice) as pieces of similar length where that is cheaper
// (train/length_pieces.h): the examples of each piece, shortest piece first; none for an empty
// slice.
std::vector<std::vector<std::size_t>> lengthPiecesOf(const Session& session,
                                                     const std::vector<std::size_t>& indices) {
    const auto lengths = exampleCosts(session, indices);
    std::vector<std::size_t> order(indices.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return lengths[a] < lengths[b]; });
    std::vector<std::int64_t> sorted;
    for (auto position : order)
        sorted.push_back(lengths[position]);
    std::vector<std::vector<std::size_t>> pieces;
    std::size_t start = 0;
    for (auto end : cheapestPieces(sorted, pieceCostsFor(session.config.model.hiddenSize))) {
        pieces.emplace_back();
        for (auto position = start; position < end; ++position)
            pieces.back().push_back(indices[order[position]]);
        start = end;
    }
    return pieces;
}

} // namespace

StepLosses computeLoss(Session& session, const std::vector<std::size_t>& globalBatch) {
    // bf16 on CUDA for the forward pass only; backward runs after the scope, outside it.
    Bf16AutocastScope autocast(
        effectivePrecision(session.config.precision, session.device.is_cuda()) ==
        Precision::Bf16Autocast);
    const bool autoregressive = isAutoregressive(session.kind);
    auto indices = session.group ? balancedSlice(globalBatch, exampleCosts(session, globalBatch),
                                                 session.group->rank(), session.group->worldSize())
                                 : globalBatch;
    if (!autoregressive) // the looped model runs a batch sorted by T fastest (see its header)
        std::stable_sort(indices.begin(), indices.end(), [&](std::size_t a, std::size_t b) {
            return session.tokenized[a].iterations() > session.tokenized[b].iterations();
        });
    BatchOptions options;
    options.prependTaskToken = session.data.multitask;
    options.scoreEveryPad = session.config.objective.padTargets == PadTargets::All;
    // The problems of `examples`, with their weights in `withWeights`.
    auto problemsOf = [&](const std::vector<std::size_t>& examples, BatchOptions& withWeights) {
        std::vector<const TokenizedProblem*> problems;
        withWeights.weights.clear();
        for (auto index : examples) {
            problems.push_back(&session.tokenized[index]);
            withWeights.weights.push_back(session.data.train[index].weight);
        }
        return problems;
    };
    auto wholeOptions = options;
    const auto problems = problemsOf(indices, options);
    StepLosses losses;
    if (autoregressive) {
        // The loss of `batch` with its own mean, or its share of the global batch's.
        auto arLossOf = [&](const ArBatch& host, const GlobalBatchNormalisers* global) {
            auto batch = toTensors(host, session.device);
            ArForwardOptions forward;
            forward.logits = false;
            forward.readOutMask = arReadOutMask(batch);
            forward.sequenceLengths = batch.sequenceLengths;
            auto output = session.autoregressive->forward(batch.tokens, forward);
            auto loss = arLoss(output.maskedLogits, batch);
            return global ? arLossShare(loss, batch, *global) : loss;
        };
        const auto pieces = lengthPiecesOf(session, indices);
        std::optional<GlobalBatchNormalisers> global;
        if (session.group || pieces.size() > 1)
            global = arNormalisers(makeArBatch(problemsOf(globalBatch, wholeOptions),
                                               session.vocabulary, wholeOptions));
        if (pieces.size() <= 1) { // one piece (or a rank's empty slice): the batch as it is
            losses.total = arLossOf(makeArBatch(problems, session.vocabulary, options),
                                    global ? &*global : nullptr);
            return losses;
        }
        for (const auto& piece : pieces) {
            auto pieceOptions = options;
            auto share = arLossOf(
                makeArBatch(problemsOf(piece, pieceOptions), session.vocabulary, pieceOptions),
                &*global);
            losses.total = losses.total.defined() ? losses.total + share : share;
        }
        return losses;
    }
    bool vanilla = session.kind == RunKind::LoopedVanilla;
    auto batch = toTensors(makeLoopedBatch(problems, options), session.device);
    LoopedForwardOptions forward = relayForwardOptions(batch);
    if (vanilla)
        forward.readOutPositions = torch::Tensor();
    auto output =
        session.looped->forward(batch.inputIds, batch.exampleWidths, batch.iterations, forward);
    LoopedLossOptions lossOptions;
    lossOptions.iterationWeight = session.config.objective.lambda;
    lossOptions.vanilla = vanilla;
    auto loss = relayLoss(vanilla ? torch::Tensor() : output.maskedStepLogits, output.answerLogits,
                          batch, lossOptions);
    if (session.group)
        loss = loopedLossShare(loss, batch, lossOptions,
                               loopedNormalisers(makeLoopedBatch(
                                   problemsOf(globalBatch, wholeOptions), wholeOptions)));
    losses.total = loss.total;
    losses.terms.push_back(loss.answer);
    if (loss.iteration.defined()) {
        losses.terms.push_back(loss.iteration);
        for (const auto& term : loss.perIteration.unbind())
            losses.terms.push_back(term);
    }
    return losses;
}

} // namespace relay
