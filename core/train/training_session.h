// One run's training state, built the same way for a new, a resumed and a data-parallel
// worker's run: data, model, optimizer, schedule, the weight average, and a fine-tune's start
// from its parent's weights. Only core/train .cpp files include this header (LibTorch).
#pragma once

#include "config/experiment_config.h"
#include "model/ar_transformer.h"
#include "model/looped_transformer.h"
#include "model/thread_generator.h"
#include "model/torch_device.h"
#include "store/run_store.h"
#include "tasks/batching.h"
#include "tasks/dataset.h"
#include "tasks/vocabulary.h"
#include "train/batch_sampler.h"
#include "train/curriculum_gate.h"
#include "train/distributed/training_group.h"
#include "train/distributed/worker_group.h"
#include "train/learning_rate_schedule.h"
#include "train/training_events.h"
#include "train/weight_average.h"

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace relay {

// Everything one run needs while it trains; built the same way for a new and a resumed run, so
// both start from identical state before the checkpoint (if any) is applied.
struct Session {
    Session(RunStore& runStore, std::int64_t runId, ExperimentConfig experiment, RunKind runKind)
        : store(runStore), run(runId), config(std::move(experiment)), kind(runKind),
          vocabulary(Vocabulary::ofSize(config.model.vocabularySize)),
          device(selectDevice(config.device)) {}

    RunStore& store;
    std::int64_t run;
    ExperimentConfig config;
    RunKind kind;
    Vocabulary vocabulary;
    torch::Device device;
    Datasets data;
    std::vector<TokenizedProblem> tokenized; // data.train as token ids, looked up once
    std::unique_ptr<BatchSampler> sampler;
    // training.curriculum_gate on a looped run: the longest length the batches may have, grown
    // by the answer loss; none: the sampler's step schedule.
    std::optional<CurriculumGate> curriculumGate;
    LoopedTransformer looped{nullptr};
    ArTransformer autoregressive{nullptr};
    std::unique_ptr<torch::optim::AdamW> optimizer;
    LearningRateSchedule schedule;
    std::string checkpointFolder;
    std::int64_t completedSteps = 0;
    std::unique_ptr<TrainingGroup> group; // data-parallel workers; null: this process alone
    // Rank 0 of several workers, until training starts: the run they are building meanwhile.
    std::optional<WorkerGroup::Announcement> announcement;
    // Dropout, randomised positions and checkpoints draw from and save this session's own
    // generator (model/thread_generator.h), current on the thread that built the session.
    at::Generator generator;
    std::optional<CurrentGeneratorScope> generatorScope;
    // training.ema_decay > 0: the average of the weights (the model every evaluation and reader
    // uses) and the pair the checkpoints hold.
    LoopedTransformer loopedAverage{nullptr};
    ArTransformer autoregressiveAverage{nullptr};
    AveragedWeights averagedWeights{nullptr};

    // Only rank 0 writes the store and checkpoints and evaluates.
    bool isRankZero() const { return !group || group->isRankZero(); }

    torch::nn::Module& module() {
        return isAutoregressive(kind) ? static_cast<torch::nn::Module&>(*autoregressive)
                                      : static_cast<torch::nn::Module&>(*looped);
    }
    // The rate the trained model's dropout uses from now on.
    void setDropout(double dropout) {
        if (isAutoregressive(kind))
            autoregressive->setDropout(dropout);
        else
            looped->setDropout(dropout);
    }
    bool averaged() const { return !averagedWeights.is_empty(); }
    torch::nn::Module& averageModule() {
        return isAutoregressive(kind) ? static_cast<torch::nn::Module&>(*autoregressiveAverage)
                                      : static_cast<torch::nn::Module&>(*loopedAverage);
    }
    // What checkpoints save and load.
    torch::nn::Module& checkpointModule() {
        return averaged() ? static_cast<torch::nn::Module&>(*averagedWeights) : module();
    }
};

// Seeds, builds the datasets, the model (and its weight average), the optimizer and the
// schedule, and emits the "data" stage event.
void buildSession(Session& session, TrainingEvents& events);

// A fine-tune starts from its parent's newest weights as every reader of the parent sees them
// (its weight average when it kept one); the optimizer starts fresh.
void initialiseFromParent(Session& session, std::int64_t parent);

} // namespace relay
