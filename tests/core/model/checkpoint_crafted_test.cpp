// Crafted checkpoints (issue 17, crash 6): a tensor record inside the model or optimizer
// section cut short, with every checksum recomputed so the file passes the CRC. The loader
// once copied from such a record past the end of its storage (SIGSEGV when cut to 0 bytes,
// NaN confidences when cut to 8); it must refuse the file before any copy, naming it.
#include "checkpoint_test_support.h"

#include "model/checkpoint.h"
#include "model/checkpoint_format.h"

#include <caffe2/serialize/inline_container.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <sstream>

namespace relay {
namespace {

namespace fixture = checkpoint_fixture;

const torch::Device kCpu(torch::kCPU);

// A torch::save archive with record `victim` cut to `keptBytes` bytes (the others as they were).
std::string withRecordCut(std::string_view archive, const std::string& victim,
                          std::size_t keptBytes) {
    std::istringstream in{std::string(archive)};
    caffe2::serialize::PyTorchStreamReader reader(&in);
    std::string out;
    caffe2::serialize::PyTorchStreamWriter writer([&out](const void* data, std::size_t size) {
        out.append(static_cast<const char*>(data), size);
        return size;
    });
    writer.setMinVersion(reader.version());
    bool found = false;
    for (const auto& name : reader.getAllRecords()) {
        if (name == "version" || name == ".data/version" || name == ".data/serialization_id")
            continue; // the writer adds its own
        auto [data, size] = reader.getRecord(name);
        if (name == victim) {
            found = true;
            size = std::min(size, keptBytes);
        }
        writer.writeRecord(name, data.get(), size);
    }
    writer.writeEndOfFile();
    EXPECT_TRUE(found) << "no record " << victim;
    return out;
}

// The checkpoint at `path` with one section's payload replaced, every checksum recomputed.
std::string withSection(const std::string& bytes, const std::string& path,
                        const std::string& replaced, const std::string& payload) {
    const auto decoded = decodeCheckpoint(bytes, path);
    std::vector<CheckpointSection> sections;
    std::vector<std::string> names = {kMetadataSection, kModelSection, kOptimizerSection,
                                      kCpuGeneratorSection};
    for (int device = 0; device < 16; ++device)
        names.push_back(kCudaGeneratorSectionPrefix + std::to_string(device));
    for (const auto& name : names)
        if (const auto* section = decoded.find(name))
            sections.push_back({name, name == replaced ? payload : std::string(*section)});
    return encodeCheckpoint(sections);
}

struct Saved {
    fixture::ScratchFolder folder;
    std::string path = folder.file("sample.ckpt");
    std::string bytes;
    Saved() {
        fixture::StandIn model;
        auto optimizer = fixture::makeOptimizer(model);
        fixture::trainStep(model, optimizer);
        CheckpointMetadata metadata;
        metadata.step = 1;
        metadata.configJson = "{}";
        saveCheckpoint(path, *model, &optimizer, metadata);
        bytes = fixture::fileContents(path);
    }
    std::string section(const char* name) const {
        return std::string(*decodeCheckpoint(bytes, path).find(name));
    }
};

// The message of the CheckpointError loading `path` throws into a fresh model ("" if none).
std::string loadError(const std::string& path, bool withOptimizer) {
    fixture::StandIn model;
    auto optimizer = fixture::makeOptimizer(model);
    try {
        loadCheckpoint(path, *model, withOptimizer ? &optimizer : nullptr, kCpu);
    } catch (const CheckpointError& error) {
        return error.what();
    }
    return "";
}

TEST(CraftedCheckpoint, ModelRecordCutShortIsRefusedBeforeAnyCopy) {
    for (std::size_t kept : {std::size_t{0}, std::size_t{8}}) {
        Saved saved;
        const auto crafted = saved.folder.file("cut.ckpt");
        fixture::writeContents(
            crafted, withSection(saved.bytes, saved.path, kModelSection,
                                 withRecordCut(saved.section(kModelSection), "data/0", kept)));
        ASSERT_NO_THROW(readCheckpointMetadata(crafted)) << "the CRC must still match";
        const auto message = loadError(crafted, false);
        EXPECT_NE(message.find(crafted), std::string::npos) << kept << ": " << message;
        EXPECT_NE(message.find("bytes of data"), std::string::npos) << kept << ": " << message;
        EXPECT_NE(message.find("'embedding.weight'"), std::string::npos) << message;
    }
}

TEST(CraftedCheckpoint, OptimizerRecordCutShortIsRefused) {
    Saved saved;
    const auto crafted = saved.folder.file("cut.ckpt");
    fixture::writeContents(
        crafted, withSection(saved.bytes, saved.path, kOptimizerSection,
                             withRecordCut(saved.section(kOptimizerSection), "data/0", 0)));
    const auto message = loadError(crafted, true);
    EXPECT_NE(message.find(crafted), std::string::npos) << message;
}

TEST(CraftedCheckpoint, AnUncutRewriteStillLoads) {
    // The rewriting itself keeps a file loadable: the refusals above come from the cut.
    Saved saved;
    const auto rewritten = saved.folder.file("same.ckpt");
    fixture::writeContents(rewritten,
                           withSection(saved.bytes, saved.path, kModelSection,
                                       withRecordCut(saved.section(kModelSection), "data/0",
                                                     std::numeric_limits<std::size_t>::max())));
    EXPECT_EQ(loadError(rewritten, true), "");
}

} // namespace
} // namespace relay
