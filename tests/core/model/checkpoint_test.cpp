// Checkpoint round trips: identical outputs, identical optimizer continuation, restored random
// state, metadata without a model, and moving between CPU and CUDA.
#include "checkpoint_test_support.h"

#include "model/checkpoint.h"
#include "model/device.h"

#include <gtest/gtest.h>

#include <functional>

#include <random>
#include <sstream>

namespace relay {
namespace {

namespace fixture = checkpoint_fixture;

using fixture::ScratchFolder;
using fixture::StandIn;

CheckpointMetadata sampleMetadata(std::int64_t step) {
    CheckpointMetadata metadata;
    metadata.step = step;
    metadata.configJson = R"({"model":{"width":8},"seed":7})";
    metadata.vocabularyJson = R"(["<pad>","<sep>","<bos>"])";
    std::mt19937_64 engine(42);
    engine.discard(1000);
    std::ostringstream state;
    state << engine;
    metadata.randomState = state.str();
    metadata.scheduler = {step, 3e-4, 10, 1000};
    return metadata;
}

double& learningRateOf(torch::optim::AdamW& optimizer) {
    auto& options =
        static_cast<torch::optim::AdamWOptions&>(optimizer.param_groups().front().options());
    return options.lr();
}

void expectSameParameters(StandIn& left, StandIn& right) {
    const auto leftParameters = left->named_parameters();
    const auto rightParameters = right->named_parameters();
    ASSERT_EQ(leftParameters.size(), rightParameters.size());
    for (const auto& item : leftParameters)
        EXPECT_TRUE(torch::equal(item.value(), rightParameters[item.key()])) << item.key();
}

TEST(Checkpoint, RoundTripGivesIdenticalOutputsAndMetadata) {
    ScratchFolder folder;
    const auto path = folder.file("model.ckpt");
    torch::manual_seed(1);
    StandIn original;
    auto optimizer = fixture::makeOptimizer(original);
    fixture::trainStep(original, optimizer);
    const CheckpointMetadata written = sampleMetadata(1);
    const std::string checksum = saveCheckpoint(path, *original, &optimizer, written);

    torch::manual_seed(2);
    StandIn restored;
    ASSERT_FALSE(torch::equal(fixture::evaluate(original), fixture::evaluate(restored)));
    const CheckpointMetadata read =
        loadCheckpoint(path, *restored, nullptr, torch::Device(torch::kCPU));

    EXPECT_TRUE(torch::equal(fixture::evaluate(original), fixture::evaluate(restored)));
    EXPECT_TRUE(torch::equal(original->scale, restored->scale)); // buffers travel too
    EXPECT_EQ(read.step, 1);
    EXPECT_EQ(read.configJson, written.configJson);
    EXPECT_EQ(read.vocabularyJson, written.vocabularyJson);
    EXPECT_EQ(read.randomState, written.randomState);
    EXPECT_EQ(read.scheduler, written.scheduler);
    EXPECT_EQ(read.formatVersion, kCheckpointFormatVersion);
    EXPECT_EQ(read.checksumHex, checksum);
    EXPECT_EQ(checksum.size(), 8u);

    // The caller's std::mt19937_64 continues where it was.
    std::mt19937_64 expected(42);
    expected.discard(1000);
    std::mt19937_64 resumed;
    std::istringstream(read.randomState) >> resumed;
    EXPECT_EQ(resumed(), expected());
}

// Trains three steps, saves with `save`, trains two more; then builds a model and optimizer
// with another seed and learning rate, restores them with `load`, trains the same two steps and
// expects identical parameters.
void expectResumeLikeAnUninterruptedRun(
    const std::function<void(StandIn&, torch::optim::AdamW&)>& save,
    const std::function<void(StandIn&, torch::optim::AdamW&)>& load) {
    torch::manual_seed(3);
    StandIn uninterrupted;
    auto optimizer = fixture::makeOptimizer(uninterrupted);
    for (int step = 0; step < 3; ++step)
        fixture::trainStep(uninterrupted, optimizer);
    // As a learning-rate schedule would have left it.
    learningRateOf(optimizer) = 7e-3;
    save(uninterrupted, optimizer);

    // The uninterrupted run goes on first: both runs draw dropout masks from the one global
    // generator, so they cannot take turns.
    for (int step = 0; step < 2; ++step)
        fixture::trainStep(uninterrupted, optimizer);

    // A different seed and learning rate: everything must come from the checkpoint.
    torch::manual_seed(99);
    StandIn resumed;
    auto resumedOptimizer = fixture::makeOptimizer(resumed, 0.5);
    load(resumed, resumedOptimizer);
    EXPECT_EQ(learningRateOf(resumedOptimizer), 7e-3);
    EXPECT_EQ(resumedOptimizer.state().size(), resumed->parameters().size());
    for (int step = 0; step < 2; ++step)
        fixture::trainStep(resumed, resumedOptimizer);
    expectSameParameters(uninterrupted, resumed);
}

TEST(Checkpoint, OptimizerContinuesLikeAnUninterruptedRun) {
    ScratchFolder folder;
    const auto path = folder.file("resume.ckpt");
    expectResumeLikeAnUninterruptedRun(
        [&](StandIn& model, torch::optim::AdamW& optimizer) {
            saveCheckpoint(path, *model, &optimizer, sampleMetadata(3));
        },
        [&](StandIn& model, torch::optim::AdamW& optimizer) {
            loadCheckpoint(path, *model, &optimizer, torch::Device(torch::kCPU));
        });
}

// How rank 0 hands its training state to the other workers: the same format, in memory.
TEST(Checkpoint, BytesInMemoryResumeLikeAFile) {
    std::string bytes;
    expectResumeLikeAnUninterruptedRun(
        [&](StandIn& model, torch::optim::AdamW& optimizer) {
            bytes = checkpointBytes(*model, &optimizer, sampleMetadata(3));
        },
        [&](StandIn& model, torch::optim::AdamW& optimizer) {
            loadCheckpointBytes(bytes, "rank 0", *model, &optimizer, torch::Device(torch::kCPU));
        });
    // Damaged bytes are refused through the file's checks, naming their source.
    StandIn model;
    auto optimizer = fixture::makeOptimizer(model);
    fixture::trainStep(model, optimizer);
    bytes = checkpointBytes(*model, &optimizer, sampleMetadata(1));
    bytes[bytes.size() / 2] ^= 0x10;
    try {
        loadCheckpointBytes(bytes, "rank 0", *model, &optimizer, torch::Device(torch::kCPU));
        ADD_FAILURE() << "damaged bytes loaded";
    } catch (const CheckpointError& error) {
        EXPECT_NE(std::string(error.what()).find("'rank 0' is corrupted"), std::string::npos)
            << error.what();
    }
}

TEST(Checkpoint, RestoresTheTorchRandomState) {
    ScratchFolder folder;
    const auto path = folder.file("random.ckpt");
    torch::manual_seed(5);
    StandIn model;
    saveCheckpoint(path, *model, nullptr, sampleMetadata(0));
    const auto expected = torch::rand({6});
    torch::rand({100}); // move the generator on

    loadCheckpoint(path, *model, nullptr, torch::Device(torch::kCPU));
    EXPECT_TRUE(torch::equal(torch::rand({6}), expected));

    // Asked not to, loading leaves the generator exactly where it was.
    CheckpointLoadOptions keepRandomState;
    keepRandomState.restoreRandomState = false;
    torch::manual_seed(77);
    const auto untouched = torch::rand({6});
    torch::manual_seed(77);
    loadCheckpoint(path, *model, nullptr, torch::Device(torch::kCPU), keepRandomState);
    EXPECT_TRUE(torch::equal(torch::rand({6}), untouched));
}

TEST(Checkpoint, MetadataReadsWithoutAModel) {
    ScratchFolder folder;
    const auto path = folder.file("meta.ckpt");
    StandIn model(8, 11);
    auto optimizer = fixture::makeOptimizer(model);
    const std::string checksum = saveCheckpoint(path, *model, &optimizer, sampleMetadata(77));

    const CheckpointMetadata metadata = readCheckpointMetadata(path);
    EXPECT_EQ(metadata.step, 77);
    EXPECT_EQ(metadata.configJson, sampleMetadata(77).configJson);
    EXPECT_EQ(metadata.checksumHex, checksum);
    EXPECT_TRUE(metadata.hasOptimizerState);
    EXPECT_FALSE(metadata.engineVersion.empty());
    bool sawHead = false;
    bool sawBuffer = false;
    for (const auto& tensor : metadata.tensors) {
        if (tensor.name == "head.weight") {
            sawHead = true;
            EXPECT_EQ(tensor.shape, (std::vector<std::int64_t>{11, 8}));
            EXPECT_EQ(tensor.dataType, "Float");
        }
        sawBuffer = sawBuffer || (tensor.name == "scale" && tensor.isBuffer);
    }
    EXPECT_TRUE(sawHead);
    EXPECT_TRUE(sawBuffer);
}

TEST(Checkpoint, WeightsOnlyFileCannotResumeAnOptimizer) {
    ScratchFolder folder;
    const auto path = folder.file("weights.ckpt");
    torch::manual_seed(5);
    StandIn model;
    saveCheckpoint(path, *model, nullptr, sampleMetadata(0));
    EXPECT_FALSE(readCheckpointMetadata(path).hasOptimizerState);

    torch::manual_seed(6); // different initial weights
    StandIn other;
    auto optimizer = fixture::makeOptimizer(other);
    try {
        loadCheckpoint(path, *other, &optimizer, torch::Device(torch::kCPU));
        FAIL() << "a weights-only checkpoint resumed an optimizer";
    } catch (const CheckpointError& error) {
        EXPECT_NE(std::string(error.what()).find("no optimizer state"), std::string::npos)
            << error.what();
    }
    // Without an optimizer the weights load into a fresh model (not the one the refused load
    // touched): it then computes what the saved one did.
    torch::manual_seed(7);
    StandIn fresh;
    ASSERT_FALSE(torch::equal(fixture::evaluate(model), fixture::evaluate(fresh)));
    loadCheckpoint(path, *fresh, nullptr, torch::Device(torch::kCPU));
    expectSameParameters(model, fresh);
    EXPECT_TRUE(torch::equal(fixture::evaluate(model), fixture::evaluate(fresh)));
}

TEST(Checkpoint, SavingAgainReplacesTheFile) {
    ScratchFolder folder;
    const auto path = folder.file("again.ckpt");
    StandIn model;
    saveCheckpoint(path, *model, nullptr, sampleMetadata(1));
    saveCheckpoint(path, *model, nullptr, sampleMetadata(2));
    EXPECT_EQ(readCheckpointMetadata(path).step, 2);
    EXPECT_EQ(folder.entryCount(), 1u); // no temporary files left behind
}

TEST(Checkpoint, MovesFromCpuToCudaAndBack) {
    if (!cudaAvailable())
        GTEST_SKIP() << "CUDA is not available";
    ScratchFolder folder;
    const auto cpuPath = folder.file("cpu.ckpt");
    const auto cudaPath = folder.file("cuda.ckpt");
    torch::manual_seed(11);
    StandIn original;
    auto optimizer = fixture::makeOptimizer(original);
    fixture::trainStep(original, optimizer);
    saveCheckpoint(cpuPath, *original, &optimizer, sampleMetadata(1));
    const auto expected = fixture::evaluate(original);

    const torch::Device cuda(torch::kCUDA, 0);
    StandIn onCuda;
    onCuda->to(cuda);
    auto cudaOptimizer = fixture::makeOptimizer(onCuda);
    loadCheckpoint(cpuPath, *onCuda, &cudaOptimizer, cuda);
    EXPECT_EQ(onCuda->head->weight.device(), cuda);
    {
        torch::NoGradGuard noGradient;
        onCuda->eval();
        const auto output = onCuda->forward(fixture::sampleTokens().to(cuda)).cpu();
        EXPECT_TRUE(torch::allclose(output, expected, 1e-5, 1e-5));
    }
    saveCheckpoint(cudaPath, *onCuda, &cudaOptimizer, sampleMetadata(1));

    StandIn backOnCpu;
    auto cpuOptimizer = fixture::makeOptimizer(backOnCpu);
    loadCheckpoint(cudaPath, *backOnCpu, &cpuOptimizer, torch::Device(torch::kCPU));
    EXPECT_TRUE(torch::equal(fixture::evaluate(backOnCpu), expected));
    // The optimizer state made the trip as well: the same next step, with the same dropout.
    torch::manual_seed(12);
    fixture::trainStep(original, optimizer);
    torch::manual_seed(12);
    fixture::trainStep(backOnCpu, cpuOptimizer);
    expectSameParameters(original, backOnCpu);
}

} // namespace
} // namespace relay
