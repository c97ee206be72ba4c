#include "train/fine_tune_set.h"

#include "tasks/dataset_file.h"

#include <filesystem>

namespace relay {

std::string keptExamplesFile(const std::string& folder, const std::string& keptPrefix, int index) {
    return (std::filesystem::path(folder) / (keptPrefix + "-" + std::to_string(index) + ".jsonl"))
        .string();
}

std::string writeIncrementalSet(const std::string& folder, const std::string& keptPrefix, int index,
                                const std::vector<DatasetExample>& kept,
                                const std::vector<DatasetExample>& originals,
                                const std::string& setName) {
    std::filesystem::create_directories(folder);
    writeDatasetFile(keptExamplesFile(folder, keptPrefix, index), kept, DatasetFormat::Jsonl);
    auto training = originals;
    for (int earlier = 1; earlier <= index; ++earlier) {
        auto examples =
            readDatasetFile(keptExamplesFile(folder, keptPrefix, earlier), DatasetFormat::Jsonl);
        training.insert(training.end(), examples.begin(), examples.end());
    }
    const auto path = (std::filesystem::path(folder) / setName).string();
    writeDatasetFile(path, training, DatasetFormat::Jsonl);
    return path;
}

TrainingRequest fineTuneRequest(const ExperimentConfig& config, RunKind kind, std::int64_t parent,
                                const std::string& trainFile, double learningRate, int steps) {
    TrainingRequest request;
    request.config = config;
    request.config.data.trainFile = trainFile;
    request.config.optimizer.learningRate = learningRate;
    request.config.training.steps = steps;
    request.config.training.epochs = 0;
    request.config.training.curriculum = false;
    request.kind = kind;
    request.parentRun = parent;
    return request;
}

} // namespace relay
