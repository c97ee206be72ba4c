// A pipeline whose config leaves no length above training for Stage II is refused before its
// first run trains, naming the key to change; a config with such a length is not refused.
#include "tiny_run_support.h"

#include "train/pipeline.h"

#include <stdexcept>

namespace relay {
namespace {

using PipelineConfigTest = test::TinyRunTest;

class NoEvents : public TrainingEvents {
public:
    void emit(const nlohmann::json&) override {}
};

std::string refusal(RunStore& store, const ExperimentConfig& config) {
    NoEvents events;
    std::atomic<bool> cancel{true}; // a pipeline that is not refused stops before its first stage
    try {
        runPipeline(store, PipelineRequest{config, "refused", ""}, events, cancel);
    } catch (const std::invalid_argument& error) {
        return error.what();
    }
    return "";
}

TEST_F(PipelineConfigTest, NoLengthAboveTrainingIsRefusedBeforeAnyRun) {
    RunStore store(storeFile());
    // Tests within training and Stage II left to its default (test_lengths.max).
    const auto defaulted = refusal(store, test::tinyConfig({{"test_lengths", {{"max", 2}}}}));
    EXPECT_NE(defaulted.find("'test_lengths.max'"), std::string::npos) << defaulted;
    EXPECT_NE(defaulted.find("(2)"), std::string::npos) << defaulted;
    EXPECT_TRUE(store.runs().empty());
}

TEST_F(PipelineConfigTest, ALengthAboveTrainingFromEitherKeyIsAccepted) {
    RunStore store(storeFile());
    EXPECT_EQ(refusal(store, test::tinyConfig()), ""); // test_lengths.max 3 > 2
    EXPECT_EQ(refusal(store, test::tinyConfig({{"test_lengths", {{"max", 2}}},
                                               {"stage2", {{"lengths_max", 3}}}})),
              "");
}

} // namespace
} // namespace relay
