#include "config/experiment_config.h"

#include "config/config_keys.h"
#include "config/stored_config.h"
#include "tasks/vocabulary.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

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

// A key this version does not have: one an earlier version dropped says why.
[[noreturn]] void failUnknownKey(const std::string& key) {
    for (const auto& [path, why] : droppedConfigKeys())
        if (path == key)
            fail(key,
                 "was removed in config version " + std::to_string(kConfigVersion) + ": " + why);
    fail(key, "unknown key");
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

void setPath(json& root, const std::string& key, const json& value) {
    json* node = &root;
    for (const auto& part : splitPath(key))
        node = &(*node)[part];
    *node = value;
}

json defaultTaskJson() {
    json task = json::object();
    for (const auto& entry : taskKeys())
        task[entry.key] = entry.defaultValue;
    return task;
}

// Unknown keys anywhere outside model/tasks (those two check their own).
void rejectUnknownKeys(const json& user, const json& defaults, const std::string& prefix) {
    if (!user.is_object())
        fail(prefix.empty() ? "(top level)" : prefix,
             "expected a JSON object, got " + quoted(user));
    for (const auto& [key, value] : user.items()) {
        std::string path = prefix.empty() ? key : prefix + "." + key;
        if (!defaults.contains(key))
            failUnknownKey(path);
        if (path == "tasks")
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
        TaskEntry entry;
        for (const auto& key : taskKeys()) {
            checkConfigValue(key.defaultValue, key.minimum, key.maximum, key.choices, task[key.key],
                             prefix + "." + key.key);
            key.write(entry, task[key.key]);
        }
        try {
            makeTask(entry.task, entry.options); // checks the name, and that the modulus is prime
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

// Rules between keys, after each key passed its own check.
void checkAcrossKeys(const ExperimentConfig& config) {
    if (config.trainLengths.min > config.trainLengths.max)
        fail("train_lengths.min", "is larger than train_lengths.max");
    if (config.testLengths.min > config.testLengths.max)
        fail("test_lengths.min", "is larger than test_lengths.max");
    if (config.iterations.rule == StoppingRule::Fixed && config.iterations.fixed < 1)
        fail("iterations.fixed", "must be at least 1 with the fixed rule");
    if (config.stage2.lengthsMax > 0 && config.stage2.lengthsMax <= config.trainLengths.max)
        fail("stage2.lengths_max", "must be above train_lengths.max (Stage II writes chains for "
                                   "longer problems)");
}

// The vocabulary covers every number the longest problem of any task can hold.
std::int64_t vocabularySizeFor(const ExperimentConfig& config) {
    const int longest =
        std::max({config.trainLengths.max, config.testLengths.max, config.stageTwoLengthsMax()});
    int largestNumber = 0;
    for (const auto& entry : config.tasks)
        largestNumber =
            std::max(largestNumber, makeTask(entry.task, entry.options)->largestNumber(longest));
    return Vocabulary::forLargestNumber(largestNumber).size();
}

} // namespace

TaskOptions ExperimentConfig::optionsOf(const std::string& task) const {
    for (const auto& entry : tasks)
        if (entry.task == task)
            return entry.options;
    return {};
}

std::int64_t ExperimentConfig::totalSteps() const {
    if (training.epochs <= 0)
        return training.steps;
    const std::int64_t perEpoch =
        (static_cast<std::int64_t>(data.trainSamples) + training.batchSize - 1) /
        training.batchSize;
    return std::max<std::int64_t>(1, perEpoch * training.epochs);
}

const json& defaultConfigJson() {
    static const json defaults = [] {
        const ExperimentConfig config;
        json root = json::object();
        for (const auto& entry : configKeys())
            setPath(root, entry.key, entry.read(config));
        root["tasks"] = json::array({defaultTaskJson()});
        return root;
    }();
    return defaults;
}

std::vector<std::pair<std::string, std::string>> describeConfig() {
    std::vector<std::pair<std::string, std::string>> lines;
    for (const auto& entry : configKeys())
        lines.emplace_back(entry.key, entry.defaultValue.dump() + "  " + entry.meaning);
    for (const auto& entry : taskKeys())
        lines.emplace_back("tasks[]." + entry.key,
                           entry.defaultValue.dump() + "  " + entry.meaning);
    return lines;
}

ExperimentConfig experimentConfigFromJson(const json& given) {
    const json& defaults = defaultConfigJson();
    checkLeaves(given, "", 0);
    json user = given;
    if (user.is_object() && user.contains(kConfigVersionKey)) {
        const json& version = user[kConfigVersionKey];
        if (!version.is_number_integer() || version.get<long long>() != kConfigVersion)
            fail(kConfigVersionKey,
                 quoted(version) + " is not this version's " + std::to_string(kConfigVersion) +
                     (version.is_number_integer() && version.get<long long>() < kConfigVersion
                          ? " (a stored run's config is migrated when the run is opened; "
                            "a config file must be brought up to date by hand)"
                          : ""));
        user.erase(kConfigVersionKey);
    }
    if (user.is_object() && user.contains("model") && user["model"].is_object() &&
        user["model"].contains("vocabulary_size"))
        fail("model.vocabulary_size", "is derived from the tasks; do not set it");
    rejectUnknownKeys(user, defaults, "");
    json merged = defaults;
    merged.merge_patch(user);
    if (user.contains("tasks"))
        merged["tasks"] = user["tasks"]; // lists replace, never merge
    // A section given as a scalar or list (`"model": 7`) would replace the whole section.
    for (const auto& [section, value] : defaults.items())
        if (value.is_object() && !merged[section].is_object())
            fail(section, "expected a JSON object of " + section + ".* keys");

    ExperimentConfig config;
    for (const auto& entry : configKeys()) {
        const json& value = *find(merged, entry.key);
        checkConfigValue(entry.defaultValue, entry.minimum, entry.maximum, entry.choices, value,
                         entry.key);
        entry.write(config, value);
    }
    config.tasks = readTasks(merged["tasks"]);
    checkAcrossKeys(config);
    config.model.vocabularySize = vocabularySizeFor(config);
    try {
        config.model.validate();
    } catch (const std::invalid_argument& error) {
        throw std::invalid_argument(std::string("config key ") + error.what());
    }
    return config;
}

json experimentConfigToJson(const ExperimentConfig& config) {
    json root = json::object();
    root[kConfigVersionKey] = kConfigVersion;
    for (const auto& entry : configKeys())
        setPath(root, entry.key, entry.read(config));
    root["tasks"] = json::array();
    for (const auto& task : config.tasks) {
        json item = json::object();
        for (const auto& entry : taskKeys())
            item[entry.key] = entry.read(task);
        root["tasks"].push_back(item);
    }
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
            failUnknownKey(key);
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

int defaultWorkerProcesses(int batchSize) {
    // One process per core, each with one thread, while every process keeps at least 32
    // examples of a step. Measured on a quiet 2-core machine (`relay train`, cpu-quick-ari on
    // 1-4 operators, batch 64, two interleaved rounds): 2 processes x 1 thread 1,696 and 1,652
    // examples/s, 1 x 1 1,071 and 1,090, 1 x 2 873 and 1,055. LibTorch's threads gain little
    // on a small model's many small operations; processes split them. Below 32 examples a
    // worker's per-example speed falls off (`relay bench --batch`: 908 at 32, 1,008 at 64).
    constexpr int kExamplesPerWorker = 32;
    const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    return std::max(1, std::min(cores, batchSize / kExamplesPerWorker));
}

int workerProcesses(const ExperimentConfig& config) {
    return config.processes > 0 ? config.processes
                                : defaultWorkerProcesses(config.training.batchSize);
}

int pipelineWorkerProcesses(const ExperimentConfig& config) {
    if (config.processes == 0 && config.pipeline.parallelStages)
        return 1;
    return workerProcesses(config);
}

} // namespace relay
