// What the model and trainer tests share: mixed-length arithmetic problems and a small model
// config without dropout (so forward passes draw no random numbers).
#pragma once

#include "model/model_config.h"
#include "tasks/arithmetic.h"
#include "tasks/vocabulary.h"

#include <random>
#include <vector>

namespace relay::test {

// `count` ARI problems of 1-4 operators drawn with `seed`.
inline std::vector<Problem> mixedArithmetic(int count, std::uint64_t seed) {
    ArithmeticTask task;
    std::mt19937_64 random(seed);
    std::uniform_int_distribution<int> complexity(1, 4);
    std::vector<Problem> problems;
    for (int index = 0; index < count; ++index)
        problems.push_back(task.generate(complexity(random), random));
    return problems;
}

inline ModelConfig smallModelConfig(const Vocabulary& vocabulary, std::int64_t hiddenSize,
                                    std::int64_t layers, std::int64_t heads) {
    ModelConfig config;
    config.vocabularySize = vocabulary.size();
    config.hiddenSize = hiddenSize;
    config.layers = layers;
    config.heads = heads;
    config.dropout = 0.0;
    return config;
}

} // namespace relay::test
