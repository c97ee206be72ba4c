// Checkpoints that must not load: flipped bytes, truncated files, models of another shape,
// files that are not checkpoints, and writes that fail half way (the old file must survive).
#include "checkpoint_test_support.h"

#include "model/checkpoint.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <sys/resource.h>
#include <vector>

namespace relay {
namespace {

namespace fixture = checkpoint_fixture;

using fixture::ScratchFolder;
using fixture::StandIn;

using fixture::kCpu;

// Saves a trained stand-in with optimizer state; returns the file's bytes.
std::string saveSample(const std::string& path, StandIn& model) {
    auto optimizer = fixture::makeOptimizer(model);
    fixture::trainStep(model, optimizer);
    CheckpointMetadata metadata;
    metadata.step = 1;
    metadata.configJson = R"({"model":{"width":8}})";
    saveCheckpoint(path, *model, &optimizer, metadata);
    return fixture::fileContents(path);
}

// The message of the CheckpointError that loading `path` into `model` throws ("" if none).
std::string loadError(const std::string& path, StandIn& model) {
    try {
        loadCheckpoint(path, *model, nullptr, kCpu);
    } catch (const CheckpointError& error) {
        return error.what();
    }
    return "";
}

std::string metadataError(const std::string& path) {
    try {
        readCheckpointMetadata(path);
    } catch (const CheckpointError& error) {
        return error.what();
    }
    return "";
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(Checkpoint, RejectsAFlippedByteAnywhere) {
    ScratchFolder folder;
    const auto path = folder.file("flip.ckpt");
    StandIn saved;
    const std::string bytes = saveSample(path, saved);
    const std::size_t size = bytes.size();
    ASSERT_GT(size, 1000u);
    // The model section's table entry: u32 name length 5, then its name.
    const std::size_t modelSection = bytes.find(std::string("\x05\0\0\0model", 9));
    ASSERT_NE(modelSection, std::string::npos);
    // Magic, version, size and section table; then metadata JSON, tensors and checksum.
    std::vector<std::size_t> offsets = {0, 5, 8, 12, 19, 20, 24, 30};
    for (const std::size_t offset : {bytes.find("\"config\""), bytes.find("width"),
                                     modelSection + 64, size / 2, size * 3 / 4, size - 5, size - 1})
        offsets.push_back(offset);
    StandIn target;
    const auto before = fixture::evaluate(target);
    for (const std::size_t offset : offsets) {
        ASSERT_LT(offset, size);
        std::string damaged = bytes;
        damaged[offset] = static_cast<char>(damaged[offset] ^ 0x10);
        fixture::writeContents(path, damaged);
        const std::string error = loadError(path, target);
        EXPECT_TRUE(contains(error, path)) << "offset " << offset << ": '" << error << "'";
        EXPECT_TRUE(contains(error, "corrupted") || contains(error, "not a RELAY checkpoint"))
            << "offset " << offset << ": " << error;
        EXPECT_TRUE(contains(metadataError(path), path)) << "offset " << offset;
    }
    EXPECT_TRUE(torch::equal(fixture::evaluate(target), before)); // never half-loaded
}

TEST(Checkpoint, RejectsATruncatedFile) {
    ScratchFolder folder;
    const auto path = folder.file("short.ckpt");
    StandIn saved;
    const std::string bytes = saveSample(path, saved);
    StandIn target;
    for (const std::size_t length : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{8},
                                     std::size_t{23}, std::size_t{27}, bytes.size() / 3,
                                     bytes.size() / 2, bytes.size() - 4, bytes.size() - 1}) {
        fixture::writeContents(path, bytes.substr(0, length));
        const std::string error = loadError(path, target);
        EXPECT_TRUE(contains(error, path)) << "length " << length << ": '" << error << "'";
        EXPECT_TRUE(contains(error, "truncated")) << "length " << length << ": " << error;
        EXPECT_TRUE(contains(metadataError(path), "truncated")) << "length " << length;
    }
}

TEST(Checkpoint, RejectsAModelOfAnotherShapeNamingTheParameter) {
    ScratchFolder folder;
    const auto path = folder.file("narrow.ckpt");
    StandIn narrow(8, 11);
    saveSample(path, narrow);

    StandIn wide(16, 11);
    const auto before = fixture::evaluate(wide);
    const std::string error = loadError(path, wide);
    EXPECT_TRUE(contains(error, path)) << error;
    EXPECT_TRUE(contains(error, "parameter 'head.weight' has shape [11, 8] in the checkpoint "
                                "but [11, 16] in the model"))
        << error;
    EXPECT_TRUE(contains(error, "buffer 'scale'")) << error;
    EXPECT_FALSE(contains(error, "head.bias")) << error; // it fits
    EXPECT_TRUE(torch::equal(fixture::evaluate(wide), before));
}

TEST(Checkpoint, RejectsMissingAndExtraParameters) {
    ScratchFolder folder;
    const auto plainPath = folder.file("plain.ckpt");
    const auto extraPath = folder.file("extra.ckpt");
    StandIn plain;
    saveSample(plainPath, plain);
    StandIn extended;
    extended->register_parameter("gate", torch::zeros({3}));
    saveSample(extraPath, extended);

    StandIn withGate;
    withGate->register_parameter("gate", torch::zeros({3}));
    EXPECT_TRUE(contains(loadError(plainPath, withGate),
                         "parameter 'gate' [3] is missing from the checkpoint"));
    StandIn withoutGate;
    EXPECT_TRUE(contains(loadError(extraPath, withoutGate),
                         "the checkpoint has parameter 'gate' [3] that the model lacks"));
}

TEST(Checkpoint, RejectsFilesThatAreNotCheckpoints) {
    ScratchFolder folder;
    StandIn model;
    const auto text = folder.file("notes.txt");
    fixture::writeContents(text, "step 1000: loss 0.25\n");
    const auto json = folder.file("config.json");
    fixture::writeContents(json, R"({"model":{"width":8}})");
    const auto tensorFile = folder.file("tensor.pt");
    torch::save(torch::ones({4}), tensorFile);
    for (const auto& path : {text, json, tensorFile}) {
        const std::string error = loadError(path, model);
        EXPECT_TRUE(contains(error, "'" + path + "' is not a RELAY checkpoint")) << error;
    }

    const auto empty = folder.file("empty.ckpt");
    fixture::writeContents(empty, "");
    EXPECT_TRUE(contains(loadError(empty, model), "is empty")) << loadError(empty, model);
    EXPECT_TRUE(contains(loadError(folder.file("absent.ckpt"), model), "does not exist"));
    EXPECT_TRUE(contains(loadError(folder.path().string(), model), "not a regular file"));
}

// Makes writes past `bytes` fail with EFBIG, as a full disk would, for its lifetime.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes) {
        getrlimit(RLIMIT_FSIZE, &m_saved);
        m_previousHandler = std::signal(SIGXFSZ, SIG_IGN); // an error instead of a kill
        rlimit limit = m_saved;
        limit.rlim_cur = bytes;
        setrlimit(RLIMIT_FSIZE, &limit);
    }
    ~FileSizeLimit() {
        setrlimit(RLIMIT_FSIZE, &m_saved);
        std::signal(SIGXFSZ, m_previousHandler);
    }
    FileSizeLimit(const FileSizeLimit&) = delete;
    FileSizeLimit& operator=(const FileSizeLimit&) = delete;

private:
    rlimit m_saved{};
    void (*m_previousHandler)(int) = nullptr;
};

TEST(Checkpoint, AFailedWriteKeepsTheExistingCheckpoint) {
    ScratchFolder folder;
    const auto path = folder.file("kept.ckpt");
    StandIn first;
    const std::string firstBytes = saveSample(path, first);
    ASSERT_GT(firstBytes.size(), 2048u);

    StandIn second;
    auto optimizer = fixture::makeOptimizer(second);
    CheckpointMetadata metadata;
    metadata.step = 2;
    std::string error;
    {
        FileSizeLimit limit(2048);
        try {
            saveCheckpoint(path, *second, &optimizer, metadata);
        } catch (const CheckpointError& thrown) {
            error = thrown.what();
        }
    }
    EXPECT_TRUE(contains(error, "cannot write checkpoint '" + path + "'")) << error;
    EXPECT_EQ(fixture::fileContents(path), firstBytes);
    EXPECT_EQ(folder.entryCount(), 1u); // the half-written temporary file is gone
    StandIn reloaded;
    loadCheckpoint(path, *reloaded, nullptr, kCpu);
    EXPECT_TRUE(torch::equal(fixture::evaluate(reloaded), fixture::evaluate(first)));
}

TEST(Checkpoint, AnUnwritablePathIsAnErrorNamingIt) {
    ScratchFolder folder;
    StandIn model;
    const auto missingFolder = folder.file("no-such-folder/model.ckpt");
    try {
        saveCheckpoint(missingFolder, *model, nullptr, {});
        FAIL() << "saved into a missing folder";
    } catch (const CheckpointError& error) {
        EXPECT_TRUE(contains(error.what(), missingFolder)) << error.what();
    }
    // The target is a folder: the rename fails after the temporary file was written.
    const auto folderTarget = folder.file("occupied");
    std::filesystem::create_directory(folderTarget);
    EXPECT_THROW(saveCheckpoint(folderTarget, *model, nullptr, {}), CheckpointError);
    EXPECT_EQ(folder.entryCount(), 1u);
}

// A crafted file whose optimizer moments have other shapes than their parameters (here: the
// optimizer that wrote it held the parameters in reverse order, so the counts agree). LibTorch
// would load it and fail, or broadcast, only at the first step.
TEST(Checkpoint, RejectsOptimizerMomentsOfAnotherShape) {
    ScratchFolder folder;
    const auto path = folder.file("moments.ckpt");
    StandIn saved;
    auto parameters = saved->parameters();
    std::reverse(parameters.begin(), parameters.end());
    torch::optim::AdamW reversed(parameters, torch::optim::AdamWOptions(1e-2));
    fixture::trainStep(saved, reversed);
    CheckpointMetadata metadata;
    metadata.step = 1;
    saveCheckpoint(path, *saved, &reversed, metadata);

    StandIn target;
    auto optimizer = fixture::makeOptimizer(target);
    const auto before = fixture::evaluate(target);
    try {
        loadCheckpoint(path, *target, &optimizer, kCpu);
        ADD_FAILURE() << "moments of another shape loaded";
    } catch (const CheckpointError& error) {
        // Parameter 0 is the embedding [11, 8]; the reversed optimizer's first is head.bias [11].
        EXPECT_TRUE(contains(error.what(), path)) << error.what();
        EXPECT_TRUE(contains(error.what(), "'exp_avg' of parameter 0 has shape [11], the "
                                           "parameter [11, 8]"))
            << error.what();
    }
    EXPECT_TRUE(torch::equal(fixture::evaluate(target), before)); // never half-loaded
    EXPECT_TRUE(optimizer.state().empty());
}

} // namespace
} // namespace relay
