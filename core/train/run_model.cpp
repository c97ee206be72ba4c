#include "train/run_model.h"

#include "config/stored_config.h"
#include "model/checkpoint.h"
#include "model/thread_generator.h"
#include "model/torch_device.h"
#include "train/weight_average.h"

#include <torch/torch.h>

#include <mutex>

namespace relay {
namespace {

// The weights a reader of the run uses: the checkpoint's weight average when the run kept one
// (its checkpoints then hold "model.*" and "average.*"), else the weights themselves.
template <class Holder>
CheckpointMetadata loadInferenceWeights(Holder& target, const ExperimentConfig& config,
                                        const std::string& path, c10::Device device,
                                        const CheckpointLoadOptions& options) {
    // Constructing initialises weights from LibTorch's global generator (thread_generator.h).
    std::unique_lock<std::mutex> constructing(globalGeneratorMutex());
    target = Holder(config.model);
    if (config.training.emaDecay <= 0) {
        constructing.unlock();
        return loadCheckpoint(path, *target, nullptr, device, options);
    }
    Holder trained(config.model);
    constructing.unlock();
    AveragedWeights both(trained.ptr(), target.ptr());
    return loadCheckpoint(path, *both, nullptr, device, options);
}

} // namespace

RunModel loadRunModel(RunStore& store, std::int64_t run, std::optional<std::int64_t> step,
                      const std::string& deviceName) {
    auto record = store.run(run);
    auto checkpoints = store.checkpoints(run);
    const CheckpointRecord* chosen = nullptr;
    for (const auto& checkpoint : checkpoints)
        if (!step || checkpoint.step == *step)
            chosen = &checkpoint; // ordered by step: the last match is the newest
    if (!chosen)
        throw std::invalid_argument(
            "run " + std::to_string(run) + " has no checkpoint" +
            (step ? " at step " + std::to_string(*step) : std::string()) +
            (checkpoints.empty() ? "" : " (it has " + std::to_string(checkpoints.size()) + ")"));
    RunModel model;
    model.run = run;
    model.config = storedExperimentConfig(record.configJson,
                                          "run " + std::to_string(record.id) + "'s stored config");
    model.kind = record.kind;
    model.vocabulary = Vocabulary::ofSize(model.config.model.vocabularySize);
    auto device = selectDevice(deviceName.empty() ? model.config.device : deviceName);
    CheckpointLoadOptions options;
    options.restoreRandomState = false; // inference must not disturb anyone's generator
    CheckpointMetadata metadata;
    if (isAutoregressive(model.kind)) {
        metadata =
            loadInferenceWeights(model.autoregressive, model.config, chosen->path, device, options);
        model.autoregressive->eval();
    } else {
        metadata = loadInferenceWeights(model.looped, model.config, chosen->path, device, options);
        model.looped->eval();
    }
    model.step = metadata.step;
    model.checkpointPath = chosen->path;
    return model;
}

std::vector<DatasetSpec> datasetSpecs(const ExperimentConfig& config, int lengthMin, int lengthMax,
                                      bool keepTraining) {
    std::vector<DatasetSpec> specs;
    for (const auto& entry : config.tasks) {
        DatasetSpec spec;
        spec.task = entry.task;
        spec.options = entry.options;
        spec.weight = static_cast<float>(entry.weight);
        spec.maximumTrainLength = config.trainLengths.max;
        spec.trainCount = config.data.trainSamples; // needed: test sets exclude training inputs
        for (int length = lengthMin; length <= lengthMax; ++length)
            spec.testLengths.push_back(length);
        spec.testCountPerLength = config.data.testSamplesPerLength;
        spec.seed = config.seed;
        spec.keepTraining = keepTraining;
        specs.push_back(spec);
    }
    return specs;
}

std::vector<TestSet> runTestSets(const ExperimentConfig& config, int lengthMin, int lengthMax) {
    return makeMultitaskDatasets(datasetSpecs(config, lengthMin, lengthMax, false)).test;
}

} // namespace relay
