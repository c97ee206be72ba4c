#include "train/self_chain.h"

#include "model/stopping.h"
#include "train/fine_tune_set.h"
#include "train/looped_decoding.h"
#include "train/run_model.h"
#include "train/stage_two.h"

#include <stdexcept>

namespace relay {

std::vector<std::vector<int>> selfChainPhaseLengths(const ExperimentConfig& config) {
    const int first = config.trainLengths.max + 1;
    const int count = config.stageTwoLengthsMax() - first + 1;
    if (count < 1)
        throw std::invalid_argument("config key 'stage2.lengths_max': no length above "
                                    "train_lengths.max for the self-chain phases");
    const int phases = std::min(config.stage2.selfChainPhases, count);
    std::vector<std::vector<int>> groups(static_cast<std::size_t>(phases));
    for (int index = 0; index < count; ++index)
        groups[static_cast<std::size_t>(index * phases / count)].push_back(first + index);
    return groups;
}

SelfChainPreparation prepareSelfChainPhase(RunStore& store, const ExperimentConfig& config,
                                           const SelfChainPhase& phase) {
    auto groups = selfChainPhaseLengths(config);
    if (phase.phase < 1 || phase.phase > static_cast<int>(groups.size()))
        throw std::invalid_argument("self-chain phase " + std::to_string(phase.phase) +
                                    " is outside 1.." + std::to_string(groups.size()));
    const auto& lengths = groups[static_cast<std::size_t>(phase.phase - 1)];
    // The same per-length counts as Stage II, so both baselines see as many problems.
    auto allCounts = paperLengthCounts(config.stage2.generatedSamples,
                                       config.stageTwoLengthsMax() - config.trainLengths.max);
    std::vector<int> counts;
    for (int length : lengths)
        counts.push_back(allCounts[static_cast<std::size_t>(length - config.trainLengths.max - 1)]);
    auto problems = stageTwoProblems(config, lengths.front(), counts);

    RunModel writer = loadRunModel(store, phase.writerRun);
    if (!writer.autoregressive)
        throw std::invalid_argument("run " + std::to_string(phase.writerRun) +
                                    " is not an AR run; self-chains come from the AR model");
    SelfChainPreparation preparation;
    preparation.chains = writeArChains(writer.autoregressive, writer.vocabulary, problems,
                                       config.multitask(), kGenerationBatch);

    std::vector<std::string> reference; // the answer a kept chain must reach
    if (config.stage2.selfChainFilter == SelfChainFilter::LoopedVanilla) {
        if (!phase.vanillaRun)
            throw std::invalid_argument("the looped-vanilla self-chain filter needs a vanilla "
                                        "looped run");
        RunModel vanilla = loadRunModel(store, *phase.vanillaRun);
        if (!vanilla.looped)
            throw std::invalid_argument("run " + std::to_string(*phase.vanillaRun) +
                                        " is not a looped run");
        std::vector<Problem> inputs;
        for (const auto& example : problems) {
            Problem input = example.problem;
            input.steps.clear();
            input.answer.clear();
            inputs.push_back(std::move(input));
        }
        for (const auto& decoding :
             decodeLooped(vanilla.looped, vanilla.vocabulary, inputs, StoppingOptions{},
                          config.multitask(), kGenerationBatch))
            reference.push_back(decoding.answer);
    } else {
        for (const auto& example : problems)
            reference.push_back(example.problem.answer);
    }
    std::vector<DatasetExample> kept;
    for (std::size_t index = 0; index < preparation.chains.size(); ++index) {
        const auto& chain = preparation.chains[index];
        bool accept = !chain.written.answer.empty() && chain.written.answer == reference[index];
        preparation.kept.push_back(accept);
        if (accept)
            kept.push_back(writtenExample(chain));
    }
    // Incremental: originals, then every phase's kept chains so far.
    const auto trainingFile = writeIncrementalSet(
        phase.folder, "self-chains-phase", phase.phase, kept,
        originalExamples(config, originalSampleCount(config, config.stage2.generatedSamples)),
        "self-finetune-phase-" + std::to_string(phase.phase) + ".jsonl");
    preparation.request = fineTuneRequest(
        writer.config, RunKind::ArSelf, phase.writerRun, trainingFile, config.stage2.learningRate,
        std::max(1, config.stage2.steps / static_cast<int>(groups.size())));
    return preparation;
}

} // namespace relay
