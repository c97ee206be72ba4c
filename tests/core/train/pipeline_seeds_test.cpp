// `relay pipeline --seeds 2` on tiny configs: each seed is an ordinary pipeline of its own (its
// runs trained with its seed), a cancel between seeds stops before the next one and a re-run
// skips what is finished, and the report over the seeds holds, cell by cell, the mean of what
// the seeds' own report.json files say.
#include "tiny_run_support.h"

#include "config/stored_config.h"
#include "train/pipeline_seeds.h"

#include <fstream>
#include <iterator>
#include <map>

namespace relay {
namespace {

using PipelineSeedsTest = test::TinyRunTest;

// Keeps every event; requests a cancel once seed `stopAfter`'s pipeline has reported.
class Recorder : public TrainingEvents {
public:
    Recorder(std::atomic<bool>& cancel, std::optional<std::uint64_t> stopAfter = std::nullopt)
        : m_cancel(cancel), m_stopAfter(stopAfter) {}
    void emit(const nlohmann::json& event) override {
        events.push_back(event);
        if (m_stopAfter && event.value("stage", "") == "report" &&
            event.value("seed", std::uint64_t{0}) == *m_stopAfter)
            m_cancel.store(true);
    }
    // Stage events of seed `seed` in state `state`.
    int count(std::uint64_t seed, const std::string& state) const {
        int found = 0;
        for (const auto& event : events)
            found += event.value("event", "") == "stage" && event.contains("seed") &&
                     event.value("seed", std::uint64_t{0}) == seed &&
                     event.value("state", "") == state;
        return found;
    }
    std::vector<nlohmann::json> events;

private:
    std::atomic<bool>& m_cancel;
    std::optional<std::uint64_t> m_stopAfter;
};

nlohmann::json readJson(const std::string& path) {
    std::ifstream in(path);
    EXPECT_TRUE(in.good()) << path;
    return nlohmann::json::parse(in);
}

// Run id -> the seed its stored config trained with, for the runs tagged with `key`.
std::map<std::int64_t, std::uint64_t> seedsOfRuns(RunStore& store, const std::string& key) {
    std::map<std::int64_t, std::uint64_t> seeds;
    for (const auto& run : store.runs())
        if (("," + run.tags + ",").find(",pipeline:" + key + ",") != std::string::npos)
            seeds[run.id] = storedExperimentConfig(run.configJson, "run").seed;
    return seeds;
}

TEST_F(PipelineSeedsTest, EachSeedIsItsOwnPipelineAndTheReportIsTheirMean) {
    const auto config =
        test::tinyConfig({{"training", {{"steps", 6}}},
                          {"eval", {{"every", 3}}},
                          {"checkpoint", {{"every", 3}}},
                          {"stage2", {{"generated_samples", 12}, {"steps", 3}}},
                          {"pipeline", {{"seeds", 2}, {"parallel_stages", false}}}});
    PipelineRequest request;
    request.config = config;
    RunStore store(storeFile());

    // Cancelled once seed 7's pipeline has reported: seed 8 never starts.
    std::atomic<bool> cancel{false};
    Recorder first(cancel, 7);
    const auto stopped = runPipelineSeeds(store, request, first, cancel);
    EXPECT_EQ(stopped.status, RunStatus::Cancelled);
    EXPECT_EQ(stopped.message, "cancelled between seeds");
    ASSERT_EQ(stopped.seeds.size(), 1u);
    const std::string keySeven = stopped.seeds[0].key;
    const auto runsAfterFirst = store.runs().size();
    EXPECT_EQ(first.count(8, "started"), 0);
    const auto folder = defaultPipelineFolder(store.path(), pipelineSeedsKey(config, "pipeline"));
    EXPECT_FALSE(std::filesystem::exists(folder + "/report.json")); // written only when finished

    // Again: seed 7 is skipped stage by stage, seed 8 trains.
    cancel = false;
    Recorder second(cancel);
    const auto report = runPipelineSeeds(store, request, second, cancel);
    ASSERT_EQ(report.status, RunStatus::Finished) << report.message;
    ASSERT_EQ(report.seeds.size(), 2u);
    EXPECT_EQ(report.seeds[0].key, keySeven);
    const std::string keyEight = report.seeds[1].key;
    EXPECT_NE(keyEight, keySeven);
    EXPECT_EQ(report.seeds[0].seed, 7u);
    EXPECT_EQ(report.seeds[1].seed, 8u);
    // Six training stages (looped, vanilla, AR, the fine-tunes on all, label-free and verified
    // chains) and the generation.
    EXPECT_EQ(second.count(7, "skipped"), 7);
    EXPECT_EQ(second.count(8, "skipped"), 0);
    EXPECT_EQ(store.runs().size(), 2 * runsAfterFirst);
    const auto seven = seedsOfRuns(store, keySeven), eight = seedsOfRuns(store, keyEight);
    EXPECT_EQ(seven.size(), runsAfterFirst);
    EXPECT_EQ(eight.size(), runsAfterFirst);
    for (const auto& [run, seed] : seven)
        EXPECT_EQ(seed, 7u) << "run " << run;
    for (const auto& [run, seed] : eight)
        EXPECT_EQ(seed, 8u) << "run " << run;
    // A seed's pipeline is the one `--set seed=8` alone makes.
    auto alone = config;
    alone.seed = 8;
    alone.pipeline.seeds = 1;
    EXPECT_EQ(keyEight, pipelineKey(alone, "pipeline"));
    // The last event carries the report over the seeds.
    ASSERT_FALSE(second.events.empty());
    const auto& last = second.events.back();
    EXPECT_EQ(last.value("stage", ""), "report");
    EXPECT_FALSE(last.contains("seed"));
    EXPECT_EQ(last["report"], pipelineSeedsReportToJson(report));

    // Cell by cell, the written report is the mean of the two seeds' own report.json files.
    const auto written = readJson(folder + "/report.json");
    EXPECT_EQ(written["key"], report.key);
    const auto own7 = readJson(defaultPipelineFolder(store.path(), keySeven) + "/report.json");
    const auto own8 = readJson(defaultPipelineFolder(store.path(), keyEight) + "/report.json");
    ASSERT_EQ(written["columns"].size(), own7["columns"].size());
    ASSERT_EQ(written["rows"].size(), own7["rows"].size());
    int numbers = 0;
    for (std::size_t column = 0; column < written["columns"].size(); ++column) {
        const std::string title = written["columns"][column]["title"];
        ASSERT_EQ(own7["columns"][column]["title"], title);
        ASSERT_EQ(own8["columns"][column]["title"], title);
        EXPECT_EQ(written["columns"][column]["runs"][0], own7["columns"][column]["run"]);
        EXPECT_EQ(written["columns"][column]["runs"][1], own8["columns"][column]["run"]);
        for (std::size_t row = 0; row < written["rows"].size(); ++row) {
            const auto& a = own7["rows"][row]["values"][column];
            const auto& b = own8["rows"][row]["values"][column];
            const auto& mean = written["rows"][row]["values"][column];
            ASSERT_EQ(a.is_null(), b.is_null()) << title << " row " << row;
            if (a.is_null()) {
                EXPECT_TRUE(mean.is_null());
                continue;
            }
            ++numbers;
            EXPECT_NEAR(mean.get<double>(), (a.get<double>() + b.get<double>()) / 2, 1e-12)
                << title << " row " << row;
            const auto& cell = written["rows"][row]["cells"][column];
            EXPECT_EQ(cell["seeds"], nlohmann::json::array({a, b}));
            EXPECT_EQ(cell["min"], std::min(a.get<double>(), b.get<double>()));
            EXPECT_EQ(cell["max"], std::max(a.get<double>(), b.get<double>()));
        }
    }
    EXPECT_GT(numbers, 0);
    std::ifstream text(folder + "/report.txt");
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(text), {}), pipelineSeedsTable(report));

    // A third time: nothing trains, the same report.
    Recorder third(cancel);
    const auto again = runPipelineSeeds(store, request, third, cancel);
    EXPECT_EQ(store.runs().size(), 2 * runsAfterFirst);
    EXPECT_EQ(third.count(7, "skipped"), 7);
    EXPECT_EQ(third.count(8, "skipped"), 7);
    EXPECT_EQ(pipelineSeedsReportToJson(again)["rows"], written["rows"]);
}

} // namespace
} // namespace relay
