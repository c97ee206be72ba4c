// Puts a module in eval mode for the lifetime of a scope and gives it back its previous mode,
// so evaluating in the middle of training never leaves dropout off (or on) by surprise.
// Core-internal (LibTorch).
#pragma once

#include <torch/torch.h>

namespace relay {

class EvaluationModeGuard {
public:
    explicit EvaluationModeGuard(torch::nn::Module& module)
        : m_module(module), m_wasTraining(module.is_training()) {
        m_module.eval();
    }
    ~EvaluationModeGuard() { m_module.train(m_wasTraining); }
    EvaluationModeGuard(const EvaluationModeGuard&) = delete;
    EvaluationModeGuard& operator=(const EvaluationModeGuard&) = delete;

private:
    torch::nn::Module& m_module;
    bool m_wasTraining;
};

} // namespace relay
