// One example of a dataset as files store it: the problem with its (claimed) chain, the task
// options it was made with, its loss weight in multitask mixing, and where it came from.
#pragma once

#include "tasks/problem.h"
#include "tasks/task.h"

#include <vector>

namespace relay {

struct DatasetExample {
    Problem problem;
    TaskOptions options; // the modulus / LIS value range needed to verify the chain
    float weight = 1.0f; // task loss weight (docs/method.md §1.4 multitask mixing)
    int line = 0;        // 1-based line in the file it was read from; 0 when generated
};

// Just the problems, in order (what the batching functions take).
inline std::vector<Problem> problemsOf(const std::vector<DatasetExample>& examples) {
    std::vector<Problem> problems;
    problems.reserve(examples.size());
    for (const auto& example : examples)
        problems.push_back(example.problem);
    return problems;
}

// Just the weights, in order.
inline std::vector<float> weightsOf(const std::vector<DatasetExample>& examples) {
    std::vector<float> weights;
    weights.reserve(examples.size());
    for (const auto& example : examples)
        weights.push_back(example.weight);
    return weights;
}

// True when the examples come from more than one task (files then carry task tokens).
inline bool isMultitask(const std::vector<DatasetExample>& examples) {
    for (const auto& example : examples)
        if (example.problem.task != examples.front().problem.task)
            return true;
    return false;
}

} // namespace relay
