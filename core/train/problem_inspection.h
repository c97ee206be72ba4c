// The loop-iteration viewer's engine side (docs/architecture.md, view 3): one looped run's
// checkpoint loaded once, then any problem (generated at any length, or typed and parsed by the
// task) decoded at every iteration under a stopping rule, each read-out lined up with the true
// step. The results are the plain structs of inspection/problem_inspection.h, and a pimpl keeps
// LibTorch out: the workbench calls it off the GUI thread without seeing it.
#pragma once

#include "config/experiment_config.h"
#include "inspection/problem_inspection.h"
#include "tasks/problem.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace relay {

class LoopedInspector {
public:
    // Loads the run's checkpoint at `step` (newest when unset) on the CPU. Throws
    // std::invalid_argument for a run that is not looped or has no checkpoint, CheckpointError
    // for a bad file, StoreError for a bad store.
    LoopedInspector(const std::string& storePath, std::int64_t run,
                    std::optional<std::int64_t> step = std::nullopt);
    ~LoopedInspector();
    LoopedInspector(const LoopedInspector&) = delete;
    LoopedInspector& operator=(const LoopedInspector&) = delete;

    const ExperimentConfig& config() const;
    std::int64_t checkpointStep() const;

    // A typed problem of one of the run's tasks, solved for its true chain. Throws ParseError
    // naming the token, or std::invalid_argument when a token is outside the run's vocabulary.
    Problem parse(const std::string& text, const std::string& task) const;
    // `count` problems of one length from the run's test set for it (generated on demand, the
    // same as evaluation uses), any length allowed.
    std::vector<Problem> testProblems(const std::string& task, int length, int count) const;

    ProblemInspection inspect(const Problem& problem, const InspectionOptions& options);

private:
    struct State;
    std::unique_ptr<State> m_state;
};

} // namespace relay
