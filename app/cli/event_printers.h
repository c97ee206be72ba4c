// How `relay` shows a job's events: one JSON object per line (--json, the GUI's protocol), or
// a progress bar on a terminal (plain periodic lines when stdout is not a terminal).
#pragma once

#include "train/training_events.h"

#include <chrono>
#include <memory>

namespace relay::cli {

class JsonLinesEvents : public TrainingEvents {
public:
    void emit(const nlohmann::json& event) override;
};

class ProgressEvents : public TrainingEvents {
public:
    ProgressEvents();
    void emit(const nlohmann::json& event) override;

private:
    void endProgressLine();

    bool m_terminal;
    bool m_progressShown = false;
    std::chrono::steady_clock::time_point m_lastPlainLine;
};

std::unique_ptr<TrainingEvents> makeEventPrinter(bool json);

// SIGINT/SIGTERM set the returned flag (a second SIGINT kills at once), so a job finishes its
// step, checkpoints and exits as cancelled.
const std::atomic<bool>& installCancelHandler();

} // namespace relay::cli
