#include "train/pipeline_seeds.h"

#include "tasks/atomic_file.h"

#include <chrono>
#include <filesystem>

namespace relay {
namespace {

namespace fs = std::filesystem;

// Marks every event of one seed's pipeline with its seed, so a reader of the stream knows
// which seed a stage, a step or an error belongs to.
class SeedEvents : public TrainingEvents {
public:
    SeedEvents(TrainingEvents& inner, std::uint64_t seed) : m_inner(inner), m_seed(seed) {}
    void emit(const nlohmann::json& event) override {
        nlohmann::json tagged = event;
        tagged["seed"] = m_seed;
        m_inner.emit(tagged);
    }

private:
    TrainingEvents& m_inner;
    std::uint64_t m_seed;
};

nlohmann::json stageEvent(const std::string& key, const std::string& stage,
                          const std::string& state) {
    return {{"event", "stage"},
            {"stage", stage},
            {"state", state},
            {"pipeline", key},
            {"run", nullptr}};
}

} // namespace

std::string pipelineSeedsKey(const ExperimentConfig& config, const std::string& name) {
    return pipelineKey(config, name + "-seeds");
}

PipelineSeedsReport runPipelineSeeds(RunStore& store, const PipelineRequest& request,
                                     TrainingEvents& events, const std::atomic<bool>& cancel) {
    const auto started = std::chrono::steady_clock::now();
    const int count = request.config.pipeline.seeds;
    const std::string key = pipelineSeedsKey(request.config, pipelineName(request));
    const std::string folder =
        !request.folder.empty() ? request.folder : defaultPipelineFolder(store.path(), key);
    auto begin = stageEvent(key, "pipeline", "started");
    begin["folder"] = folder;
    begin["seeds"] = count;
    events.emit(begin);

    std::vector<std::uint64_t> seeds;
    std::vector<PipelineReport> reports;
    for (int index = 0; index < count && !cancel.load(); ++index) {
        const std::uint64_t seed = request.config.seed + static_cast<std::uint64_t>(index);
        PipelineRequest one = request;
        one.config.seed = seed;
        one.config.pipeline.seeds = 1;
        if (!request.folder.empty())
            one.folder = (fs::path(request.folder) / ("seed-" + std::to_string(seed))).string();
        auto announce = stageEvent(key, "seed", "started");
        announce.update({{"seed", seed}, {"index", index + 1}, {"seeds", count}});
        events.emit(announce);
        SeedEvents seedEvents(events, seed);
        seeds.push_back(seed);
        reports.push_back(runPipeline(store, one, seedEvents, cancel));
        if (reports.back().status != RunStatus::Finished)
            break;
    }

    PipelineSeedsReport report = aggregatePipelineSeeds(seeds, reports);
    report.key = key;
    if (report.status == RunStatus::Finished && static_cast<int>(seeds.size()) < count) {
        report.status = RunStatus::Cancelled;
        report.message = "cancelled between seeds";
    }
    report.wallSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const auto json = pipelineSeedsReportToJson(report);
    if (report.status == RunStatus::Finished) {
        fs::create_directories(folder);
        writeFileAtomically((fs::path(folder) / "report.txt").string(), pipelineSeedsTable(report));
        writeFileAtomically((fs::path(folder) / "report.json").string(), json.dump(2));
    }
    auto end = stageEvent(key, "report", textOf(report.status));
    end["report"] = json;
    events.emit(end);
    return report;
}

} // namespace relay
