#include "config/experiment_config.h"

#include "config/config_schema.h"
#include "tasks/vocabulary.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace relay {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& key, const std::string& message) {
    throw std::invalid_argument("config key '" + key + "': " + message);
}

// How deep a config may nest: the real one is three levels deep; far deeper input is hostile
// and would overflow the stack of every recursive JSON routine (copy, dump, compare).
constexpr int kMaximumConfigDepth = 16;
// How much of an offending value an error message quotes.
constexpr std::size_t kQuotedValueLength = 60;

// A value for an error message: never throws on invalid UTF-8, never floods the terminal.
std::string quoted(const json& value) {
    std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
    if (text.size() > kQuotedValueLength)
        text = text.substr(0, kQuotedValueLength) + "...";
    return text;
}

bool isValidUtf8(const std::string& text) {
    try {
        (void)json(text).dump();
        return true;
    } catch (const json::type_error&) {
        return false;
    }
}

// Nulls (which a merge would turn into deleted keys), strings that are not UTF-8 and
// nesting past kMaximumConfigDepth, each named by its key. Recursion stops at that depth.
void checkLeaves(const json& value, const std::string& key, int depth) {
    const std::string name = key.empty() ? "(top level)" : key;
    if (depth > kMaximumConfigDepth)
        fail(name, "nested deeper than " + std::to_string(kMaximumConfigDepth) + " levels");
    if (value.is_null())
        fail(name, "is null; give a value or leave the key out");
    if (value.is_string() && !isValidUtf8(value.get_ref<const std::string&>()))
        fail(name, "is not valid UTF-8 text");
    if (value.is_object())
        for (const auto& [child, item] : value.items()) {
            if (!isValidUtf8(child))
                fail(name, "has a key that is not valid UTF-8 text");
            checkLeaves(item, key.empty() ? child : key + "." + child, depth + 1);
        }
    if (value.is_array())
        for (std::size_t index = 0; index < value.size(); ++index)
            checkLeaves(value[index], (key.empty() ? "" : key + ".") + std::to_string(index),
                        depth + 1);
}

bool isIndex(const std::string& text) {
    return !text.empty() && text.size() < 10 &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<std::string> splitPath(const std::string& key) {
    std::vector<std::string> parts;
    std::stringstream stream(key);
    std::string part;
    while (std::getline(stream, part, '.'))
        parts.push_back(part);
    return parts;
}

json* find(json& root, const std::string& key) {
    json* node = &root;
    for (const auto& part : splitPath(key)) {
        if (!node->is_object() || !node->contains(part))
            return nullptr;
        node = &(*node)[part];
    }
    return node;
}

// Type and range of one leaf against its field.
void checkField(const ConfigField& field, const json& value, const std::string& key) {
    const json& model = field.defaultValue;
    if (model.is_boolean() && !value.is_boolean())
        fail(key, "expected true or false, got " + quoted(value));
    if (model.is_string() && !value.is_string())
        fail(key, "expected a string, got " + quoted(value));
    if (model.is_number_integer() &&
        !(value.is_number_integer() ||
          (value.is_number_float() && std::floor(value.get<double>()) == value.get<double>())))
        fail(key, "expected an integer, got " + quoted(value));
    if (model.is_number_float() && !value.is_number())
        fail(key, "expected a number, got " + quoted(value));
    if (value.is_number()) {
        double number = value.get<double>();
        if (number < field.minimum || number > field.maximum)
            fail(key, quoted(value) + " is outside [" + json(field.minimum).dump() + ", " +
                          json(field.maximum).dump() + "]");
    }
    if (value.is_string() && !field.choices.empty() &&
        std::find(field.choices.begin(), field.choices.end(), value.get<std::string>()) ==
            field.choices.end()) {
        std::string list;
        for (const auto& choice : field.choices)
            list += (list.empty() ? "" : ", ") + choice;
        fail(key, "'" + value.get<std::string>() + "' is not one of " + list);
    }
}

void setPath(json& root, const std::string& key, const json& value) {
    json* node = &root;
    for (const auto& part : splitPath(key))
        node = &(*node)[part];
    *node = value;
}

json defaultTaskJson() {
    json task = json::object();
    for (const auto& field : taskFields())
        task[field.key] = field.defaultValue;
    return task;
}

json modelDefaults() {
    json model = modelConfigToJson(ModelConfig{});
    model.erase("vocabulary_size"); // derived from the tasks, never set by hand
    return model;
}

// Unknown keys anywhere outside model/tasks (those two check their own).
void rejectUnknownKeys(const json& user, const json& defaults, const std::string& prefix) {
    if (!user.is_object())
        fail(prefix.empty() ? "(top level)" : prefix,
             "expected a JSON object, got " + quoted(user));
    for (const auto& [key, value] : user.items()) {
        std::string path = prefix.empty() ? key : prefix + "." + key;
        if (!defaults.contains(key))
            fail(path, "unknown key");
        if (path == "model" || path == "tasks")
            continue;
        if (defaults[key].is_object())
            rejectUnknownKeys(value, defaults[key], path);
    }
}

std::vector<TaskEntry> readTasks(const json& tasks) {
    if (!tasks.is_array() || tasks.empty())
        fail("tasks", "expected a non-empty list of task objects, got " + quoted(tasks));
    std::vector<TaskEntry> entries;
    for (std::size_t index = 0; index < tasks.size(); ++index) {
        std::string prefix = "tasks." + std::to_string(index);
        json task = defaultTaskJson();
        const json& given = tasks[index];
        if (given.is_string()) {
            task["task"] = given;
        } else {
            if (!given.is_object())
                fail(prefix, "expected a task object or name, got " + quoted(given));
            for (const auto& [key, value] : given.items()) {
                if (!task.contains(key))
                    fail(prefix + "." + key, "unknown key");
                task[key] = value;
            }
        }
        for (const auto& field : taskFields())
            checkField(field, task[field.key], prefix + "." + field.key);
        TaskEntry entry;
        entry.task = task["task"].get<std::string>();
        entry.weight = task["weight"].get<double>();
        entry.options.modulus = task["modulus"].get<int>();
        entry.options.lisValueRange = task["lis_value_range"].get<int>();
        try {
            makeTask(entry.task, entry.options); // checks e.g. that the modulus is prime
        } catch (const std::exception& error) {
            fail(prefix, error.what());
        }
        for (const auto& earlier : entries)
            if (earlier.task == entry.task)
                fail(prefix, "task '" + entry.task + "' is listed twice");
        entries.push_back(entry);
    }
    return entries;
}

} // namespace

std::int64_t ExperimentConfig::totalSteps() const {
    if (epochs <= 0)
        return steps;
    std::int64_t perEpoch = (static_cast<std::int64_t>(trainSamples) + batchSize - 1) / batchSize;
    return std::max<std::int64_t>(1, perEpoch * epochs);
}

const json& defaultConfigJson() {
    static const json defaults = [] {
        json root = json::object();
        for (const auto& field : configFields())
            setPath(root, field.key, field.defaultValue);
        root["tasks"] = json::array({defaultTaskJson()});
        root["model"] = modelDefaults();
        return root;
    }();
    return defaults;
}

std::vector<std::pair<std::string, std::string>> describeConfig() {
    std::vector<std::pair<std::string, std::string>> lines;
    for (const auto& field : configFields())
        lines.emplace_back(field.key, field.defaultValue.dump() + "  " + field.meaning);
    for (const auto& field : taskFields())
        lines.emplace_back("tasks[]." + field.key,
                           field.defaultValue.dump() + "  " + field.meaning);
    const json model = modelDefaults(); // items() must not outlive what it iterates
    for (const auto& [key, value] : model.items())
        lines.emplace_back("model." + key, value.dump() + "  " + modelKeyMeaning(key));
    return lines;
}

ExperimentConfig experimentConfigFromJson(const json& given) {
    const json& defaults = defaultConfigJson();
    checkLeaves(given, "", 0);
    // Keys an earlier version wrote into stored run configs and this one no longer has: dropped,
    // so old runs stay loadable.
    json user = given;
    if (user.is_object() && user.contains("training") && user["training"].is_object())
        user["training"].erase("ema_decay");
    rejectUnknownKeys(user, defaults, "");
    json merged = defaults;
    merged.merge_patch(user);
    if (user.contains("tasks"))
        merged["tasks"] = user["tasks"]; // lists replace, never merge
    // A section given as a scalar or list (`"model": 7`) would replace the whole section.
    for (const auto& [section, value] : defaults.items())
        if (value.is_object() && !merged[section].is_object())
            fail(section, "expected a JSON object of " + section + ".* keys");
    for (const auto& field : configFields())
        checkField(field, *find(merged, field.key), field.key);

    ExperimentConfig config;
    config.name = merged["name"];
    config.tasks = readTasks(merged["tasks"]);
    config.trainLengthMin = merged["train_lengths"]["min"];
    config.trainLengthMax = merged["train_lengths"]["max"];
    config.testLengthMin = merged["test_lengths"]["min"];
    config.testLengthMax = merged["test_lengths"]["max"];
    if (config.trainLengthMin > config.trainLengthMax)
        fail("train_lengths.min", "is larger than train_lengths.max");
    if (config.testLengthMin > config.testLengthMax)
        fail("test_lengths.min", "is larger than test_lengths.max");
    config.trainSamples = merged["data"]["train_samples"];
    config.testSamplesPerLength = merged["data"]["test_samples_per_length"];
    config.probeCount = merged["data"]["probe_count"];
    config.trainFile = merged["data"]["train_file"];
    config.iterationsRule = merged["iterations"]["rule"];
    config.fixedIterations = merged["iterations"]["fixed"];
    config.maximumIterations = merged["iterations"]["maximum"];
    if (config.iterationsRule == "fixed" && config.fixedIterations < 1)
        fail("iterations.fixed", "must be at least 1 with the fixed rule");
    config.objective = merged["objective"]["kind"];
    config.lambda = merged["objective"]["lambda"];
    config.padTargets = merged["objective"]["pad_targets"];
    config.optimizer.learningRate = merged["optimizer"]["learning_rate"];
    config.optimizer.weightDecay = merged["optimizer"]["weight_decay"];
    config.optimizer.beta1 = merged["optimizer"]["beta1"];
    config.optimizer.beta2 = merged["optimizer"]["beta2"];
    config.optimizer.epsilon = merged["optimizer"]["epsilon"];
    config.warmupRatio = merged["schedule"]["warmup_ratio"];
    config.warmupSteps = merged["schedule"]["warmup_steps"];
    config.batchSize = merged["training"]["batch_size"];
    config.steps = merged["training"]["steps"];
    config.epochs = merged["training"]["epochs"];
    config.gradientClip = merged["training"]["gradient_clip"];
    config.curriculum = merged["training"]["curriculum"];
    config.curriculumStartLength = merged["training"]["curriculum_start"];
    config.curriculumGrowEvery = merged["training"]["curriculum_grow_every"];
    config.evalEvery = merged["eval"]["every"];
    config.checkpointEvery = merged["checkpoint"]["every"];
    const json& stageTwo = merged["stage2"];
    config.stageTwo.lengthsMax = stageTwo["lengths_max"];
    config.stageTwo.generatedSamples = stageTwo["generated_samples"];
    config.stageTwo.originalSamples = stageTwo["original_samples"];
    config.stageTwo.verifiedOnly = stageTwo["verified_only"];
    config.stageTwo.learningRate = stageTwo["learning_rate"];
    config.stageTwo.steps = stageTwo["steps"];
    config.stageTwo.selfChainPhases = stageTwo["self_chain_phases"];
    config.stageTwo.selfChainFilter = stageTwo["self_chain_filter"];
    if (config.stageTwo.lengthsMax > 0 && config.stageTwo.lengthsMax <= config.trainLengthMax)
        fail("stage2.lengths_max", "must be above train_lengths.max (Stage II writes chains for "
                                   "longer problems)");
    config.pipeline.selfChain = merged["pipeline"]["self_chain"];
    config.pipeline.verifiedOnlyAblation = merged["pipeline"]["verified_only_ablation"];
    config.pipeline.parallelStages = merged["pipeline"]["parallel_stages"];
    config.pipeline.vanillaSteps = merged["pipeline"]["vanilla_steps"];
    config.pipeline.arSteps = merged["pipeline"]["ar_steps"];
    config.pipeline.vanillaCurriculumGrowEvery =
        merged["pipeline"]["vanilla_curriculum_grow_every"];
    config.pipeline.arCurriculumGrowEvery = merged["pipeline"]["ar_curriculum_grow_every"];
    config.device = merged["device"];
    config.precision = merged["precision"];
    config.threads = merged["threads"];
    config.processes = merged["processes"];
    config.seed = merged["seed"].get<std::uint64_t>();

    int longest =
        std::max({config.trainLengthMax, config.testLengthMax, config.stageTwoLengthsMax()});
    int largestNumber = 0;
    for (const auto& entry : config.tasks)
        largestNumber =
            std::max(largestNumber, makeTask(entry.task, entry.options)->largestNumber(longest));
    json model = merged["model"];
    if (model.contains("vocabulary_size"))
        fail("model.vocabulary_size", "is derived from the tasks; do not set it");
    model["vocabulary_size"] = Vocabulary::forLargestNumber(largestNumber).size();
    try {
        config.model = modelConfigFromJson(model);
    } catch (const std::invalid_argument& error) {
        throw std::invalid_argument(std::string("config key ") + error.what());
    }
    return config;
}

json experimentConfigToJson(const ExperimentConfig& config) {
    json root = defaultConfigJson();
    root["name"] = config.name;
    root["tasks"] = json::array();
    for (const auto& entry : config.tasks)
        root["tasks"].push_back({{"task", entry.task},
                                 {"weight", entry.weight},
                                 {"modulus", entry.options.modulus},
                                 {"lis_value_range", entry.options.lisValueRange}});
    root["train_lengths"] = {{"min", config.trainLengthMin}, {"max", config.trainLengthMax}};
    root["test_lengths"] = {{"min", config.testLengthMin}, {"max", config.testLengthMax}};
    root["data"] = {{"train_samples", config.trainSamples},
                    {"test_samples_per_length", config.testSamplesPerLength},
                    {"probe_count", config.probeCount},
                    {"train_file", config.trainFile}};
    root["iterations"] = {{"rule", config.iterationsRule},
                          {"fixed", config.fixedIterations},
                          {"maximum", config.maximumIterations}};
    root["objective"] = {
        {"kind", config.objective}, {"lambda", config.lambda}, {"pad_targets", config.padTargets}};
    root["optimizer"] = {{"learning_rate", config.optimizer.learningRate},
                         {"weight_decay", config.optimizer.weightDecay},
                         {"beta1", config.optimizer.beta1},
                         {"beta2", config.optimizer.beta2},
                         {"epsilon", config.optimizer.epsilon}};
    root["schedule"] = {{"warmup_ratio", config.warmupRatio}, {"warmup_steps", config.warmupSteps}};
    root["training"] = {{"batch_size", config.batchSize},
                        {"steps", config.steps},
                        {"epochs", config.epochs},
                        {"gradient_clip", config.gradientClip},
                        {"curriculum", config.curriculum},
                        {"curriculum_start", config.curriculumStartLength},
                        {"curriculum_grow_every", config.curriculumGrowEvery}};
    root["eval"] = {{"every", config.evalEvery}};
    root["checkpoint"] = {{"every", config.checkpointEvery}};
    root["stage2"] = {{"lengths_max", config.stageTwo.lengthsMax},
                      {"generated_samples", config.stageTwo.generatedSamples},
                      {"original_samples", config.stageTwo.originalSamples},
                      {"verified_only", config.stageTwo.verifiedOnly},
                      {"learning_rate", config.stageTwo.learningRate},
                      {"steps", config.stageTwo.steps},
                      {"self_chain_phases", config.stageTwo.selfChainPhases},
                      {"self_chain_filter", config.stageTwo.selfChainFilter}};
    root["pipeline"] = {
        {"self_chain", config.pipeline.selfChain},
        {"verified_only_ablation", config.pipeline.verifiedOnlyAblation},
        {"parallel_stages", config.pipeline.parallelStages},
        {"vanilla_steps", config.pipeline.vanillaSteps},
        {"ar_steps", config.pipeline.arSteps},
        {"vanilla_curriculum_grow_every", config.pipeline.vanillaCurriculumGrowEvery},
        {"ar_curriculum_grow_every", config.pipeline.arCurriculumGrowEvery}};
    root["device"] = config.device;
    root["precision"] = config.precision;
    root["threads"] = config.threads;
    root["processes"] = config.processes;
    root["seed"] = config.seed;
    json model = modelConfigToJson(config.model);
    model.erase("vocabulary_size");
    root["model"] = model;
    return root;
}

std::string jsonErrorText(const std::exception& error) {
    const std::string message = error.what();
    if (message.rfind("[json.exception.", 0) == 0)
        if (auto end = message.find("] "); end != std::string::npos)
            return message.substr(end + 2);
    return message;
}

json parseConfigJson(const std::string& text, const std::string& origin) {
    struct TooDeep {};
    // The parser itself keeps its own stack; this stops what would come after it.
    const json::parser_callback_t bounded = [](int depth, json::parse_event_t, json&) {
        if (depth > kMaximumConfigDepth)
            throw TooDeep{};
        return true;
    };
    try {
        return json::parse(text, bounded);
    } catch (const TooDeep&) {
        throw std::invalid_argument(origin + ": nested deeper than " +
                                    std::to_string(kMaximumConfigDepth) + " levels");
    } catch (const json::exception& error) { // parse_error, or out_of_range for 1e400
        throw std::invalid_argument(origin + ": not valid JSON (" + jsonErrorText(error) + ")");
    }
}

json loadConfigJson(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::invalid_argument("config file " + path + ": cannot be read");
    std::ostringstream text;
    text << in.rdbuf();
    return parseConfigJson(text.str(), "config file " + path);
}

void applyOverride(json& config, const std::string& assignment) {
    auto equals = assignment.find('=');
    if (equals == std::string::npos || equals == 0)
        throw std::invalid_argument("--set '" + assignment + "': expected key.path=value");
    std::string key = assignment.substr(0, equals);
    std::string text = assignment.substr(equals + 1);
    json value;
    try {
        value = parseConfigJson(text, "--set " + key);
    } catch (const std::invalid_argument&) {
        value = text; // a bare word is a string: --set device=cpu
    }
    if (key == "tasks" && value.is_string()) { // --set tasks=ari,ed
        json list = json::array();
        std::stringstream stream(text);
        std::string name;
        while (std::getline(stream, name, ','))
            list.push_back(json{{"task", name}});
        value = list;
    }
    auto parts = splitPath(key);
    const json* shape = &defaultConfigJson();
    for (const auto& part : parts) {
        if (shape->is_array() && !shape->empty())
            shape = &(*shape)[0]; // tasks.N.key
        else if (shape->is_object() && shape->contains(part))
            shape = &(*shape)[part];
        else
            fail(key, "unknown key");
    }
    json* node = &config;
    std::string reached;
    for (const auto& part : parts) {
        if (node->is_array()) {
            if (!isIndex(part))
                fail(key, "'" + part + "' is not a list index");
            std::size_t index = std::stoul(part);
            if (index >= node->size())
                fail(key, "no task entry " + part);
            node = &(*node)[index];
        } else if (!node->is_object() && !node->is_null()) {
            fail(key, "cannot set a key inside '" + reached + "', which is " + quoted(*node));
        } else {
            if (part == "tasks" && !node->contains("tasks"))
                (*node)["tasks"] = defaultConfigJson()["tasks"];
            node = &(*node)[part];
        }
        reached += (reached.empty() ? "" : ".") + part;
    }
    *node = value;
}

namespace {

std::vector<std::filesystem::path> presetFolders() {
    std::vector<std::filesystem::path> folders;
    if (const char* folder = std::getenv("RELAY_PRESETS_DIR"); folder && *folder)
        folders.emplace_back(folder);
#ifdef RELAY_SOURCE_PRESETS_DIR
    folders.emplace_back(RELAY_SOURCE_PRESETS_DIR);
#endif
#ifdef RELAY_INSTALLED_PRESETS_DIR
    folders.emplace_back(RELAY_INSTALLED_PRESETS_DIR);
#endif
    return folders;
}

} // namespace

json loadPreset(const std::string& name) {
    for (const auto& folder : presetFolders()) {
        auto path = folder / (name + ".json");
        if (std::filesystem::exists(path))
            return loadConfigJson(path.string());
    }
    std::string known;
    for (const auto& preset : presetNames())
        known += (known.empty() ? "" : ", ") + preset;
    throw std::invalid_argument("preset '" + name + "' not found (known: " + known + ")");
}

std::vector<std::string> presetNames() {
    std::vector<std::string> names;
    for (const auto& folder : presetFolders()) {
        std::error_code error;
        for (const auto& entry : std::filesystem::directory_iterator(folder, error))
            if (entry.path().extension() == ".json")
                names.push_back(entry.path().stem().string());
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

int defaultWorkerProcesses() {
    // One process until processes x threads has been measured on a quiet machine (`relay bench
    // --nproc N --threads T`); the shared build machine gave no usable figures.
    return 1;
}

} // namespace relay
