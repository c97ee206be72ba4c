// One training step's loss: the forward pass of the step's batch (or, data-parallel, this
// rank's share of it) and the objective, ready for backward, with the terms a step reports.
#pragma once

#include "train/training_session.h"

#include <torch/torch.h>

#include <cstddef>
#include <vector>

namespace relay {

// One step's loss for backward, and what it reports, left on the device until a flush or an
// event is due (a read is a host sync on a GPU): loss, gradient norm, then L_ans, L_iter and
// L_t for t = 1..T where the objective has them.
struct StepLosses {
    torch::Tensor total;
    std::vector<torch::Tensor> terms; // L_ans, L_iter, L_1..L_T: scalars, possibly none

    torch::Tensor reported(const torch::Tensor& gradientNorm) const {
        std::vector<torch::Tensor> values{total.detach(), gradientNorm.to(total.device())};
        for (const auto& term : terms)
            values.push_back(term.detach());
        return torch::stack(values).to(torch::kFloat64);
    }

    // A data-parallel rank's share of total and terms, in that order: what the ranks sum.
    torch::Tensor shareValues() const {
        std::vector<torch::Tensor> values{total.detach().reshape({1})};
        for (const auto& term : terms)
            values.push_back(term.detach().reshape({1}).to(total.dtype()));
        return torch::cat(values);
    }
    // Takes the global batch's values from the ranks' summed shares (shareValues' order);
    // backward has already run, so total keeps no gradient.
    void takeSums(const torch::Tensor& sums) {
        total = sums[0];
        for (std::size_t index = 0; index < terms.size(); ++index)
            terms[index] = sums[static_cast<std::int64_t>(index) + 1];
    }
};

// The loss of the global batch `globalBatch` (this process alone), or this rank's share of it
// (data-parallel: its slice, scaled by the whole batch's normalisers). An AR batch runs in
// pieces of similar length where that is cheaper (train/length_pieces.h); the looped model's
// batch is sorted by T.
StepLosses computeLoss(Session& session, const std::vector<std::size_t>& globalBatch);

} // namespace relay
