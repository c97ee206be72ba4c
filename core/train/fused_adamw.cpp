#include "train/fused_adamw.h"

#include "train/update_kernels.h"

#include <cmath>
#include <memory>
#include <sstream>
#include <string>
#include <type_traits>

namespace relay {
namespace {

// The key AdamW files a parameter's state under: LibTorch 1.13 writes the TensorImpl's address
// as text, 2.x keeps the address itself.
template <class Key> Key stateKey(const torch::Tensor& parameter) {
    if constexpr (std::is_same_v<Key, std::string>) {
        std::ostringstream text;
        text << parameter.unsafeGetTensorImpl();
        return text.str();
    } else {
        return static_cast<Key>(parameter.unsafeGetTensorImpl());
    }
}

} // namespace

bool onCpuInFloat(const torch::Tensor& tensor) {
    return tensor.device().is_cpu() && tensor.scalar_type() == torch::kFloat32 &&
           tensor.is_contiguous();
}

bool FusedAdamW::fusable() const {
    for (const auto& group : param_groups_) {
        if (static_cast<const torch::optim::AdamWOptions&>(group.options()).amsgrad())
            return false;
        for (const auto& parameter : group.params())
            if (parameter.grad().defined() &&
                (!onCpuInFloat(parameter) || !onCpuInFloat(parameter.grad())))
                return false;
    }
    return true;
}

torch::Tensor FusedAdamW::step(LossClosure closure) {
    if (!fusable())
        return torch::optim::AdamW::step(std::move(closure));
    torch::NoGradGuard noGrad;
    torch::Tensor loss;
    if (closure) {
        at::AutoGradMode enableGrad(true);
        loss = closure();
    }
    using Key = typename std::decay_t<decltype(state_)>::key_type;
    for (auto& group : param_groups_) {
        const auto& options = static_cast<const torch::optim::AdamWOptions&>(group.options());
        const double beta1 = std::get<0>(options.betas());
        const double beta2 = std::get<1>(options.betas());
        for (auto& parameter : group.params()) {
            if (!parameter.grad().defined())
                continue;
            auto& slot = state_[stateKey<Key>(parameter)];
            if (!slot) {
                auto fresh = std::make_unique<torch::optim::AdamWParamState>();
                fresh->exp_avg(torch::zeros_like(parameter, at::MemoryFormat::Contiguous));
                fresh->exp_avg_sq(torch::zeros_like(parameter, at::MemoryFormat::Contiguous));
                slot = std::move(fresh);
            }
            auto& state = static_cast<torch::optim::AdamWParamState&>(*slot);
            state.step(state.step() + 1);
            const auto step = static_cast<double>(state.step());
            AdamWFactors factors;
            factors.decay = static_cast<float>(1.0 - options.lr() * options.weight_decay());
            factors.beta1 = static_cast<float>(beta1);
            factors.beta2 = static_cast<float>(beta2);
            factors.rootCorrection2 = static_cast<float>(std::sqrt(1.0 - std::pow(beta2, step)));
            factors.epsilon = static_cast<float>(options.eps());
            factors.stepSize = static_cast<float>(options.lr() / (1.0 - std::pow(beta1, step)));
            auto firstMoment = state.exp_avg();
            auto secondMoment = state.exp_avg_sq();
            if (!onCpuInFloat(firstMoment) || !onCpuInFloat(secondMoment)) {
                // A loaded state is AdamW's: keep it, in the layout the loop reads.
                state.exp_avg(firstMoment.to(torch::kFloat32).contiguous());
                state.exp_avg_sq(secondMoment.to(torch::kFloat32).contiguous());
                firstMoment = state.exp_avg();
                secondMoment = state.exp_avg_sq();
            }
            adamWUpdate(parameter.data_ptr<float>(), parameter.grad().data_ptr<float>(),
                        firstMoment.data_ptr<float>(), secondMoment.data_ptr<float>(),
                        parameter.numel(), factors);
        }
    }
    return loss;
}

} // namespace relay
