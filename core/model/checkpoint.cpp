#include "model/checkpoint.h"

#include "model/checkpoint_format.h"
#include "model/checksum.h"
#include "model/generator_state.h"
#include "tasks/atomic_file.h"
#include "version.h"

#include <caffe2/serialize/inline_container.h>
#include <torch/torch.h>

#include <algorithm>
#include <sstream>

#include <functional>
#include <map>
#include <set>

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

// LibTorch sizes a storage by the count its pickle claims, not by the bytes of the record that
// backs it: a record cut short under a recomputed checksum would be read past its end. So every
// storage record is first padded to `largest` bytes (the largest tensor the metadata lists),
// each storage read back must claim no more than that, and the padding, all 0xFF bytes, reads
// as NaN, which the finiteness check then reports (checkStorage).
std::string withPaddedStorages(std::string_view archive, std::size_t largest) {
    std::istringstream in{std::string(archive)};
    caffe2::serialize::PyTorchStreamReader reader(&in);
    std::string out;
    caffe2::serialize::PyTorchStreamWriter writer(appenderTo(out));
    writer.setMinVersion(reader.version());
    std::vector<char> padded;
    for (const auto& name : reader.getAllRecords()) {
        if (name == "version" || name == ".data/version" || name == ".data/serialization_id")
            continue; // the writer writes its own
        auto [data, size] = reader.getRecord(name);
        const char* bytes = static_cast<const char*>(data.get());
        if (name.rfind("data/", 0) == 0 && size < largest) {
            padded.assign(largest, static_cast<char>(0xFF));
            std::copy(bytes, bytes + size, padded.begin());
            writer.writeRecord(name, padded.data(), padded.size());
        } else {
            writer.writeRecord(name, bytes, size);
        }
    }
    writer.writeEndOfFile();
    return out;
}

std::vector<torch::Tensor> deserializedTensors(const std::string& bytes, torch::Device device) {
    std::vector<torch::Tensor> tensors;
    torch::load(tensors, bytes.data(), bytes.size(), device);
    return tensors;
}

// Bytes of the largest tensor the metadata lists (8 bytes an element: no dtype is wider).
std::size_t largestTensorBytes(const std::vector<CheckpointTensorInfo>& tensors) {
    std::size_t largest = 8;
    for (const auto& tensor : tensors) {
        std::size_t count = 1;
        for (auto extent : tensor.shape)
            count *= static_cast<std::size_t>(std::max<std::int64_t>(extent, 0));
        largest = std::max(largest, count * 8);
    }
    return largest;
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

std::string_view requiredSection(const DecodedCheckpoint& checkpoint, const char* name,
                                 const std::string& path) {
    const auto* section = checkpoint.find(name);
    if (section == nullptr)
        throw CheckpointError("checkpoint '" + path + "' has no '" + name + "' section");
    return *section;
}

// A tensor read from a file may claim a shape its stored bytes cannot hold (a record cut short
// under a recomputed checksum): copying from it would read past the end of the storage.
void checkStorage(const torch::Tensor& tensor, const std::string& what, std::size_t largest) {
    if (tensor.numel() == 0)
        return;
    if (!tensor.has_storage())
        throw CheckpointError(what + " has no data");
    std::int64_t lastElement = tensor.storage_offset();
    for (std::int64_t dimension = 0; dimension < tensor.dim(); ++dimension) {
        if (tensor.stride(dimension) < 0)
            throw CheckpointError(what + " has a negative stride");
        lastElement += (tensor.size(dimension) - 1) * tensor.stride(dimension);
    }
    const auto needed = static_cast<std::uint64_t>(lastElement + 1) * tensor.element_size();
    const auto held = static_cast<std::uint64_t>(tensor.storage().nbytes());
    if (needed > held || held > largest)
        throw CheckpointError(what + " needs " + std::to_string(needed) +
                              " bytes of data but the file holds " +
                              std::to_string(std::min<std::uint64_t>(held, largest)));
    if (tensor.is_floating_point() && !torch::isfinite(tensor).all().item<bool>())
        throw CheckpointError(what + " holds values that are not finite numbers (its bytes of "
                                     "data were cut short or damaged)");
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
        checkStorage(tensor, what, largestTensorBytes(stored));
    }
}

// Every optimizer moment must be backed by the bytes the file gave it. (The state is walked
// without its keys, whose type differs between LibTorch versions.)
void checkOptimizerState(const torch::optim::Optimizer& optimizer, const std::string& path,
                         std::size_t largest) {
    const std::string what = "checkpoint '" + path + "' has a corrupted optimizer state";
    for (const auto& entry : optimizer.state()) {
        const auto* adam = dynamic_cast<const torch::optim::AdamWParamState*>(entry.second.get());
        if (adam == nullptr)
            continue;
        checkStorage(adam->exp_avg(), what, largest);
        checkStorage(adam->exp_avg_sq(), what, largest);
        if (adam->max_exp_avg_sq().defined())
            checkStorage(adam->max_exp_avg_sq(), what, largest);
    }
}

} // namespace

std::string saveCheckpoint(const std::string& path, const torch::nn::Module& module,
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
        throw CheckpointError("cannot write checkpoint '" + path +
                              "': " + error.what_without_backtrace());
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
    const std::string bytes = readCheckpointBytes(path);
    const DecodedCheckpoint checkpoint = decodeCheckpoint(bytes, path);
    CheckpointMetadata metadata = metadataOf(checkpoint, path);
    const std::vector<NamedTensor> targets = namedTensorsOf(module);
    checkCompatibility(metadata.tensors, targets, path);
    if (optimizer != nullptr && !metadata.hasOptimizerState)
        throw CheckpointError("checkpoint '" + path +
                              "' holds no optimizer state (it was saved for inference only)");

    try {
        // Decode everything before touching the module, so a bad section changes nothing.
        const std::size_t largest = largestTensorBytes(metadata.tensors);
        std::vector<torch::Tensor> loaded = deserializedTensors(
            withPaddedStorages(requiredSection(checkpoint, kModelSection, path), largest), device);
        checkLoadedTensors(loaded, metadata.tensors, path);
        std::map<std::string, torch::Tensor> loadedByName;
        for (std::size_t index = 0; index < loaded.size(); ++index)
            loadedByName[metadata.tensors[index].name] = loaded[index];
        torch::serialize::InputArchive optimizerArchive;
        if (optimizer != nullptr) {
            const auto section =
                withPaddedStorages(requiredSection(checkpoint, kOptimizerSection, path), largest);
            optimizerArchive.load_from(section.data(), section.size(), device);
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
            checkOptimizerState(*optimizer, path, largest);
        }
        if (options.restoreRandomState)
            restoreGeneratorStates(generators);
    } catch (const CheckpointError&) {
        throw;
    } catch (const c10::Error& error) {
        throw CheckpointError("cannot load checkpoint '" + path +
                              "': " + error.what_without_backtrace());
    } catch (const std::exception& error) {
        // A damaged archive's TorchScript fails in LibTorch's parser, which throws its own
        // errors (their first line says what; the rest quotes the code).
        const std::string what = error.what();
        throw CheckpointError("cannot load checkpoint '" + path +
                              "': " + what.substr(0, what.find('\n')));
    }
    return metadata;
}

} // namespace relay
