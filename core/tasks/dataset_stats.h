// Summary numbers of a dataset (what `relay data stats` prints): counts per task and length,
// and mean input and chain lengths in tokens.
#pragma once

#include "tasks/dataset_example.h"

#include <vector>

namespace relay {

struct LengthStats {
    int length = 0; // complexity
    int count = 0;
    double meanInputTokens = 0;
    double meanChainTokens = 0; // all steps together
    double meanSteps = 0;
};

struct TaskStats {
    TaskKind task = TaskKind::Arithmetic;
    int count = 0;
    double meanInputTokens = 0;
    double meanChainTokens = 0;
    std::vector<LengthStats> lengths; // ascending
};

struct DatasetStats {
    int count = 0;
    std::vector<TaskStats> tasks; // in task order
};

DatasetStats computeDatasetStats(const std::vector<DatasetExample>& examples);

} // namespace relay
