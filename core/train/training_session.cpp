#include "train/training_session.h"

#include "model/device.h"
#include "model/thread_generator.h"
#include "model/torch_device.h"
#include "tasks/dataset_file.h"
#include "train/fused_adamw.h"
#include "train/run_model.h"

#include <algorithm>
#include <iostream>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace relay {
namespace {

// A second copy of the model for the weight average, starting equal to the model. Its own
// initialisation must not shift the random draws that follow (dropout, positions), so the
// generator's state is put back after it.
void buildWeightAverage(Session& session) {
    auto generator = at::detail::getDefaultCPUGenerator();
    const auto state = generator.get_state();
    std::shared_ptr<torch::nn::Module> model, average;
    if (isAutoregressive(session.kind)) {
        session.autoregressiveAverage = ArTransformer(session.config.model);
        average = session.autoregressiveAverage.ptr();
        model = session.autoregressive.ptr();
    } else {
        session.loopedAverage = LoopedTransformer(session.config.model);
        average = session.loopedAverage.ptr();
        model = session.looped.ptr();
    }
    generator.set_state(state);
    average->to(session.device);
    copyWeights(*average, *model);
    for (auto& parameter : average->parameters())
        parameter.set_requires_grad(false);
    session.averagedWeights = AveragedWeights(model, average);
}

} // namespace

void buildSession(Session& session, TrainingEvents& events) {
    const auto& config = session.config;
    auto* workers = WorkerGroup::current();
    setCpuThreads(workers ? workers->threadsPerWorker(config.threads) : config.threads);
    const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    if (workers && workers->rank() == 0 &&
        workers->localProcesses() * workers->threadsPerWorker(config.threads) > cores)
        // Measured: 2 processes x 2 threads on 2 cores train 15x slower than 2 x 1.
        std::cerr << "relay: warning: " << workers->localProcesses() << " processes x "
                  << workers->threadsPerWorker(config.threads) << " threads on " << cores
                  << " cores; more threads than cores slows every process (threads=0 shares "
                     "the cores out)"
                  << std::endl;
    // The data draws from the tasks' own seeded generators, never from LibTorch's.
    const bool givenTraining = !config.data.trainFile.empty();
    session.data = makeMultitaskDatasets(
        datasetSpecs(config, config.testLengths.min, config.testLengths.max, !givenTraining));
    auto& train = session.data.train;
    if (givenTraining) {
        // A given training set (e.g. a Stage II fine-tuning set); test sets stay generated.
        train = readDatasetFile(config.data.trainFile, detectDatasetFormat(config.data.trainFile));
        checkTokensKnown(train, session.vocabulary, config.data.trainFile);
        std::map<std::string, double> weights;
        for (const auto& entry : config.tasks)
            weights[entry.task] = entry.weight;
        for (auto& example : train)
            example.weight = static_cast<float>(weights.count(taskName(example.problem.task))
                                                    ? weights[taskName(example.problem.task)]
                                                    : 1.0);
    }
    train.erase(std::remove_if(train.begin(), train.end(),
                               [&](const DatasetExample& example) {
                                   return example.problem.complexity < config.trainLengths.min;
                               }),
                train.end());
    session.tokenized.clear();
    session.tokenized.reserve(train.size());
    for (const auto& example : train)
        session.tokenized.push_back(
            tokenizeProblem(example.problem, session.vocabulary, session.data.multitask));
    CurriculumPlan curriculum{config.training.curriculum, config.training.curriculumStart,
                              config.training.curriculumGrowEvery, config.trainLengths.max};
    session.sampler = std::make_unique<BatchSampler>(train, config.seed, curriculum);
    session.curriculumGate.reset();
    if (config.training.curriculum && config.training.curriculumGate > 0 &&
        !isAutoregressive(session.kind)) // AR models report no answer loss to gate on
        session.curriculumGate.emplace(config.training.curriculumGate,
                                       config.training.curriculumGateWindow,
                                       config.training.curriculumStart, config.trainLengths.max);
    // Seeding and initialisation use LibTorch's global generator, which a model constructed
    // in another thread (relay pipeline runs stages side by side) also draws: the lock covers
    // seed, initialisation and clone, so each stage starts from its seed's weights.
    std::unique_lock<std::mutex> seeding(globalGeneratorMutex());
    torch::manual_seed(config.seed);
    if (isAutoregressive(session.kind)) {
        session.autoregressive = ArTransformer(config.model);
        session.autoregressive->to(session.device);
    } else {
        session.looped = LoopedTransformer(config.model);
        session.looped->to(session.device);
    }
    if (config.training.emaDecay > 0)
        buildWeightAverage(session);
    // From here the session draws from its own generator, continuing where the seeded
    // initialisation left the global one: alone in a process it draws what it always drew.
    session.generator = at::detail::getDefaultCPUGenerator().clone();
    seeding.unlock();
    session.generatorScope.emplace(session.generator);
    torch::optim::AdamWOptions options(config.optimizer.learningRate);
    options.betas({config.optimizer.beta1, config.optimizer.beta2});
    options.eps(config.optimizer.epsilon);
    options.weight_decay(config.optimizer.weightDecay);
    session.optimizer = std::make_unique<FusedAdamW>(session.module().parameters(), options);
    session.schedule =
        LearningRateSchedule::fromConfig(config.optimizer.learningRate, config.schedule.warmupRatio,
                                         config.schedule.warmupSteps, config.totalSteps());
    events.emit({{"event", "stage"},
                 {"run", session.run},
                 {"stage", "data"},
                 {"train_examples", train.size()},
                 {"test_sets", session.data.test.size()}});
}

namespace {

// The parent's tensors must be the child's, name for name and shape for shape.
void checkSameShapes(torch::nn::Module& child, const torch::nn::Module& parent,
                     std::int64_t parentRun) {
    const auto given = parent.named_parameters();
    const auto wanted = child.named_parameters();
    for (const auto& item : wanted) {
        const auto* found = given.find(item.key());
        if (!found || found->sizes() != item.value().sizes())
            throw std::invalid_argument(
                "parent run " + std::to_string(parentRun) + " has no tensor " + item.key() +
                " of the shape this run's model needs (its model config differs)");
    }
    if (given.size() != wanted.size())
        throw std::invalid_argument("parent run " + std::to_string(parentRun) +
                                    "'s model has other tensors than this run's");
}

} // namespace

// A fine-tune starts from its parent's newest weights as every reader of the parent sees them
// (its weight average when it kept one); the optimizer starts fresh, as fine-tuning with a new
// learning rate does.
void initialiseFromParent(Session& session, std::int64_t parent) {
    const RunModel weights = loadRunModel(session.store, parent, {}, session.device.str());
    if (isAutoregressive(weights.kind) != isAutoregressive(session.kind))
        throw std::invalid_argument("parent run " + std::to_string(parent) + " is a " +
                                    textOf(weights.kind) + " run; a " + textOf(session.kind) +
                                    " run cannot start from it");
    const torch::nn::Module& from =
        isAutoregressive(weights.kind)
            ? static_cast<const torch::nn::Module&>(*weights.autoregressive)
            : static_cast<const torch::nn::Module&>(*weights.looped);
    checkSameShapes(session.module(), from, parent);
    copyWeights(session.module(), from);
    if (session.averaged())
        copyWeights(session.averageModule(), from);
}

} // namespace relay
