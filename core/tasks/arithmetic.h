// The arithmetic task (ARI, docs/method.md §1.1): expressions over the integers modulo a prime,
// reduced one operator per CoT step; the last step is the bare answer.
#pragma once

#include "tasks/task.h"

namespace relay {

class ArithmeticTask : public Task {
public:
    // Throws std::invalid_argument when options.modulus is not a prime >= 2.
    explicit ArithmeticTask(const TaskOptions& options = {});

    TaskKind kind() const override { return TaskKind::Arithmetic; }
    std::string name() const override { return "ari"; }
    std::string taskToken() const override { return "[ARI]"; }

    Tokens drawInput(int complexity, std::mt19937_64& random) const override;
    Problem solve(const Tokens& input) const override;
    Tokens parseInput(const std::string& text) const override;
    Verdict verify(const Tokens& input, const std::vector<Tokens>& steps,
                   const std::string& answer) const override;

    bool answerIsLastStep() const override { return true; }
    std::optional<std::string> chainAnswer(const std::vector<Tokens>& steps) const override;
    int iterationCount(int complexity) const override { return complexity; }
    int largestNumber(int) const override { return m_modulus - 1; }

    int modulus() const { return m_modulus; }

private:
    int m_modulus;
};

} // namespace relay
