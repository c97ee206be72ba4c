// The gated length curriculum (training.curriculum_gate): the longest allowed length grows by
// one only when the model has learned the lengths it trains on, judged by its answer loss over
// a window of steps, instead of every curriculum_grow_every steps. A seed that is slow to leave
// the loss plateau then stays on short problems until it computes, rather than meeting longer
// ones it cannot yet learn from.
#pragma once

#include "model/checkpoint_metadata.h"

namespace relay {

class CurriculumGate {
public:
    // The curriculum starts at `startLength`, clamped to [1, maximumLength].
    CurriculumGate(double threshold, int window, int startLength, int maximumLength);

    // Continues from a checkpoint's state (a resumed run, a worker joining); a state of length
    // 0 means none was saved (an older checkpoint) and changes nothing.
    void resume(const CurriculumState& state);

    // One optimizer step's answer loss, in step order. Windows are consecutive blocks of
    // `window` steps counted from step 1: after a window's last step, the length grows when the
    // window's mean loss is below the threshold, and the next window starts afresh (so the
    // steps of a shorter range never count toward growing past the next one). Returns true when
    // this step ended a window.
    bool observe(double answerLoss);

    int length() const { return m_state.length; }
    const CurriculumState& state() const { return m_state; }

private:
    double m_threshold;
    int m_window;
    int m_maximumLength;
    CurriculumState m_state;
};

} // namespace relay
