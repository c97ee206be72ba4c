// EvaluationReport::add: what the looped and the AR evaluators record per test set.
#include "train/evaluation.h"

#include "tasks/task.h"

#include <algorithm>

namespace relay {

void EvaluationReport::add(const ChainScores& scores, const TestSet& testSet,
                           const EvaluationOptions& options, const std::string& stopping,
                           const std::function<std::vector<HitCell>()>& hitCells) {
    evals.push_back(
        evalRecordOf(scores, testSet.task, testSet.length, options.trainingStep, stopping));
    const auto steps =
        stepAccuracyRecordsOf(scores, testSet.task, testSet.length, options.trainingStep);
    stepAccuracies.insert(stepAccuracies.end(), steps.begin(), steps.end());
    const auto& lengths = options.hitMatrixLengths;
    if (std::find(lengths.begin(), lengths.end(), testSet.length) == lengths.end())
        return;
    HitMatrixRecord matrix;
    matrix.step = options.trainingStep;
    matrix.task = taskName(testSet.task);
    matrix.length = testSet.length;
    matrix.cells = hitCells();
    hitMatrices.push_back(std::move(matrix));
}

} // namespace relay
