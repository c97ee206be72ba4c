// Periodic evaluation of a run in training: the looped or AR model on every test length,
// written to the run store, plus probe snapshots for the loop-iteration viewer.
#pragma once

#include "store/run_store.h"
#include "tasks/dataset.h"
#include "tasks/vocabulary.h"

#include <nlohmann/json.hpp>

namespace relay {

struct RunEvaluationContext {
    RunStore* store = nullptr;
    std::int64_t run = 0;
    const Vocabulary* vocabulary = nullptr;
    const std::vector<TestSet>* testSets = nullptr;
    std::vector<Problem> probes; // decoded at every iteration for the viewer (looped only)
    bool multitask = false;
    int trainLengthMax = 0; // splits in- from out-of-distribution in the summary
    std::int64_t batchSize = 256;
    std::int64_t adaptiveMaximumIterations = 0; // iterations.maximum (0: the evaluator's default)
};

class LoopedTransformer;
class ArTransformer;

// Evaluates the model at `step` on every test set (and the looped model's probes), stores
// everything, and returns a compact summary for the `eval` event.
nlohmann::json evaluateForRun(LoopedTransformer& model, const RunEvaluationContext& context,
                              std::int64_t step);
nlohmann::json evaluateForRun(ArTransformer& model, const RunEvaluationContext& context,
                              std::int64_t step);

} // namespace relay
