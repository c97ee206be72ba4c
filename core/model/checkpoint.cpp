#include "model/checkpoint.h"

#include "model/archive_reader.h"
#include "model/checkpoint_format.h"
#include "model/checksum.h"
#include "model/generator_state.h"
#include "tasks/atomic_file.h"
#include "version.h"

#include <torch/torch.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>
#include <string_view>

namespace relay {
namespace {

// How many mismatches one error message lists before it says "and N more".
constexpr std::size_t kListedMismatches = 6;

struct NamedTensor {
    std::string name;
    torch::Tensor tensor;
    bool isBuffer;
};

// Parameters first, then buffers, each in the module's registration order.
std::vector<NamedTensor> namedTensorsOf(const torch::nn::Module& module) {
    std::vector<NamedTensor> tensors;
    for (const auto& item : module.named_parameters(/*recurse=*/true))
        if (item.value().defined())
            tensors.push_back({item.key(), item.value(), false});
    for (const auto& item : module.named_buffers(/*recurse=*/true))
        if (item.value().defined())
            tensors.push_back({item.key(), item.value(), true});
    return tensors;
}

// The CUDA devices a module's tensors live on: the generators a checkpoint of it saves. Empty
// for a CPU module, so a CPU run on a GPU host leaves CUDA alone.
std::vector<int> cudaDevicesOf(const std::vector<NamedTensor>& tensors) {
    std::set<int> devices;
    for (const auto& entry : tensors)
        if (entry.tensor.is_cuda())
            devices.insert(entry.tensor.get_device());
    return {devices.begin(), devices.end()};
}

std::string shapeText(const std::vector<std::int64_t>& shape) {
    std::string text = "[";
    for (std::size_t index = 0; index < shape.size(); ++index)
        text += (index ? ", " : "") + std::to_string(shape[index]);
    return text + "]";
}

std::string kindOf(bool isBuffer) {
    return isBuffer ? "buffer" : "parameter";
}

// Every mismatch between the checkpoint's tensors and the module's, in one message.
void checkCompatibility(const std::vector<CheckpointTensorInfo>& stored,
                        const std::vector<NamedTensor>& wanted, const std::string& path) {
    std::map<std::string, const CheckpointTensorInfo*> storedByName;
    for (const auto& info : stored)
        storedByName[info.name] = &info;
    std::vector<std::string> problems;
    std::set<std::string> wantedNames;
    for (const auto& entry : wanted) {
        wantedNames.insert(entry.name);
        const auto found = storedByName.find(entry.name);
        const std::vector<std::int64_t> shape = entry.tensor.sizes().vec();
        if (found == storedByName.end())
            problems.push_back(kindOf(entry.isBuffer) + " '" + entry.name + "' " +
                               shapeText(shape) + " is missing from the checkpoint");
        else if (found->second->shape != shape)
            problems.push_back(kindOf(entry.isBuffer) + " '" + entry.name + "' has shape " +
                               shapeText(found->second->shape) + " in the checkpoint but " +
                               shapeText(shape) + " in the model");
    }
    for (const auto& info : stored)
        if (wantedNames.count(info.name) == 0)
            problems.push_back("the checkpoint has " + kindOf(info.isBuffer) + " '" + info.name +
                               "' " + shapeText(info.shape) + " that the model lacks");
    if (problems.empty())
        return;
    std::string message = "checkpoint '" + path + "' does not fit the model: ";
    for (std::size_t index = 0; index < problems.size() && index < kListedMismatches; ++index)
        message += (index ? "; " : "") + problems[index];
    if (problems.size() > kListedMismatches)
        message += "; and " + std::to_string(problems.size() - kListedMismatches) + " more";
    throw CheckpointError(message);
}

// The writer both serializers need: append to a string instead of going through a stream.
std::function<std::size_t(const void*, std::size_t)> appenderTo(std::string& bytes) {
    return [&bytes](const void* data, std::size_t size) {
        bytes.append(static_cast<const char*>(data), size);
        return size;
    };
}

std::string serializedOptimizer(const torch::optim::Optimizer& optimizer) {
    std::string bytes;
    torch::serialize::OutputArchive archive;
    optimizer.save(archive);
    archive.save_to(appenderTo(bytes));
    return bytes;
}

std::string serializedTensors(const std::vector<torch::Tensor>& tensors) {
    std::string bytes;
    torch::save(tensors, appenderTo(bytes));
    return bytes;
}

// The names LibTorch's AdamW writes into its archive: the fixed ones below, "params/N",
// "param_groups/N" and their "/size", and each parameter's key (its address when saved, e.g.
// "0x55d0c12a3b40"). The optimizer section is written again with these names as identifiers of
// the TorchScript source LibTorch then reads, so nothing else may pass.
bool isOptimizerName(const std::string& name) {
    static const std::set<std::string> fixed = {
        "pytorch_version", "state",          "param_groups", "options", "step", "exp_avg",
        "exp_avg_sq",      "max_exp_avg_sq", "lr",           "betas",   "eps",  "weight_decay",
        "amsgrad"};
    if (fixed.count(name) != 0)
        return true;
    const auto isDigits = [](std::string_view text) {
        return !text.empty() && text.size() <= 20 &&
               std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    for (std::string_view prefix : {"params/", "param_groups/"})
        if (name.rfind(prefix, 0) == 0) {
            const std::string_view rest = std::string_view(name).substr(prefix.size());
            return rest == "size" || isDigits(rest);
        }
    if (name.rfind("0x", 0) == 0 && name.size() > 2 && name.size() <= 18)
        return std::all_of(name.begin() + 2, name.end(),
                           [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
    return isDigits(name);
}

// A section's LibTorch archive read without its TorchScript (archive_reader.h).
ArchiveObject sectionArchive(std::string_view section, const char* name, const std::string& path) {
    try {
        return readArchive(section);
    } catch (const ArchiveError& error) {
        throw CheckpointError("checkpoint '" + path + "' is corrupted: its " + name +
                              " section: " + error.what());
    }
}

// The model section holds the tensors the metadata lists, saved under "0", "1", ... (values
// other than tensors, which no writer of ours adds, are ignored).
std::vector<torch::Tensor> modelTensors(const ArchiveObject& archive, std::size_t count,
                                        const std::string& path) {
    const std::string what = "checkpoint '" + path + "' is inconsistent: ";
    std::size_t held = 0;
    for (const auto& entry : archive)
        held += entry.value().isTensor() ? 1 : 0;
    if (held != count)
        throw CheckpointError(what + "its metadata lists " + std::to_string(count) +
                              " tensors but its model section holds " + std::to_string(held));
    std::vector<torch::Tensor> tensors;
    for (std::size_t index = 0; index < count; ++index) {
        const auto found = archive.find(std::to_string(index));
        if (found == archive.end() || !found->value().isTensor())
            throw CheckpointError(what + "its model section has no tensor " +
                                  std::to_string(index));
        tensors.push_back(found->value().toTensor());
    }
    return tensors;
}

// LibTorch 1.13 reads a parameter group's saved options but keeps the current ones (later
// versions restore them); without this a resumed run would lose the learning rate, betas and
// weight decay it was saved with. The archive layout is LibTorch's own, unchanged since 1.5.
void restoreGroupOptions(torch::serialize::InputArchive& archive,
                         torch::optim::Optimizer& optimizer) {
    torch::serialize::InputArchive groups;
    archive.read("param_groups", groups);
    auto& parameterGroups = optimizer.param_groups();
    for (std::size_t index = 0; index < parameterGroups.size(); ++index) {
        torch::serialize::InputArchive group;
        groups.read("param_groups/" + std::to_string(index), group);
        torch::serialize::InputArchive options;
        group.read("options", options);
        parameterGroups[index].options().serialize(options);
    }
}

// An archive object's member, or null (the archive reader guarantees only what it read).
const c10::IValue* memberOf(const ArchiveObject& object, const std::string& name) {
    const auto found = object.find(name);
    return found == object.end() ? nullptr : &found->value();
}

std::int64_t countOf(const c10::IValue* value) {
    return value != nullptr && value->isTensor() && value->toTensor().numel() == 1
               ? value->toTensor().item<std::int64_t>()
               : -1;
}

// The optimizer section must describe this optimizer: as many groups and parameters, and every
// moment (AdamW's exp_avg, exp_avg_sq, max_exp_avg_sq) of its parameter's shape. LibTorch
// checks only the counts; a moment of another shape would fail at the first step, far from
// the file, or broadcast silently. Checked before anything is changed.
void checkOptimizerState(const ArchiveObject& state, const torch::optim::Optimizer& optimizer,
                         const std::string& path) {
    const std::string what = "checkpoint '" + path + "' has an optimizer state that ";
    const c10::IValue* groups = memberOf(state, "param_groups");
    const c10::IValue* moments = memberOf(state, "state");
    if (groups == nullptr || !groups->isGenericDict() || moments == nullptr ||
        !moments->isGenericDict())
        throw CheckpointError(what + "lacks its 'param_groups' or 'state' object");
    const auto& wanted = optimizer.param_groups();
    const ArchiveObject groupObjects = groups->toGenericDict();
    const std::int64_t groupCount = countOf(memberOf(groupObjects, "param_groups/size"));
    if (groupCount != static_cast<std::int64_t>(wanted.size()))
        throw CheckpointError(what + "has " + std::to_string(groupCount) +
                              " parameter groups, the optimizer " + std::to_string(wanted.size()));
    const ArchiveObject momentObjects = moments->toGenericDict();
    for (std::size_t g = 0; g < wanted.size(); ++g) {
        const c10::IValue* group = memberOf(groupObjects, "param_groups/" + std::to_string(g));
        if (group == nullptr || !group->isGenericDict())
            throw CheckpointError(what + "lacks parameter group " + std::to_string(g));
        const ArchiveObject groupObject = group->toGenericDict();
        const auto& parameters = wanted[g].params();
        const std::int64_t count = countOf(memberOf(groupObject, "params/size"));
        if (count != static_cast<std::int64_t>(parameters.size()))
            throw CheckpointError(what + "lists " + std::to_string(count) +
                                  " parameters in group " + std::to_string(g) + ", the optimizer " +
                                  std::to_string(parameters.size()));
        for (std::size_t p = 0; p < parameters.size(); ++p) {
            const c10::IValue* key = memberOf(groupObject, "params/" + std::to_string(p));
            if (key == nullptr || !key->isString())
                throw CheckpointError(what + "has no key for parameter " + std::to_string(p) +
                                      " of group " + std::to_string(g));
            const c10::IValue* moment = memberOf(momentObjects, key->toStringRef());
            if (moment == nullptr)
                continue; // a parameter that has not been stepped yet has no moments
            if (!moment->isGenericDict())
                throw CheckpointError(what + "has a malformed state for parameter " +
                                      std::to_string(p));
            const ArchiveObject momentObject = moment->toGenericDict();
            for (const char* name : {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"}) {
                const c10::IValue* tensor = memberOf(momentObject, name);
                if (tensor == nullptr || !tensor->isTensor() || !tensor->toTensor().defined())
                    continue;
                const auto shape = tensor->toTensor().sizes().vec();
                if (shape != parameters[p].sizes().vec())
                    throw CheckpointError(what + "does not fit the model: '" + name +
                                          "' of parameter " + std::to_string(p) + " has shape " +
                                          shapeText(shape) + ", the parameter " +
                                          shapeText(parameters[p].sizes().vec()));
            }
        }
    }
}

std::string_view requiredSection(const DecodedCheckpoint& checkpoint, const char* name,
                                 const std::string& path) {
    const auto* section = checkpoint.find(name);
    if (section == nullptr)
        throw CheckpointError("checkpoint '" + path + "' has no '" + name + "' section");
    return *section;
}

// The archive reader already bounds every tensor by its data record; the values themselves
// must still be numbers (a damaged record under a recomputed checksum may hold anything).
void checkFinite(const torch::Tensor& tensor, const std::string& what) {
    if (tensor.is_floating_point() && !torch::isfinite(tensor).all().item<bool>())
        throw CheckpointError(what + " holds values that are not finite numbers (its bytes of "
                                     "data were damaged)");
}

// Tensors read back must be exactly what the metadata promised (a guard against writer bugs).
void checkLoadedTensors(const std::vector<torch::Tensor>& loaded,
                        const std::vector<CheckpointTensorInfo>& stored, const std::string& path) {
    if (loaded.size() != stored.size())
        throw CheckpointError("checkpoint '" + path + "' is inconsistent: its metadata lists " +
                              std::to_string(stored.size()) + " tensors but it holds " +
                              std::to_string(loaded.size()));
    for (std::size_t index = 0; index < loaded.size(); ++index) {
        const auto& tensor = loaded[index];
        const std::string what =
            "checkpoint '" + path + "' is inconsistent: tensor '" + stored[index].name + "'";
        if (tensor.sizes().vec() != stored[index].shape)
            throw CheckpointError(what + " has shape " + shapeText(tensor.sizes().vec()) +
                                  ", metadata says " + shapeText(stored[index].shape));
        if (std::string(c10::toString(tensor.scalar_type())) != stored[index].dataType)
            throw CheckpointError(what + " holds " + c10::toString(tensor.scalar_type()) +
                                  ", metadata says " + stored[index].dataType);
        checkFinite(tensor, what);
    }
}

} // namespace

std::string checkpointBytes(const torch::nn::Module& module,
                            const torch::optim::Optimizer* optimizer,
                            const CheckpointMetadata& metadata) {
    std::string bytes;
    try {
        CheckpointMetadata written = metadata;
        written.formatVersion = kCheckpointFormatVersion;
        written.engineVersion = engineVersion();
        written.hasOptimizerState = optimizer != nullptr;
        written.tensors.clear();
        std::vector<torch::Tensor> cpuTensors;
        for (const auto& entry : namedTensorsOf(module)) {
            written.tensors.push_back({entry.name, entry.tensor.sizes().vec(),
                                       std::string(c10::toString(entry.tensor.scalar_type())),
                                       entry.isBuffer});
            // The file never depends on the device it was written from.
            cpuTensors.push_back(entry.tensor.detach().to(torch::kCPU).contiguous());
        }

        std::vector<CheckpointSection> sections;
        sections.push_back({kMetadataSection, encodeMetadata(written)});
        sections.push_back({kModelSection, serializedTensors(cpuTensors)});
        if (optimizer != nullptr)
            sections.push_back({kOptimizerSection, serializedOptimizer(*optimizer)});
        for (auto& section : generatorSections(cudaDevicesOf(namedTensorsOf(module))))
            sections.push_back(std::move(section));
        bytes = encodeCheckpoint(sections);
    } catch (const c10::Error& error) {
        throw CheckpointError(std::string("cannot encode a checkpoint: ") +
                              error.what_without_backtrace());
    }
    return bytes;
}

std::string saveCheckpoint(const std::string& path, const torch::nn::Module& module,
                           const torch::optim::Optimizer* optimizer,
                           const CheckpointMetadata& metadata) {
    std::string bytes;
    try {
        bytes = checkpointBytes(module, optimizer, metadata);
    } catch (const CheckpointError& error) {
        throw CheckpointError("cannot write checkpoint '" + path + "': " + error.what());
    }
    try {
        writeFileAtomically(path, bytes);
    } catch (const std::runtime_error& error) {
        throw CheckpointError("cannot write checkpoint '" + path + "': " + error.what());
    }
    return checksumHex(storedChecksum(bytes));
}

CheckpointMetadata loadCheckpoint(const std::string& path, torch::nn::Module& module,
                                  torch::optim::Optimizer* optimizer, c10::Device device,
                                  const CheckpointLoadOptions& options) {
    return loadCheckpointBytes(readCheckpointBytes(path), path, module, optimizer, device, options);
}

CheckpointMetadata loadCheckpointBytes(const std::string& bytes, const std::string& path,
                                       torch::nn::Module& module,
                                       torch::optim::Optimizer* optimizer, c10::Device device,
                                       const CheckpointLoadOptions& options) {
    const DecodedCheckpoint checkpoint = decodeCheckpoint(bytes, path);
    CheckpointMetadata metadata = metadataOf(checkpoint, path);
    const std::vector<NamedTensor> targets = namedTensorsOf(module);
    checkCompatibility(metadata.tensors, targets, path);
    if (optimizer != nullptr && !metadata.hasOptimizerState)
        throw CheckpointError("checkpoint '" + path +
                              "' holds no optimizer state (it was saved for inference only)");

    try {
        // Decode everything before touching the module, so a bad section changes nothing.
        const std::vector<torch::Tensor> loaded = modelTensors(
            sectionArchive(requiredSection(checkpoint, kModelSection, path), kModelSection, path),
            metadata.tensors.size(), path);
        checkLoadedTensors(loaded, metadata.tensors, path);
        std::map<std::string, torch::Tensor> loadedByName;
        for (std::size_t index = 0; index < loaded.size(); ++index)
            loadedByName[metadata.tensors[index].name] = loaded[index];
        torch::serialize::InputArchive optimizerArchive;
        if (optimizer != nullptr) {
            const ArchiveObject state = sectionArchive(
                requiredSection(checkpoint, kOptimizerSection, path), kOptimizerSection, path);
            checkOptimizerState(state, *optimizer, path);
            forEachTensor(state, [&](const std::string& name, const torch::Tensor& tensor) {
                checkFinite(tensor, "checkpoint '" + path + "' has a corrupted optimizer state: '" +
                                        name + "'");
            });
            std::string rewritten;
            try {
                rewritten = rewrittenArchive(state, isOptimizerName);
            } catch (const ArchiveError& error) {
                throw CheckpointError("checkpoint '" + path + "' is corrupted: its " +
                                      kOptimizerSection + " section: " + error.what());
            }
            optimizerArchive.load_from(rewritten.data(), rewritten.size(), device);
        }
        // CUDA generators only for a CUDA target: a CPU load on a GPU host leaves CUDA alone.
        std::vector<int> cudaDevices;
        if (device.is_cuda())
            cudaDevices.push_back(device.has_index() ? device.index() : 0);
        const GeneratorStates generators =
            options.restoreRandomState ? decodeGeneratorStates(checkpoint, path, cudaDevices)
                                       : GeneratorStates{};

        // Module::to keeps each parameter's identity, and copy_ writes in place, so an
        // optimizer already built on these parameters still refers to them.
        module.to(device);
        {
            torch::NoGradGuard noGradient;
            for (const auto& target : namedTensorsOf(module))
                target.tensor.copy_(loadedByName.at(target.name));
        }
        if (optimizer != nullptr) {
            optimizer->load(optimizerArchive);
            restoreGroupOptions(optimizerArchive, *optimizer);
        }
        if (options.restoreRandomState)
            restoreGeneratorStates(generators);
    } catch (const CheckpointError&) {
        throw;
    } catch (const c10::Error& error) {
        throw CheckpointError("cannot load checkpoint '" + path +
                              "': " + error.what_without_backtrace());
    } catch (const std::exception& error) {
        // Only the first line: LibTorch's errors may go on to quote code.
        const std::string what = error.what();
        throw CheckpointError("cannot load checkpoint '" + path +
                              "': " + what.substr(0, what.find('\n')));
    }
    return metadata;
}

} // namespace relay
