// libFuzzer target: the checkpoint reader (container, metadata, the LibTorch archives of the
// model and optimizer, generator states) on crafted files. A CRC catches accidents, not crafted
// files, so the custom mutator below edits a file's sections, or single records inside their
// LibTorch archives, and re-encodes it with a correct size field and checksum: inputs reach the
// code behind the checksum instead of stopping at it.
//
// Each input is read as metadata alone, loaded into a fresh model without an optimizer, and
// into one with an AdamW optimizer. Bad input may only raise CheckpointError; a load that
// succeeds must leave finite weights in their original shapes and an optimizer that can step.
//
// The seed corpus (tests/fuzz/corpus/checkpoint) is written by this binary: run it with
// RELAY_FUZZ_WRITE_SEEDS=DIR to write fresh seeds of the current format there.
#include "model/checkpoint.h"
#include "model/checkpoint_format.h"
#include "model/checksum.h"

#include <caffe2/serialize/inline_container.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

using namespace relay;

extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t maxSize);

namespace {

// A small model with what the real ones hold: float weights of two ranks, an embedding and an
// integer buffer. Its values are fixed, so every input starts from the same state.
struct FuzzModel : torch::nn::Module {
    FuzzModel() {
        embedding = register_module("embedding", torch::nn::Embedding(5, 3));
        linear = register_module("linear", torch::nn::Linear(3, 4));
        positions = register_buffer("positions", torch::arange(6, torch::kLong));
        torch::NoGradGuard noGradient;
        for (auto& parameter : parameters())
            parameter.copy_(torch::linspace(-1.0, 1.0, parameter.numel()).view_as(parameter));
    }
    torch::Tensor forward(const torch::Tensor& tokens) { return linear(embedding(tokens)).sum(); }
    torch::nn::Embedding embedding{nullptr};
    torch::nn::Linear linear{nullptr};
    torch::Tensor positions;
};

std::unique_ptr<torch::optim::AdamW> optimizerFor(FuzzModel& model) {
    return std::make_unique<torch::optim::AdamW>(model.parameters(),
                                                 torch::optim::AdamWOptions(0.01));
}

void step(FuzzModel& model, torch::optim::Optimizer& optimizer) {
    optimizer.zero_grad();
    model.forward(torch::tensor({0, 1, 4}, torch::kLong)).backward();
    optimizer.step();
}

std::string fileContents(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

// Seeds: a training checkpoint (with optimizer state, after two steps) and an inference one.
void writeSeeds(const std::string& directory) {
    const std::string scratch = directory + "/.scratch.ckpt";
    for (bool withOptimizer : {true, false}) {
        torch::manual_seed(7);
        FuzzModel model;
        auto optimizer = optimizerFor(model);
        step(model, *optimizer);
        step(model, *optimizer);
        CheckpointMetadata metadata;
        metadata.step = 2;
        metadata.configJson = "{}";
        metadata.vocabularyJson = "[]";
        metadata.randomState = "1 2 3";
        metadata.scheduler = {2, 0.01, 1, 10};
        saveCheckpoint(scratch, model, withOptimizer ? optimizer.get() : nullptr, metadata);
        std::rename(scratch.c_str(),
                    (directory + (withOptimizer ? "/training.ckpt" : "/inference.ckpt")).c_str());
    }
}

// The sections of a file whose table can be read, checksum ignored; false when it cannot.
bool readSections(const std::string& bytes, std::vector<CheckpointSection>& sections) {
    std::string fixed = bytes;
    if (fixed.size() < 28)
        return false;
    const std::uint32_t checksum = crc32(std::string_view(fixed.data(), fixed.size() - 4));
    for (int index = 0; index < 4; ++index)
        fixed[fixed.size() - 4 + index] = static_cast<char>((checksum >> (8 * index)) & 0xFF);
    try {
        const DecodedCheckpoint decoded = decodeCheckpoint(fixed, "seed");
        for (const char* name :
             {kMetadataSection, kModelSection, kOptimizerSection, kCpuGeneratorSection})
            if (const auto* payload = decoded.find(name))
                sections.push_back({name, std::string(*payload)});
        return true;
    } catch (const CheckpointError&) {
        return false;
    }
}

// libFuzzer's own mutation of `bytes`, allowed to grow it by up to `growth` bytes.
void mutateBytes(std::string& bytes, std::size_t growth) {
    const std::size_t size = bytes.size();
    bytes.resize(size + growth);
    bytes.resize(
        LLVMFuzzerMutate(reinterpret_cast<std::uint8_t*>(bytes.data()), size, bytes.size()));
}

// One record of a LibTorch archive (the tensor bytes, the pickle, the version) mutated, the
// archive written again (its own CRCs correct). False when the archive cannot be read.
bool mutateArchiveRecord(std::string& archive, std::mt19937& random) {
    try {
        std::istringstream in(archive);
        caffe2::serialize::PyTorchStreamReader reader(&in);
        // The version records are the writer's own; every other record may be chosen.
        std::vector<std::string> names;
        for (const auto& name : reader.getAllRecords())
            if (name != "version" && name != ".data/version" && name != ".data/serialization_id")
                names.push_back(name);
        if (names.empty())
            return false;
        // The pickle half the time: it is what the loader interprets (the source records it
        // never reads).
        const bool hasPickle = std::find(names.begin(), names.end(), "data.pkl") != names.end();
        const std::string chosen =
            hasPickle && random() % 2 == 0 ? "data.pkl" : names[random() % names.size()];
        std::string out;
        caffe2::serialize::PyTorchStreamWriter writer([&out](const void* data, std::size_t size) {
            out.append(static_cast<const char*>(data), size);
            return size;
        });
        writer.setMinVersion(reader.version());
        for (const auto& name : names) {
            auto [data, size] = reader.getRecord(name);
            std::string record(static_cast<const char*>(data.get()), size);
            if (name == chosen)
                mutateBytes(record, 64);
            writer.writeRecord(name, record.data(), record.size());
        }
        writer.writeEndOfFile();
        archive = std::move(out);
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

// The whole file mutated as bytes, then (usually) its size field and checksum made right.
std::size_t mutateRaw(std::uint8_t* data, std::size_t size, std::size_t maxSize,
                      std::mt19937& random) {
    size = LLVMFuzzerMutate(data, size, maxSize);
    if (size < 28 || random() % 8 == 0)
        return size;
    if (random() % 4 != 0)
        for (int index = 0; index < 8; ++index)
            data[12 + index] = static_cast<std::uint8_t>((std::uint64_t{size} >> (8 * index)));
    const std::uint32_t checksum =
        crc32(std::string_view(reinterpret_cast<const char*>(data), size - 4));
    for (int index = 0; index < 4; ++index)
        data[size - 4 + index] = static_cast<std::uint8_t>(checksum >> (8 * index));
    return size;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    if (const char* directory = std::getenv("RELAY_FUZZ_WRITE_SEEDS")) {
        writeSeeds(directory);
        std::exit(0);
    }
    torch::set_num_threads(1);
    return 0;
}

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size,
                                               std::size_t maxSize, unsigned int seed) {
    std::mt19937 random(seed);
    std::vector<CheckpointSection> sections;
    const int choice = static_cast<int>(random() % 10);
    if (choice == 0 || !readSections(std::string(reinterpret_cast<char*>(data), size), sections) ||
        sections.empty())
        return mutateRaw(data, size, maxSize, random);

    auto& section = sections[random() % sections.size()];
    if (choice <= 2) { // the section table: drop, duplicate or rename a section
        const std::size_t index = random() % sections.size();
        if (choice == 1)
            sections.erase(sections.begin() + static_cast<std::ptrdiff_t>(index));
        else if (random() % 2)
            sections.push_back(sections[index]);
        else
            mutateBytes(sections[index].name, 8);
    } else if (choice <= 6 &&
               (section.name == kModelSection || section.name == kOptimizerSection)) {
        if (!mutateArchiveRecord(section.payload, random))
            mutateBytes(section.payload, 64);
    } else {
        mutateBytes(section.payload, 64);
    }
    const std::string encoded = encodeCheckpoint(sections);
    if (encoded.size() > maxSize)
        return mutateRaw(data, size, maxSize, random);
    std::memcpy(data, encoded.data(), encoded.size());
    return encoded.size();
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = "/tmp/relay-fuzz-checkpoint-" + std::to_string(getpid());
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    try {
        readCheckpointMetadata(path);
    } catch (const CheckpointError&) {
    }
    for (bool withOptimizer : {false, true}) {
        FuzzModel model;
        auto optimizer = optimizerFor(model);
        std::vector<std::vector<std::int64_t>> shapes;
        for (const auto& tensor : model.parameters())
            shapes.push_back(tensor.sizes().vec());
        try {
            loadCheckpoint(path, model, withOptimizer ? optimizer.get() : nullptr,
                           torch::Device(torch::kCPU));
        } catch (const CheckpointError&) {
            continue;
        }
        std::size_t index = 0;
        for (const auto& tensor : model.parameters())
            if (tensor.sizes().vec() != shapes[index++] ||
                !torch::isfinite(tensor).all().item<bool>())
                std::abort();
        if (withOptimizer)
            step(model, *optimizer); // a state the loader accepted must be usable
    }
    std::remove(path.c_str());
    return 0;
}
