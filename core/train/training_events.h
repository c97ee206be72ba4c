// What a training or pipeline job reports while it runs. The CLI turns events into a progress
// bar or into one JSON object per line (`--json`, the GUI's protocol: docs/events.md).
#pragma once

#include <nlohmann/json.hpp>

namespace relay {

class TrainingEvents {
public:
    virtual ~TrainingEvents() = default;
    // event["event"] is one of: started, step, eval, checkpoint, stage, finished, error.
    virtual void emit(const nlohmann::json& event) = 0;
};

// Drops everything (tests, library use).
class SilentEvents : public TrainingEvents {
public:
    void emit(const nlohmann::json&) override {}
};

} // namespace relay
