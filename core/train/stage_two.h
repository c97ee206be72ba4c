// Stage II as one job (docs/method.md §3): the looped generator run writes chains for lengths
// K_train+1..stage2.lengths_max, every chain is verified and stored with the generator run, and
// the fine-tuning sets are written as JSONL files: original-length problems plus all generated
// chains (the paper), plus the chains the label-free filter keeps (no verifier needed), and
// plus only the verified ones (an oracle upper bound). The AR fine-tune then
// trains on such a file (config key data.train_file). No LibTorch in this header.
#pragma once

#include "store/run_store.h"
#include "train/chain_generation.h"
#include "train/training_events.h"

#include <cstdint>
#include <string>
#include <vector>

namespace relay {

struct StageTwoResult {
    std::int64_t generatorRun = 0;
    int generated = 0;
    int verified = 0;
    int labelFreeKept = 0; // chains the label-free filter keeps
    int original = 0;
    std::vector<ChainCorrectness> correctness; // per task and length
    std::string allChainsFile;                 // originals + every generated chain
    std::string labelFreeChainsFile;           // originals + the label-free filter's chains
    std::string verifiedChainsFile;            // originals + verified chains only
    double wallSeconds = 0;
};

// The fine-tuning file of a selection of the chains.
const std::string& chainsFile(const StageTwoResult& result, ChainSelection selection);

// Original-length problems in a fine-tuning set: stage2.original_samples, or the paper's share
// (42,515 of 100,000) of a set with `generated` generated chains.
int originalSampleCount(const ExperimentConfig& config, int generated);

// `count` problems of the config's own training set (lengths up to K_train), a deterministic
// spread over it.
std::vector<DatasetExample> originalExamples(const ExperimentConfig& config, int count);

// Runs Stage II generation for `generatorRun` (a looped or looped-vanilla run with a
// checkpoint) and writes the two fine-tuning files into `folder`. Replaces the run's stored
// chains. Emits "stage" events (stage "generate"). `stageTwoOverrides` ("stage2.key=value")
// change the lengths and sample counts from the generator's own config; any other key throws.
StageTwoResult generateStageTwo(RunStore& store, std::int64_t generatorRun,
                                const std::string& folder, TrainingEvents& events,
                                const std::vector<std::string>& stageTwoOverrides = {});

// The generator's config with "stage2.*" overrides applied and validated.
ExperimentConfig withStageTwoOverrides(const ExperimentConfig& config,
                                       const std::vector<std::string>& overrides);

// The result as JSON and back (the pipeline keeps it as its record that generation finished).
nlohmann::json stageTwoResultToJson(const StageTwoResult& result);
StageTwoResult stageTwoResultFromJson(const nlohmann::json& json);
// The stage2.json a generation wrote; std::invalid_argument naming the file when it is damaged.
StageTwoResult readStageTwoResult(const std::string& path);

} // namespace relay
