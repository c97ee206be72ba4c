#include "config/config_keys.h"

#include "tasks/task_lookup.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <type_traits>

namespace relay {

int defaultWorkerProcesses(int batchSize); // experiment_config.h; declared here to keep the
                                           // table readable

namespace {

using nlohmann::json;

template <class T> struct IsOptional : std::false_type {};
template <class T> struct IsOptional<std::optional<T>> : std::true_type {};

// Closed sets are text in JSON; an empty optional choice is "".
template <class Value> json toJsonValue(const Value& value) {
    if constexpr (std::is_enum_v<Value>)
        return textOf(value);
    else if constexpr (IsOptional<Value>::value)
        return value ? textOf(*value) : std::string();
    else
        return value;
}

template <class Value> Value fromJsonValue(const json& value) {
    if constexpr (std::is_enum_v<Value>) {
        return parseClosedSet<Value>(value.get<std::string>());
    } else if constexpr (IsOptional<Value>::value) {
        const auto text = value.get<std::string>();
        if (text.empty())
            return std::nullopt;
        return parseClosedSet<typename Value::value_type>(text);
    } else {
        return value.get<Value>();
    }
}

template <class Value> std::vector<std::string> choicesOf() {
    if constexpr (std::is_enum_v<Value>) {
        return closedSetNames<Value>();
    } else if constexpr (IsOptional<Value>::value) {
        auto names = closedSetNames<typename Value::value_type>();
        names.insert(names.begin(), "");
        return names;
    } else {
        return {};
    }
}

// A key bound to the member `access` returns a reference to (for a const or mutable owner).
template <class Owner, class Access>
ConfigKeyOf<Owner> declare(std::string key, Access access, std::string meaning, KeyRange range = {},
                           std::vector<std::string> choices = {}) {
    using Value = std::decay_t<decltype(access(std::declval<Owner&>()))>;
    ConfigKeyOf<Owner> entry;
    entry.key = std::move(key);
    entry.meaning = std::move(meaning);
    const Owner defaults{};
    entry.defaultValue = toJsonValue(access(defaults));
    entry.minimum = range.minimum;
    entry.maximum = range.maximum;
    entry.choices = choices.empty() ? choicesOf<Value>() : std::move(choices);
    entry.read = [access](const Owner& owner) { return toJsonValue(access(owner)); };
    entry.write = [access](Owner& owner, const json& value) {
        access(owner) = fromJsonValue<Value>(value);
    };
    return entry;
}

// The member a key binds: `BIND(training.batchSize)`.
#define BIND(member)                                                                               \
    [](auto& owner) -> auto& {                                                                     \
        return owner.member;                                                                       \
    }

template <class Access>
ConfigKey key(std::string path, Access access, std::string meaning, KeyRange range = {}) {
    return declare<ExperimentConfig>(std::move(path), access, std::move(meaning), range);
}

std::string quoted(const json& value) {
    std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
    return text.size() > 60 ? text.substr(0, 60) + "..." : text;
}

[[noreturn]] void fail(const std::string& path, const std::string& message) {
    throw std::invalid_argument("config key '" + path + "': " + message);
}

// The task registry's names, the choices of a task entry's "task".
std::vector<std::string> taskNames() {
    std::vector<std::string> names;
    for (TaskKind kind : kAllTaskKinds)
        names.push_back(taskName(kind));
    return names;
}

} // namespace

const std::vector<ConfigKey>& configKeys() {
    static const std::vector<ConfigKey> keys = {
        key("name", BIND(name), "a label for the run (defaults to kind-task-time)"),
        key("train_lengths.min", BIND(trainLengths.min), "shortest training complexity", {1, 1000}),
        key("train_lengths.max", BIND(trainLengths.max), "longest training complexity (K_train)",
            {1, 1000}),
        key("test_lengths.min", BIND(testLengths.min), "shortest evaluated complexity", {1, 1000}),
        key("test_lengths.max", BIND(testLengths.max), "longest evaluated complexity (K_test)",
            {1, 1000}),
        key("data.train_samples", BIND(data.trainSamples),
            "training problems, per length proportional to it", {1, 1e8}),
        key("data.test_samples_per_length", BIND(data.testSamplesPerLength),
            "test problems per length (disjoint from training)", {1, 1e7}),
        key("data.train_file", BIND(data.trainFile),
            "train on this dataset file (JSONL or CoT_benchmark) instead of generated problems; "
            "test sets are still generated (Stage II fine-tuning sets are such files)"),
        key("data.probe_count", BIND(data.probeCount),
            "probe problems decoded at every evaluation for the viewer", {0, 100}),
        key("model.hidden_size", BIND(model.hiddenSize), "d, the width of the residual stream",
            {1, 65536}),
        key("model.layers", BIND(model.layers),
            "L transformer layers in the block every iteration reuses", {1, 1000}),
        key("model.heads", BIND(model.heads), "attention heads", {1, 1024}),
        key("model.mlp_ratio", BIND(model.mlpRatio), "MLP hidden size = mlp_ratio x hidden_size",
            {1, 64}),
        key("model.dropout", BIND(model.dropout), "dropout rate in attention and MLP outputs",
            {0, 0.999}),
        key("model.position_encoding", BIND(model.positionEncoding),
            "rope | rope-randomized | none-directional (docs/method.md §6)"),
        key("model.ar_position_encoding", BIND(model.arPositionEncoding),
            "AR runs only (baseline, fine-tunes): their position encoding; empty: the same as "
            "position_encoding. The paper's AR baseline uses rope."),
        key("model.input_injection", BIND(model.inputInjection),
            "none | add: every iteration sees e_0 again (Fan et al.)"),
        key("model.maximum_positions", BIND(model.maximumPositions),
            "rope-randomized: positions are drawn from [0, this)", {1, 1e7}),
        key("model.random_positions_at_evaluation", BIND(model.randomPositionsAtEvaluation),
            "rope-randomized: draw random positions at evaluation too (false: 0..n-1)"),
        key("model.rope_base", BIND(model.ropeBase), "rotary base frequency", {1, 1e12}),
        key("model.separate_answer_head", BIND(model.separateAnswerHead),
            "the answer has its own head (false: the CoT read-out answers)"),
        key("model.initialization", BIND(model.initialization),
            "small (N(0, 0.02), GPT-2) | torch-default (LibTorch's own)"),
        key("model.iteration_norm", BIND(model.iterationNorm),
            "looped: a LayerNorm on the hidden state after every iteration"),
        key("model.tie_embeddings", BIND(model.tieEmbeddings),
            "looped: the CoT read-out reuses the embedding matrix"),
        key("iterations.rule", BIND(iterations.rule),
            "loop count of Stage II's chains: oracle T (the paper), fixed N, or adaptive (the "
            "most confident read-out); evaluation always reports oracle and adaptive, and the "
            "viewer offers all three"),
        key("iterations.fixed", BIND(iterations.fixed), "N for the fixed rule", {0, 10000}),
        key("iterations.maximum", BIND(iterations.maximum),
            "adaptive: run up to this many (0: T + max(2, T/2))", {0, 10000}),
        key("objective.lambda", BIND(objective.lambda), "weight of the iteration-alignment loss",
            {0, 1e6}),
        key("objective.pad_targets", BIND(objective.padTargets),
            "looped: which <pad> left of a right-aligned step is scored; marker: only the one "
            "just before it (Eq. 6), all: every one, so the latent row must also clear what the "
            "step no longer holds"),
        key("optimizer.learning_rate", BIND(optimizer.learningRate), "AdamW peak learning rate",
            {1e-9, 10}),
        key("optimizer.weight_decay", BIND(optimizer.weightDecay), "AdamW weight decay", {0, 10}),
        key("optimizer.beta1", BIND(optimizer.beta1), "AdamW beta1", {0, 0.999999}),
        key("optimizer.beta2", BIND(optimizer.beta2), "AdamW beta2", {0, 0.999999}),
        key("optimizer.epsilon", BIND(optimizer.epsilon), "AdamW epsilon", {1e-12, 1}),
        key("schedule.warmup_ratio", BIND(schedule.warmupRatio),
            "linear warmup share of all steps, then linear decay", {0, 1}),
        key("schedule.warmup_steps", BIND(schedule.warmupSteps),
            "linear warmup over this many steps (0: use warmup_ratio); a short run keeps a "
            "warmup long enough for a high learning rate",
            {0, 1e9}),
        key("training.batch_size", BIND(training.batchSize), "problems per optimizer step",
            {1, 1e6}),
        key("training.steps", BIND(training.steps), "optimizer steps (ignored when epochs > 0)",
            {1, 1e9}),
        key("training.epochs", BIND(training.epochs),
            "passes over the training set; > 0 overrides steps", {0, 1e6}),
        key("training.gradient_clip", BIND(training.gradientClip),
            "global gradient-norm clip (0: off)", {0, 1e6}),
        key("training.curriculum", BIND(training.curriculum),
            "grow the training length range over time (Fan et al.)"),
        key("training.curriculum_start", BIND(training.curriculumStart),
            "curriculum: longest length at the start", {1, 1000}),
        key("training.curriculum_grow_every", BIND(training.curriculumGrowEvery),
            "curriculum: steps between length increases", {1, 1e9}),
        key("training.curriculum_gate", BIND(training.curriculumGate),
            "looped models: the curriculum grows by one length only once the answer loss, "
            "averaged over a window of steps, is below this value, instead of every "
            "curriculum_grow_every steps (0: off; AR models keep the step schedule)",
            {0, 1e9}),
        key("training.curriculum_gate_window", BIND(training.curriculumGateWindow),
            "curriculum gate: steps whose answer loss one decision averages", {1, 1e9}),
        key("training.dropout_from_step", BIND(training.dropoutFromStep),
            "model.dropout takes effect at this step and the run trains without dropout before "
            "it (with dropout from step 0 a looped model can stay on the loss plateau)",
            {0, 1e9}),
        key("training.ema_decay", BIND(training.emaDecay),
            "evaluation, probes, Stage II and the viewer use an exponential moving average of "
            "the weights with this decay per step (0: off; Fan et al. use 0.9999)",
            {0, 0.999999}),
        key("eval.every", BIND(eval.every), "steps between evaluations", {1, 1e9}),
        key("checkpoint.every", BIND(checkpoint.every), "steps between checkpoints", {1, 1e9}),
        key("stage2.lengths_max", BIND(stage2.lengthsMax),
            "Stage II writes chains for lengths K_train+1 .. this (0: test_lengths.max)",
            {0, 1000}),
        key("stage2.generated_samples", BIND(stage2.generatedSamples),
            "generated chains in the fine-tuning set, split over lengths in the paper's Table 3 "
            "proportions",
            {1, 1e8}),
        key("stage2.original_samples", BIND(stage2.originalSamples),
            "original-length problems in the fine-tuning set (0: the paper's share, 42.5%)",
            {0, 1e8}),
        key("stage2.verified_only", BIND(stage2.verifiedOnly),
            "fine-tune only on generated chains the exact verifier accepts (our ablation)"),
        key("stage2.label_free_confidence", BIND(stage2.labelFreeConfidence),
            "the label-free chain filter (no verifier) keeps a looped chain when its answer "
            "head agrees with the answer its steps imply and every token it wrote has at least "
            "this top-1 probability",
            {0, 1}),
        key("stage2.learning_rate", BIND(stage2.learningRate),
            "AR fine-tuning peak learning rate (paper: 1e-4)", {1e-9, 10}),
        key("stage2.steps", BIND(stage2.steps), "AR fine-tuning optimizer steps", {1, 1e9}),
        key("stage2.self_chain_phases", BIND(stage2.selfChainPhases),
            "ar-self: phases of increasing length, one fine-tune each (paper: 5)", {1, 1000}),
        key("stage2.self_chain_filter", BIND(stage2.selfChainFilter),
            "ar-self keeps a chain when its answer matches the vanilla looped model's answer or "
            "the true answer"),
        key("stage2.rounds", BIND(stage2.rounds),
            "self-improvement rounds after Stage II: round r writes chains at K_train+r with the "
            "looped model of round r-1 (round 0: Stage I), keeps those the label-free filter "
            "keeps, and fine-tunes that looped model on them, the earlier rounds' kept chains "
            "and original data (0: off)",
            {0, 100}),
        key("stage2.round_samples", BIND(stage2.roundSamples),
            "chains each self-improvement round writes (0: as many as Stage II writes at "
            "K_train+1, so round 1 writes Stage II's +1 chains again)",
            {0, 1e8}),
        key("stage2.round_steps", BIND(stage2.roundSteps),
            "optimizer steps of each self-improvement round's looped fine-tune", {1, 1e9}),
        key("stage2.round_learning_rate", BIND(stage2.roundLearningRate),
            "peak learning rate of each self-improvement round's looped fine-tune (a fine-tune "
            "from trained weights: the paper's 1e-4 for fine-tuning, not Stage I's rate)",
            {1e-9, 10}),
        key("pipeline.self_chain", BIND(pipeline.selfChain),
            "relay pipeline also runs the ar-self baseline"),
        key("pipeline.vanilla_steps", BIND(pipeline.vanillaSteps),
            "relay pipeline: optimizer steps of the vanilla looped baseline (0: training.steps)",
            {0, 1e9}),
        key("pipeline.ar_steps", BIND(pipeline.arSteps),
            "relay pipeline: optimizer steps of the AR baseline (0: training.steps)", {0, 1e9}),
        key("pipeline.vanilla_curriculum_grow_every", BIND(pipeline.vanillaCurriculumGrowEvery),
            "relay pipeline: curriculum step interval of the vanilla looped baseline, so a "
            "shorter run still reaches every length (0: training.curriculum_grow_every)",
            {0, 1e9}),
        key("pipeline.ar_curriculum_grow_every", BIND(pipeline.arCurriculumGrowEvery),
            "relay pipeline: curriculum step interval of the AR baseline (0: "
            "training.curriculum_grow_every)",
            {0, 1e9}),
        key("pipeline.parallel_stages", BIND(pipeline.parallelStages),
            "relay pipeline trains independent stages at the same time, one CPU thread each (CPU "
            "only: on CUDA they run one at a time). They share LibTorch's random generator, so "
            "with dropout or rope-randomized a rerun draws differently; false reproduces "
            "exactly"),
        key("pipeline.verified_only_ablation", BIND(pipeline.verifiedOnlyAblation),
            "relay pipeline also fine-tunes on verified chains only (a second ar-relay run)"),
        key("pipeline.label_free_filter", BIND(pipeline.labelFreeFilter),
            "relay pipeline also fine-tunes on the chains the label-free filter keeps "
            "(stage2.label_free_confidence), another ar-relay run"),
        key("pipeline.seeds", BIND(pipeline.seeds),
            "relay pipeline runs the whole method once per seed (seed, seed+1, ...), each an "
            "ordinary pipeline, and reports every cell as the mean and range over them",
            {1, 1000}),
        key("device", BIND(device), "cpu, cuda, cuda:N or auto"),
        key("precision", BIND(precision),
            "training arithmetic on CUDA; bf16-autocast: matmuls in bfloat16, reductions and "
            "softmax in float32; fp32: float32 throughout. CPU runs are always fp32"),
        key("threads", BIND(threads), "CPU threads (0: all cores)", {0, 1024}),
        key("processes", BIND(processes),
            "data-parallel worker processes (relay train/pipeline/finetune --nproc); each trains "
            "a slice of every batch, with threads shared out (0: one per core while each keeps "
            "at least 32 examples of a batch, on this machine " +
                std::to_string(defaultWorkerProcesses(64)) +
                " for a batch of 64; relay pipeline: 1 while pipeline.parallel_stages)",
            {0, 1024}),
        key("seed", BIND(seed), "seed of data, initialisation and batching", {0, 9.2e18}),
    };
    return keys;
}

const ConfigKey& configKey(const std::string& path) {
    for (const auto& entry : configKeys())
        if (entry.key == path)
            return entry;
    throw std::out_of_range("no config key " + path);
}

const std::vector<TaskKey>& taskKeys() {
    static const std::vector<TaskKey> keys = {
        declare<TaskEntry>("task", BIND(task), "ari, ed or lis", {}, taskNames()),
        declare<TaskEntry>("weight", BIND(weight), "loss weight of this task in multitask runs",
                           {0, 1e6}),
        declare<TaskEntry>("modulus", BIND(options.modulus), "ARI: arithmetic modulo this prime",
                           {2, 1000}),
        declare<TaskEntry>("lis_value_range", BIND(options.lisValueRange),
                           "LIS: values lie below this", {2, 100000}),
    };
    return keys;
}

#undef BIND

void checkConfigValue(const json& defaultValue, double minimum, double maximum,
                      const std::vector<std::string>& choices, const json& value,
                      const std::string& path) {
    if (defaultValue.is_boolean() && !value.is_boolean())
        fail(path, "expected true or false, got " + quoted(value));
    if (defaultValue.is_string() && !value.is_string())
        fail(path, "expected a string, got " + quoted(value));
    if (defaultValue.is_number_integer() &&
        !(value.is_number_integer() ||
          (value.is_number_float() && std::floor(value.get<double>()) == value.get<double>())))
        fail(path, "expected an integer, got " + quoted(value));
    if (defaultValue.is_number_float() && !value.is_number())
        fail(path, "expected a number, got " + quoted(value));
    if (value.is_number()) {
        const double number = value.get<double>();
        if (number < minimum || number > maximum)
            fail(path, quoted(value) + " is outside [" + json(minimum).dump() + ", " +
                           json(maximum).dump() + "]");
    }
    if (value.is_string() && !choices.empty() &&
        std::find(choices.begin(), choices.end(), value.get<std::string>()) == choices.end()) {
        std::string list;
        for (const auto& choice : choices)
            list += (list.empty() ? "" : ", ") + (choice.empty() ? "\"\"" : choice);
        fail(path, "'" + value.get<std::string>() + "' is not one of " + list);
    }
}

namespace {
constexpr const char* kModelPrefix = "model.";
constexpr const char* kVocabularySize = "vocabulary_size";
} // namespace

json modelConfigToJson(const ModelConfig& model) {
    ExperimentConfig config;
    config.model = model;
    json result = {{kVocabularySize, model.vocabularySize}};
    for (const auto& entry : configKeys())
        if (entry.key.rfind(kModelPrefix, 0) == 0)
            result[entry.key.substr(std::string(kModelPrefix).size())] = entry.read(config);
    return result;
}

ModelConfig modelConfigFromJson(const json& given) {
    if (!given.is_object())
        throw std::invalid_argument("model: expected a JSON object, got " + quoted(given));
    ExperimentConfig config;
    for (const auto& [name, value] : given.items()) {
        const std::string path = kModelPrefix + name;
        if (name == kVocabularySize) {
            if (!value.is_number_integer())
                fail(path, "expected an integer, got " + quoted(value));
            config.model.vocabularySize = value.get<std::int64_t>();
            continue;
        }
        const auto found = std::find_if(configKeys().begin(), configKeys().end(),
                                        [&](const ConfigKey& entry) { return entry.key == path; });
        if (found == configKeys().end())
            fail(path, "unknown key");
        checkConfigValue(found->defaultValue, found->minimum, found->maximum, found->choices, value,
                         path);
        found->write(config, value);
    }
    config.model.validate();
    return config.model;
}

} // namespace relay
