// What decoding one problem at every loop iteration yields (docs/architecture.md, view 3):
// each iteration's read-out lined up with the true step, and where a stopping rule stops.
// Plain structs without LibTorch: the engine (train/problem_inspection.h) fills them, the
// workbench's widgets draw them.
#pragma once

#include "tasks/problem.h"

#include <cstdint>
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

} // namespace relay
