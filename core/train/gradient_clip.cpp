#include "train/gradient_clip.h"

#include "train/fused_adamw.h"
#include "train/update_kernels.h"

#include <algorithm>
#include <cmath>

namespace relay {
torch::Tensor clipGradientNorm(const std::vector<torch::Tensor>& parameters, double limit) {
    std::vector<torch::Tensor> gradients;
    for (const auto& parameter : parameters)
        if (parameter.grad().defined())
            gradients.push_back(parameter.grad());
    if (gradients.empty())
        return torch::zeros({});
    if (std::all_of(gradients.begin(), gradients.end(), onCpuInFloat)) {
        double squares = 0.0;
        for (const auto& gradient : gradients)
            squares += sumOfSquares(gradient.data_ptr<float>(), gradient.numel());
        const double total = std::sqrt(squares);
        const double factor = std::min(limit / (total + 1e-6), 1.0);
        if (factor < 1.0)
            for (auto& gradient : gradients)
                scaleInPlace(gradient.data_ptr<float>(), gradient.numel(),
                             static_cast<float>(factor));
        return torch::tensor(static_cast<float>(total));
    }
    std::vector<torch::Tensor> norms;
    for (const auto& gradient : gradients)
        norms.push_back(gradient.norm(2));
    auto total = norms.size() == 1 ? norms[0] : torch::stack(norms).norm(2);
    auto factor = torch::clamp(limit / (total + 1e-6), c10::nullopt, 1.0);
    for (auto& gradient : gradients)
        gradient.mul_(factor);
    return total;
}

} // namespace relay
