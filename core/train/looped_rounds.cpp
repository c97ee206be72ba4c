#include "train/looped_rounds.h"

#include "train/fine_tune_set.h"
#include "train/run_model.h"
#include "train/stage_two.h"

#include <stdexcept>

namespace relay {

int roundChainLength(const ExperimentConfig& config, int round) {
    return config.trainLengths.max + round;
}

int roundSampleCount(const ExperimentConfig& config) {
    if (config.stage2.roundSamples > 0)
        return config.stage2.roundSamples;
    const int lengths = std::max(1, config.stageTwoLengthsMax() - config.trainLengths.max);
    return paperLengthCounts(config.stage2.generatedSamples, lengths).front();
}

LoopedRoundPreparation prepareLoopedRound(RunStore& store, const ExperimentConfig& config,
                                          const LoopedRound& round) {
    if (round.round < 1)
        throw std::invalid_argument("self-improvement round " + std::to_string(round.round) +
                                    ": rounds count from 1");
    RunModel writer = loadRunModel(store, round.writerRun);
    if (!writer.looped)
        throw std::invalid_argument("run " + std::to_string(round.writerRun) +
                                    " is not a looped run; a self-improvement round fine-tunes "
                                    "the looped model on its own chains");
    const int length = roundChainLength(config, round.round);
    const auto problems = stageTwoProblems(config, length, {roundSampleCount(config)});
    LoopedRoundPreparation preparation;
    preparation.chains =
        writeLoopedChains(writer.looped, writer.vocabulary, problems, config.iterations,
                          config.multitask(), kGenerationBatch, config.stage2.labelFreeConfidence);
    const std::string name = "looped-round-" + std::to_string(round.round);
    const auto trainingFile = writeIncrementalSet(
        round.folder, "looped-round-kept", round.round,
        writtenExamples(preparation.chains, ChainSelection::LabelFree),
        originalExamples(config, originalSampleCount(config, config.stage2.generatedSamples)),
        name + "-finetune.jsonl");
    preparation.request =
        fineTuneRequest(config, RunKind::Looped, round.writerRun, trainingFile,
                        config.stage2.roundLearningRate, config.stage2.roundSteps);
    return preparation;
}

} // namespace relay
