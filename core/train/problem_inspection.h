// The loop-iteration viewer's engine side (docs/architecture.md, view 3): one looped run's
// checkpoint loaded once, then any problem (generated at any length, or typed and parsed by the
// task) decoded at every iteration under a stopping rule, each read-out lined up with the true
// step. Plain structs and a pimpl: the workbench calls it off the GUI thread without seeing
// LibTorch.
#pragma once

#include "config/experiment_config.h"
#include "tasks/problem.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace relay {

struct InspectionOptions {
    std::string rule = "oracle"; // oracle | fixed | adaptive
    int fixedIterations = 0;     // fixed: N (0: T)
    // Iterations to run and show: fixed N, or for oracle / adaptive up to this many (0: oracle
    // runs T; adaptive runs T + max(2, T/2)). More than T shows what the model does when looped
    // longer than the chain.
    int maximumIterations = 0;
};

// Correctness of one read-out position against the true step's right-aligned row.
enum class TokenMark { Right, Wrong, Unscored };

struct InspectedIteration {
    int iteration = 0;             // 1-based
    Tokens readOut;                // argmax over [0, n_e), "<pad>" included
    Tokens step;                   // what follows the last "<pad>": the step it claims
    std::vector<float> confidence; // top-1 probability per position
    double uncertainty = 0;        // the adaptive-stopping score (lower = more confident)
    Tokens target;                 // true step t right-aligned in n_e ("<pad>" left); empty past T
    std::vector<TokenMark> marks; // per position: Eq. 6 mask positions right/wrong, others unscored
    bool stepCorrect = false;     // the claimed step equals the true step
};

struct ProblemInspection {
    Problem truth;          // the problem with its canonical chain
    std::int64_t width = 0; // n_e
    std::vector<InspectedIteration> iterations;
    int chosenIterations = 0; // where the rule stops (1-based)
    std::string answer;       // the answer head at the chosen iteration
    float answerConfidence = 0;
    double milliseconds = 0; // inference wall time
};

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
