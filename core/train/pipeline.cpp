#include "train/pipeline.h"

#include "model/device.h"
#include "tasks/atomic_file.h"
#include "train/fine_tune_set.h"
#include "train/looped_rounds.h"
#include "train/pipeline_stage_names.h"
#include "train/self_chain.h"
#include "train/stage_two.h"
#include "train/trainer.h"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace relay {
namespace {

namespace fs = std::filesystem;

// Events from stages trained side by side reach the printer one at a time.
class LockedEvents : public TrainingEvents {
public:
    explicit LockedEvents(TrainingEvents& inner) : m_inner(inner) {}
    void emit(const nlohmann::json& event) override {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_inner.emit(event);
    }

private:
    TrainingEvents& m_inner;
    std::mutex m_mutex;
};

std::uint64_t fnv1a(const std::string& text) {
    std::uint64_t hash = 1469598103934665603ULL;
    for (unsigned char character : text) {
        hash ^= character;
        hash *= 1099511628211ULL;
    }
    return hash;
}

std::set<std::string> tagSet(const std::string& tags) {
    std::set<std::string> result;
    std::stringstream stream(tags);
    std::string tag;
    while (std::getline(stream, tag, ','))
        if (!tag.empty())
            result.insert(tag);
    return result;
}

std::string stageTags(const std::string& key, const std::string& stage) {
    return "pipeline:" + key + ",stage:" + stage;
}

std::optional<RunRecord> findStageRun(RunStore& store, const std::string& key,
                                      const std::string& stage) {
    for (const auto& run : store.runs()) { // newest first
        auto tags = tagSet(run.tags);
        if (tags.count("pipeline:" + key) && tags.count("stage:" + stage))
            return run;
    }
    return std::nullopt;
}

struct StageContext {
    std::string key;
    std::string name;
    TrainingEvents* events = nullptr;
    const std::atomic<bool>* cancel = nullptr;
};

void emitStage(const StageContext& context, const std::string& stage, const std::string& state,
               std::optional<std::int64_t> run, nlohmann::json extra = nlohmann::json::object()) {
    nlohmann::json event = {
        {"event", "stage"}, {"stage", stage}, {"state", state}, {"pipeline", context.key}};
    event["run"] = run ? nlohmann::json(*run) : nlohmann::json(nullptr);
    event.update(extra);
    context.events->emit(event);
}

// Finds the stage's run and finishes it, or prepares and trains a new one. Returns the run id
// and its status (finished or cancelled); throws when the stage cannot go on.
std::pair<std::int64_t, RunStatus>
runTrainingStage(RunStore& store, const StageContext& context, const std::string& stage,
                 const std::function<TrainingRequest(RunStore&)>& prepare) {
    if (auto existing = findStageRun(store, context.key, stage)) {
        const auto& status = existing->status;
        if (status == RunStatus::Finished) {
            emitStage(context, stage, "skipped", existing->id, {{"reason", "already finished"}});
            return {existing->id, status};
        }
        if (isResumable(status)) {
            emitStage(context, stage, "resumed", existing->id);
            auto outcome = resumeRun(store, existing->id, *context.events, *context.cancel);
            return {outcome.run, outcome.status};
        }
        if (status == RunStatus::Running)
            throw std::runtime_error("stage " + stage + ": run " + std::to_string(existing->id) +
                                     " is still running in another process");
        throw std::runtime_error("stage " + stage + ": run " + std::to_string(existing->id) +
                                 " ended " + textOf(status) +
                                 "; change the config (a new pipeline) or delete that run to "
                                 "retry");
    }
    TrainingRequest request = prepare(store);
    request.name = context.name + " " + stage;
    request.tags = stageTags(context.key, stage);
    emitStage(context, stage, "started", std::nullopt);
    auto outcome = trainNewRun(store, request, *context.events, *context.cancel);
    return {outcome.run, outcome.status};
}

// Runs the jobs side by side (each on its own store connection) or one after another.
void runJobs(const std::string& storePath, RunStore& store,
             const std::vector<std::function<void(RunStore&)>>& jobs, bool parallel) {
    if (!parallel || jobs.size() < 2) {
        for (const auto& job : jobs)
            job(store);
        return;
    }
    std::vector<std::exception_ptr> errors(jobs.size());
    std::vector<std::thread> threads;
    for (std::size_t index = 0; index < jobs.size(); ++index)
        threads.emplace_back([&, index] {
            try {
                RunStore own(storePath);
                jobs[index](own);
            } catch (...) {
                errors[index] = std::current_exception();
            }
        });
    for (auto& thread : threads)
        thread.join();
    for (const auto& error : errors)
        if (error)
            std::rethrow_exception(error);
}

} // namespace

std::string pipelineName(const PipelineRequest& request) {
    return !request.name.empty()          ? request.name
           : !request.config.name.empty() ? request.config.name
                                          : "pipeline";
}

std::string pipelineKey(const ExperimentConfig& config, const std::string& name) {
    auto keyed = config;
    keyed.stage2.rounds = 0; // more rounds extend a pipeline rather than start another
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx",
                  static_cast<unsigned long long>(fnv1a(experimentConfigToJson(keyed).dump())));
    return name + "-" + std::string(hex).substr(0, 8);
}

std::string defaultPipelineFolder(const std::string& storePath, const std::string& key) {
    std::string folder = key;
    for (char& character : folder)
        if (!std::isalnum(static_cast<unsigned char>(character)) &&
            std::string(" ._-").find(character) == std::string::npos)
            character = '_';
    if (folder.empty() || folder.front() == '.')
        folder.insert(folder.begin(), '_');
    return (fs::path(storePath).parent_path() / "pipelines" / folder).string();
}

namespace {

// Stage II and the self-chain baseline write chains for the lengths above training; a config
// without any would fail only after Stage I trained, so the pipeline refuses it before its first
// run. (`relay train` alone may test within the training lengths.)
void checkStageTwoLengths(const ExperimentConfig& config) {
    // An explicit stage2.lengths_max at or below training fails the config's own check.
    if (config.stageTwoLengthsMax() > config.trainLengths.max)
        return;
    throw std::invalid_argument(
        "config key 'test_lengths.max': a pipeline writes Stage II chains for lengths above "
        "train_lengths.max (" +
        std::to_string(config.trainLengths.max) +
        ") up to stage2.lengths_max, which defaults to test_lengths.max (" +
        std::to_string(config.testLengths.max) +
        "); raise test_lengths.max or set stage2.lengths_max");
}

// One pipeline from its first stage to its report, one member function per stage of the method;
// each stage records its run and stops the ones after it when it does not finish.
class PipelineJob {
public:
    PipelineJob(RunStore& store, const PipelineRequest& request, TrainingEvents& outerEvents,
                const std::atomic<bool>& cancel)
        : m_store(store), m_events(outerEvents), m_cancel(cancel), m_config(request.config) {
        checkStageTwoLengths(m_config);
        // On CUDA, stages side by side would share the device's one default generator and
        // stream: their random draws would interleave by timing, and the GPU is busy with one.
        const bool onCuda = resolveDevice(m_config.device).kind == DeviceKind::Cuda;
        m_parallel = m_config.pipeline.parallelStages && !onCuda;
        if (m_parallel)
            m_config.threads = 1; // one core per stage; LibTorch's thread count is process-wide
        m_aloneThreads = request.config.threads;
        const std::string name = pipelineName(request);
        m_report.key = pipelineKey(m_config, name);
        m_folder = !request.folder.empty() ? request.folder
                                           : defaultPipelineFolder(store.path(), m_report.key);
        m_context = {m_report.key, name, &m_events, &m_cancel};
    }

    PipelineReport run() {
        const auto started = std::chrono::steady_clock::now();
        emitStage(m_context, "pipeline", "started", std::nullopt, {{"folder", m_folder}});
        trainStageOneAndBaselines();
        if (goingOn())
            generateChains();
        if (goingOn())
            fineTuneAndImprove();
        if (m_config.pipeline.selfChain && goingOn())
            trainSelfChainBaseline();
        if (m_cancel.load() && m_report.status == RunStatus::Finished) {
            m_report.status = RunStatus::Cancelled;
            m_report.message = "cancelled between stages";
        }
        fillPipelineReport(m_store, m_config, m_report);
        m_report.wallSeconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        writeReport();
        return m_report;
    }

private:
    bool goingOn() const { return !m_stopped && !m_cancel.load(); }

    // The run a finished stage recorded; a stage that is asked for before it ran is a bug here.
    std::int64_t runOf(const std::string& stage) const {
        std::lock_guard<std::mutex> lock(m_reportMutex); // stages side by side record theirs
        const auto found = m_report.runs.find(stage);
        if (found == m_report.runs.end())
            throw std::logic_error("pipeline: stage " + stage + " has no run yet");
        return found->second;
    }

    void record(const std::string& stage, std::pair<std::int64_t, RunStatus> outcome) {
        std::lock_guard<std::mutex> lock(m_reportMutex);
        m_report.runs[stage] = outcome.first;
        if (outcome.second != RunStatus::Finished) {
            m_stopped = true;
            m_report.status = outcome.second;
            m_report.message = "stage " + stage + " ended " + textOf(outcome.second);
        }
    }

    // Stage I (looped), the vanilla looped model and the AR baseline; a baseline may train
    // fewer steps than Stage I, with its own curriculum interval (0: Stage I's).
    std::function<void(RunStore&)> trainKind(RunKind kind) {
        return [this, kind](RunStore& own) {
            const std::string stage = stageOf(kind);
            record(
                stage, runTrainingStage(own, m_context, stage, [&](RunStore&) {
                    TrainingRequest training;
                    training.config = m_config;
                    training.kind = kind;
                    const bool vanilla = kind == RunKind::LoopedVanilla;
                    const bool ar = kind == RunKind::Ar;
                    const auto& pipeline = m_config.pipeline;
                    const int steps = vanilla ? pipeline.vanillaSteps : ar ? pipeline.arSteps : 0;
                    const int growEvery = vanilla ? pipeline.vanillaCurriculumGrowEvery
                                          : ar    ? pipeline.arCurriculumGrowEvery
                                                  : 0;
                    if (steps > 0) {
                        training.config.training.steps = steps;
                        training.config.training.epochs = 0;
                    }
                    if (growEvery > 0)
                        training.config.training.curriculumGrowEvery = growEvery;
                    return training;
                }));
        };
    }

    // Independent of each other: side by side when pipeline.parallel_stages.
    void trainStageOneAndBaselines() {
        runJobs(m_store.path(), m_store,
                {trainKind(RunKind::Looped),
                 [this](RunStore& own) {
                     trainKind(RunKind::LoopedVanilla)(own);
                     if (!m_cancel.load())
                         trainKind(RunKind::Ar)(own);
                 }},
                m_parallel);
    }

    // Stage II generation: done once; its result file marks it finished.
    void generateChains() {
        const auto resultFile = (fs::path(m_folder) / "stage2.json").string();
        if (fs::exists(resultFile)) {
            m_report.stageTwo = readStageTwoResult(resultFile);
            emitStage(m_context, "generate", "skipped", runOf(stageOf(RunKind::Looped)),
                      {{"reason", "already generated"}});
            return;
        }
        // The generation runs alone between the stages side by side: every core the config
        // gives, not one stage's share (chain writing is 1.3x faster on two threads here).
        if (m_parallel)
            setCpuThreads(m_aloneThreads);
        m_report.stageTwo =
            generateStageTwo(m_store, runOf(stageOf(RunKind::Looped)), m_folder, m_events);
        writeFileAtomically(resultFile, stageTwoResultToJson(*m_report.stageTwo).dump(2));
    }

    // The AR fine-tunes on the generated chains start from the AR baseline.
    std::function<void(RunStore&)> fineTune(const std::string& stage, const std::string& file) {
        return [this, stage, file](RunStore& own) {
            record(stage, runTrainingStage(own, m_context, stage, [&](RunStore&) {
                       auto training = fineTuneRequest(
                           m_config, RunKind::ArRelay, runOf(stageOf(RunKind::Ar)), file,
                           m_config.stage2.learningRate, m_config.stage2.steps);
                       training.generatorRun = runOf(stageOf(RunKind::Looped));
                       return training;
                   }));
        };
    }

    // The AR fine-tunes and the looped model's self-improvement rounds need only Stage I and its
    // chains, not each other: side by side when pipeline.parallel_stages, so the rounds' one
    // thread does not leave a core idle after the fine-tunes.
    void fineTuneAndImprove() {
        auto jobs = fineTuneJobs();
        if (m_config.stage2.rounds > 0)
            jobs.push_back([this](RunStore& own) { trainLoopedRounds(own); });
        runJobs(m_store.path(), m_store, jobs, m_parallel);
    }

    std::vector<std::function<void(RunStore&)>> fineTuneJobs() {
        const StageTwoResult& chains = *m_report.stageTwo;
        std::vector<std::function<void(RunStore&)>> jobs = {fineTune(
            stageOf(RunKind::ArRelay),
            m_config.stage2.verifiedOnly ? chains.verifiedChainsFile : chains.allChainsFile)};
        if (m_config.pipeline.labelFreeFilter && !chains.labelFreeChainsFile.empty())
            jobs.push_back(fineTune(kLabelFreeFineTuneStage, chains.labelFreeChainsFile));
        if (m_config.pipeline.verifiedOnlyAblation && !m_config.stage2.verifiedOnly)
            jobs.push_back(fineTune(kVerifiedFineTuneStage, chains.verifiedChainsFile));
        return jobs;
    }

    // A stage whose preparation writes the chains it trains on (`prepare` returns them with the
    // training request): they are stored with the stage's run as it is created.
    template <class Prepare>
    std::pair<std::int64_t, RunStatus>
    trainOnWrittenChains(RunStore& store, const std::string& stage, const Prepare& prepare) {
        return runTrainingStage(store, m_context, stage, [&](RunStore& own) {
            auto preparation = prepare(own);
            for (const auto& chain : preparation.chains)
                preparation.request.chains.push_back(chainRecordOf(chain));
            return preparation.request;
        });
    }

    // The self-chain baseline: phases one after another, each from the previous phase's model.
    void trainSelfChainBaseline() {
        std::int64_t writer = runOf(stageOf(RunKind::Ar));
        const int phases = static_cast<int>(selfChainPhaseLengths(m_config).size());
        for (int phase = 1; phase <= phases && goingOn(); ++phase) {
            SelfChainPhase plan{phase, writer, runOf(stageOf(RunKind::LoopedVanilla)), m_folder};
            const auto stage = stageOf(RunKind::ArSelf) + "-" + std::to_string(phase);
            const auto outcome = trainOnWrittenChains(m_store, stage, [&](RunStore& own) {
                return prepareSelfChainPhase(own, m_config, plan);
            });
            record(stage, outcome);
            writer = outcome.first;
        }
        if (!m_stopped)
            m_report.runs[stageOf(RunKind::ArSelf)] = writer;
    }

    // Self-improvement rounds: one after another, each fine-tuning the previous round's looped
    // model on the chains it writes; a round's chains are stored with the round's run.
    void trainLoopedRounds(RunStore& store) {
        std::int64_t writer = runOf(stageOf(RunKind::Looped));
        for (int round = 1; round <= m_config.stage2.rounds && goingOn(); ++round) {
            const auto stage = loopedRoundStage(round);
            const auto outcome = trainOnWrittenChains(store, stage, [&](RunStore& own) {
                return prepareLoopedRound(own, m_config, LoopedRound{round, writer, m_folder});
            });
            record(stage, outcome);
            writer = outcome.first;
        }
    }

    void writeReport() {
        if (m_report.status == RunStatus::Finished) {
            writeFileAtomically((fs::path(m_folder) / "report.txt").string(),
                                pipelineTable(m_report));
            writeFileAtomically((fs::path(m_folder) / "report.json").string(),
                                pipelineReportToJson(m_report).dump(2));
        }
        emitStage(m_context, "report", textOf(m_report.status), std::nullopt,
                  {{"report", pipelineReportToJson(m_report)}});
    }

    RunStore& m_store;
    LockedEvents m_events;
    const std::atomic<bool>& m_cancel;
    ExperimentConfig m_config;
    bool m_parallel = false;
    int m_aloneThreads = 0; // the config's threads key, for a stage that runs alone
    std::string m_folder;
    StageContext m_context;
    PipelineReport m_report;
    mutable std::mutex m_reportMutex;
    std::atomic<bool> m_stopped{false}; // read by stages side by side
};

} // namespace

PipelineReport runPipeline(RunStore& store, const PipelineRequest& request, TrainingEvents& events,
                           const std::atomic<bool>& cancel) {
    return PipelineJob(store, request, events, cancel).run();
}

} // namespace relay
