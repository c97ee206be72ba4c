#include "config/config_schema.h"

#include "config/experiment_config.h"

#include <map>
#include <stdexcept>

namespace relay {

const std::vector<ConfigField>& configFields() {
    using nlohmann::json;
    static const std::vector<ConfigField> fields = {
        {"name", "", "a label for the run (defaults to kind-task-time)"},
        {"train_lengths.min", 1, "shortest training complexity", 1, 1000},
        {"train_lengths.max", 4, "longest training complexity (K_train)", 1, 1000},
        {"test_lengths.min", 1, "shortest evaluated complexity", 1, 1000},
        {"test_lengths.max", 8, "longest evaluated complexity (K_test)", 1, 1000},
        {"data.train_samples", 20000, "training problems, per length proportional to it", 1, 1e8},
        {"data.test_samples_per_length", 200, "test problems per length (disjoint from training)",
         1, 1e7},
        {"data.train_file", "",
         "train on this dataset file (JSONL or CoT_benchmark) instead of generated problems; "
         "test sets are still generated (Stage II fine-tuning sets are such files)"},
        {"data.probe_count", 6, "probe problems decoded at every evaluation for the viewer", 0,
         100},
        {"iterations.rule",
         "oracle",
         "inference loop count for the viewer and Stage II: oracle T, fixed N, adaptive "
         "(evaluation always reports oracle and adaptive)",
         0,
         0,
         {"oracle", "fixed", "adaptive"}},
        {"iterations.fixed", 0, "N for the fixed rule", 0, 10000},
        {"iterations.maximum", 0, "adaptive: run up to this many (0: T + max(2, T/2))", 0, 10000},
        {"objective.kind",
         "relay",
         "relay: L_ans + lambda L_iter; vanilla: L_ans only",
         0,
         0,
         {"relay", "vanilla"}},
        {"objective.lambda", 1.0, "weight of the iteration-alignment loss", 0, 1e6},
        {"objective.pad_targets",
         "marker",
         "looped: which <pad> left of a right-aligned step is scored; marker: only the one just "
         "before it (Eq. 6), all: every one, so the latent row must also clear what the step "
         "no longer holds",
         0,
         0,
         {"marker", "all"}},
        {"optimizer.learning_rate", 5e-4, "AdamW peak learning rate", 1e-9, 10},
        {"optimizer.weight_decay", 0.01, "AdamW weight decay", 0, 10},
        {"optimizer.beta1", 0.9, "AdamW beta1", 0, 0.999999},
        {"optimizer.beta2", 0.98, "AdamW beta2", 0, 0.999999},
        {"optimizer.epsilon", 1e-8, "AdamW epsilon", 1e-12, 1},
        {"schedule.warmup_ratio", 0.01, "linear warmup share of all steps, then linear decay", 0,
         1},
        {"schedule.warmup_steps", 0,
         "linear warmup over this many steps (0: use warmup_ratio); a short run keeps a warmup "
         "long enough for a high learning rate",
         0, 1e9},
        {"training.batch_size", 64, "problems per optimizer step", 1, 1e6},
        {"training.steps", 10000, "optimizer steps (ignored when epochs > 0)", 1, 1e9},
        {"training.epochs", 0, "passes over the training set; > 0 overrides steps", 0, 1e6},
        {"training.gradient_clip", 1.0, "global gradient-norm clip (0: off)", 0, 1e6},
        {"training.curriculum", false, "grow the training length range over time (Fan et al.)"},
        {"training.curriculum_start", 1, "curriculum: longest length at the start", 1, 1000},
        {"training.curriculum_grow_every", 500, "curriculum: steps between length increases", 1,
         1e9},
        {"eval.every", 500, "steps between evaluations", 1, 1e9},
        {"checkpoint.every", 1000, "steps between checkpoints", 1, 1e9},
        {"stage2.lengths_max", 0,
         "Stage II writes chains for lengths K_train+1 .. this (0: test_lengths.max)", 0, 1000},
        {"stage2.generated_samples", 2000,
         "generated chains in the fine-tuning set, split over lengths in the paper's Table 3 "
         "proportions",
         1, 1e8},
        {"stage2.original_samples", 0,
         "original-length problems in the fine-tuning set (0: the paper's share, 42.5%)", 0, 1e8},
        {"stage2.verified_only", false,
         "fine-tune only on generated chains the exact verifier accepts (our ablation)"},
        {"stage2.learning_rate", 1e-4, "AR fine-tuning peak learning rate (paper: 1e-4)", 1e-9, 10},
        {"stage2.steps", 2000, "AR fine-tuning optimizer steps", 1, 1e9},
        {"stage2.self_chain_phases", 5,
         "ar-self: phases of increasing length, one fine-tune each (paper: 5)", 1, 1000},
        {"stage2.self_chain_filter",
         "looped-vanilla",
         "ar-self keeps a chain when its answer matches the vanilla looped model's answer or "
         "the true answer",
         0,
         0,
         {"looped-vanilla", "true-answer"}},
        {"pipeline.self_chain", false, "relay pipeline also runs the ar-self baseline"},
        {"pipeline.vanilla_steps", 0,
         "relay pipeline: optimizer steps of the vanilla looped baseline (0: training.steps)", 0,
         1e9},
        {"pipeline.ar_steps", 0,
         "relay pipeline: optimizer steps of the AR baseline (0: training.steps)", 0, 1e9},
        {"pipeline.vanilla_curriculum_grow_every", 0,
         "relay pipeline: curriculum step interval of the vanilla looped baseline, so a shorter "
         "run still reaches every length (0: training.curriculum_grow_every)",
         0, 1e9},
        {"pipeline.ar_curriculum_grow_every", 0,
         "relay pipeline: curriculum step interval of the AR baseline (0: "
         "training.curriculum_grow_every)",
         0, 1e9},
        {"pipeline.parallel_stages", true,
         "relay pipeline trains independent stages at the same time, one CPU thread each (CPU "
         "only: on CUDA they run one at a time). They share LibTorch's random generator, so with "
         "dropout or rope-randomized a rerun draws differently; false reproduces exactly"},
        {"pipeline.verified_only_ablation", true,
         "relay pipeline also fine-tunes on verified chains only (a second ar-relay run)"},
        {"device", "auto", "cpu, cuda, cuda:N or auto"},
        {"precision",
         "bf16-autocast",
         "training arithmetic on CUDA; bf16-autocast: matmuls in bfloat16, reductions and "
         "softmax in float32; fp32: float32 throughout. CPU runs are always fp32",
         0,
         0,
         {"fp32", "bf16-autocast"}},
        {"threads", 0, "CPU threads (0: all cores)", 0, 1024},
        {"processes", 0,
         "data-parallel worker processes (relay train/pipeline/finetune --nproc); each trains "
         "a slice of every batch, with threads shared out (0: the default, on this machine " +
             std::to_string(defaultWorkerProcesses()) + ")",
         0, 1024},
        {"seed", 1, "seed of data, initialisation and batching", 0, 9.2e18},
    };
    return fields;
}

const ConfigField& configField(const std::string& key) {
    for (const auto& field : configFields())
        if (field.key == key)
            return field;
    throw std::out_of_range("no config field " + key);
}

const std::vector<ConfigField>& taskFields() {
    static const std::vector<ConfigField> fields = {
        {"task", "ari", "ari, ed or lis", 0, 0, {"ari", "ed", "lis"}},
        {"weight", 1.0, "loss weight of this task in multitask runs", 0, 1e6},
        {"modulus", 11, "ARI: arithmetic modulo this prime", 2, 1000},
        {"lis_value_range", 250, "LIS: values lie below this", 2, 100000},
    };
    return fields;
}

// What each model key means (the keys themselves come from modelConfigToJson).
std::string modelKeyMeaning(const std::string& key) {
    static const std::map<std::string, std::string> meanings = {
        {"hidden_size", "d, the width of the residual stream"},
        {"layers", "L transformer layers in the block every iteration reuses"},
        {"heads", "attention heads"},
        {"mlp_ratio", "MLP hidden size = mlp_ratio x hidden_size"},
        {"dropout", "dropout rate in attention and MLP outputs"},
        {"position_encoding", "rope | rope-randomized | none-directional (docs/method.md §6)"},
        {"ar_position_encoding",
         "AR runs only (baseline, fine-tunes): their position encoding; empty: the same as "
         "position_encoding. The paper's AR baseline uses rope."},
        {"input_injection", "none | add: every iteration sees e_0 again (Fan et al.)"},
        {"maximum_positions", "rope-randomized: positions are drawn from [0, this)"},
        {"random_positions_at_evaluation",
         "rope-randomized: draw random positions at evaluation too (false: 0..n-1)"},
        {"rope_base", "rotary base frequency"},
        {"separate_answer_head", "the answer has its own head (false: the CoT read-out answers)"},
        {"initialization", "small (N(0, 0.02), GPT-2) | torch-default (LibTorch's own)"},
        {"iteration_norm", "looped: a LayerNorm on the hidden state after every iteration"},
        {"tie_embeddings", "looped: the CoT read-out reuses the embedding matrix"},
    };
    auto found = meanings.find(key);
    return found == meanings.end() ? std::string() : found->second;
}

} // namespace relay
