// Crafted checkpoints (issue 17), every checksum recomputed so the file passes the CRC:
// - a tensor record inside the model or optimizer section cut short. The loader once copied
//   from such a record past the end of its storage (SIGSEGV when cut to 0 bytes, NaN
//   confidences when cut to 8); it must refuse the file before any copy, naming it.
// - damaged TorchScript source records. LibTorch's parser crashed (SIGSEGV) on one the fuzzer
//   found; the loader must never hand a file's source to LibTorch, so such a file loads.
#include "checkpoint_test_support.h"

#include "model/checkpoint.h"
#include "model/checkpoint_format.h"

#include <caffe2/serialize/inline_container.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <sstream>

namespace relay {
namespace {

namespace fixture = checkpoint_fixture;

using fixture::kCpu;

// A LibTorch archive written again with each record passed through `edit` (name, bytes).
std::string withRecordsEdited(std::string_view archive,
                              const std::function<void(const std::string&, std::string&)>& edit) {
    std::istringstream in{std::string(archive)};
    caffe2::serialize::PyTorchStreamReader reader(&in);
    std::string out;
    caffe2::serialize::PyTorchStreamWriter writer([&out](const void* data, std::size_t size) {
        out.append(static_cast<const char*>(data), size);
        return size;
    });
    writer.setMinVersion(reader.version());
    for (const auto& name : reader.getAllRecords()) {
        if (name == "version" || name == ".data/version" || name == ".data/serialization_id")
            continue; // the writer adds its own
        auto [data, size] = reader.getRecord(name);
        std::string bytes(static_cast<const char*>(data.get()), size);
        edit(name, bytes);
        writer.writeRecord(name, bytes.data(), bytes.size());
    }
    writer.writeEndOfFile();
    return out;
}

// A torch::save archive with record `victim` cut to `keptBytes` bytes (the others as they were).
std::string withRecordCut(std::string_view archive, const std::string& victim,
                          std::size_t keptBytes) {
    bool found = false;
    auto out = withRecordsEdited(archive, [&](const std::string& name, std::string& bytes) {
        if (name == victim) {
            found = true;
            bytes.resize(std::min(bytes.size(), keptBytes));
        }
    });
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
        EXPECT_NE(message.find("'data/0'"), std::string::npos) << message;
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

// The fuzzer's reproducer (tests/fuzz/corpus/checkpoint): its model section's source record
// misspells __parameters__, on which LibTorch 1.13's TorchScript parser crashed (SIGSEGV in
// torch::load), and it lacks the fuzz target's training seed's generator section. So a full
// load is refused for that, by name; without the generators it loads, model and optimizer, to
// the same state as the seed.
struct FuzzShapedImpl : torch::nn::Module {
    FuzzShapedImpl()
        : embedding(register_module("embedding", torch::nn::Embedding(5, 3))),
          linear(register_module("linear", torch::nn::Linear(3, 4))) {
        register_buffer("positions", torch::zeros({6}, torch::kLong));
    }
    torch::Tensor forward(const torch::Tensor& tokens) { return linear(embedding(tokens)).sum(); }
    torch::nn::Embedding embedding;
    torch::nn::Linear linear;
};
TORCH_MODULE(FuzzShaped);

TEST(CraftedCheckpoint, TheFuzzersTorchScriptParserCrashLoadsLikeItsSeed) {
    const std::string corpus = RELAY_FUZZ_CORPUS_DIR "/checkpoint/";
    const std::string reproducer = corpus + "checkpoint-torchscript-parser-segv.ckpt";
    const std::string seed = corpus + "training.ckpt";
    ASSERT_NE(fixture::fileContents(reproducer).find("__paaretmers__"), std::string::npos)
        << "the reproducer no longer holds the damaged record";
    std::vector<std::vector<torch::Tensor>> stepped;
    for (const auto& path : {reproducer, seed}) {
        FuzzShaped model;
        torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(0.5));
        if (path == reproducer) {
            try {
                loadCheckpoint(path, *model, &optimizer, kCpu);
                ADD_FAILURE() << "a file without generator states restored them";
            } catch (const CheckpointError& error) {
                EXPECT_NE(std::string(error.what()).find("no 'torch-cpu-generator' section"),
                          std::string::npos)
                    << error.what();
            }
        }
        EXPECT_NO_THROW(
            loadCheckpoint(path, *model, &optimizer, kCpu, {/*restoreRandomState=*/false}))
            << path;
        // One more step: the restored moments decide where it goes.
        optimizer.zero_grad();
        model->forward(torch::tensor({0, 1, 4}, torch::kLong)).backward();
        optimizer.step();
        std::vector<torch::Tensor> values;
        for (const auto& tensor : model->parameters())
            values.push_back(tensor.detach().clone());
        stepped.push_back(values);
    }
    ASSERT_EQ(stepped[0].size(), stepped[1].size());
    for (std::size_t index = 0; index < stepped[0].size(); ++index)
        EXPECT_TRUE(torch::equal(stepped[0][index], stepped[1][index])) << index;
}

// The same damage made here, in every source record of both sections: a loader that read a
// file's TorchScript again would fail on (or crash in) it without the fuzz file.
TEST(CraftedCheckpoint, SourceRecordsAreNeverRead) {
    fixture::ScratchFolder folder;
    const auto path = folder.file("saved.ckpt");
    torch::manual_seed(5);
    fixture::StandIn model;
    auto optimizer = fixture::makeOptimizer(model);
    fixture::trainStep(model, optimizer);
    CheckpointMetadata metadata;
    metadata.configJson = "{}";
    saveCheckpoint(path, *model, &optimizer, metadata);
    std::string bytes = fixture::fileContents(path);
    int damaged = 0;
    for (const char* section : {kModelSection, kOptimizerSection}) {
        const auto edited =
            withRecordsEdited(*decodeCheckpoint(bytes, path).find(section),
                              [&](const std::string& name, std::string& record) {
                                  const auto at = record.find("__parameters__");
                                  if (name.rfind("code/", 0) == 0 && at != std::string::npos) {
                                      record.replace(at, 14, "__paaretmers__");
                                      ++damaged;
                                  }
                              });
        bytes = withSection(bytes, path, section, edited);
    }
    ASSERT_GE(damaged, 2);
    const auto crafted = folder.file("crafted.ckpt");
    fixture::writeContents(crafted, bytes);

    // Resuming from the crafted file steps exactly as the saved run steps on.
    fixture::StandIn resumed;
    auto resumedOptimizer = fixture::makeOptimizer(resumed);
    ASSERT_NO_THROW(
        loadCheckpoint(crafted, *resumed, &resumedOptimizer, kCpu, {/*restoreRandomState=*/true}));
    torch::manual_seed(6);
    fixture::trainStep(model, optimizer);
    torch::manual_seed(6);
    fixture::trainStep(resumed, resumedOptimizer);
    const auto expected = model->parameters();
    const auto actual = resumed->parameters();
    for (std::size_t index = 0; index < expected.size(); ++index)
        EXPECT_TRUE(torch::equal(expected[index], actual[index])) << index;
}

// The optimizer section is written again for LibTorch with its attribute names as identifiers
// of source; a name AdamW never writes (here a Python keyword) is refused, not printed.
TEST(CraftedCheckpoint, AnOptimizerAttributeAdamWNeverWritesIsRefused) {
    Saved saved;
    fixture::StandIn model;
    auto optimizer = fixture::makeOptimizer(model);
    fixture::trainStep(model, optimizer);
    torch::serialize::OutputArchive archive;
    optimizer.save(archive);
    archive.write("def", c10::IValue(std::int64_t{1}));
    std::string section;
    archive.save_to([&section](const void* data, std::size_t size) {
        section.append(static_cast<const char*>(data), size);
        return size;
    });
    const auto crafted = saved.folder.file("crafted.ckpt");
    fixture::writeContents(crafted,
                           withSection(saved.bytes, saved.path, kOptimizerSection, section));
    const auto message = loadError(crafted, true);
    EXPECT_NE(message.find(crafted), std::string::npos) << message;
    EXPECT_NE(message.find("unexpected attribute 'def'"), std::string::npos) << message;
}

} // namespace
} // namespace relay
