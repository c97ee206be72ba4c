#include "train/curriculum_gate.h"

#include <algorithm>

namespace relay {

CurriculumGate::CurriculumGate(double threshold, int window, int startLength, int maximumLength)
    : m_threshold(threshold), m_window(std::max(1, window)),
      m_maximumLength(std::max(1, maximumLength)) {
    m_state.length = std::clamp(startLength, 1, m_maximumLength);
}

void CurriculumGate::resume(const CurriculumState& state) {
    if (state.length > 0)
        m_state = state;
}

bool CurriculumGate::observe(double answerLoss) {
    m_state.lossSum += answerLoss;
    if (++m_state.steps < m_window)
        return false;
    if (m_state.lossSum / m_state.steps < m_threshold && m_state.length < m_maximumLength)
        ++m_state.length;
    m_state.lossSum = 0.0;
    m_state.steps = 0;
    return true;
}

} // namespace relay
