#include "train/trainer.h"

#include "train/step_loss.h"
#include "train/training_session.h"

#include "config/stored_config.h"
#include "model/ar_transformer.h"
#include "model/autocast.h"
#include "model/checkpoint.h"
#include "model/device.h"
#include "model/looped_transformer.h"
#include "model/torch_device.h"
#include "tasks/atomic_file.h"
#include "tasks/dataset_file.h"
#include "train/batch_sampler.h"
#include "train/distributed/worker_group.h"
#include "train/evaluation.h"
#include "train/gradient_clip.h"
#include "train/learning_rate_schedule.h"
#include "train/run_evaluation.h"
#include "train/run_model.h"
#include "train/weight_average.h"
#include "version.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>

namespace relay {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::int64_t kMetricFlushEvery = 50;
constexpr double kStepEventSeconds = 0.2;

// The metric name of StepLosses::terms[index].
std::string termName(std::size_t index) {
    if (index < 2)
        return index == 0 ? "loss_answer" : "loss_iteration";
    return "loss_iteration_" + std::to_string(index - 1);
}

// Steps whose reports are still on the device, read together in one copy when due.
struct UnreadSteps {
    struct Step {
        std::int64_t step; // 1-based: completed optimizer steps after it
        double wall;
        double learningRate;
        torch::Tensor values; // StepLosses::reported
    };
    struct Report {
        std::int64_t step;
        double wall;
        double learningRate;
        std::vector<double> values;
        double loss() const { return values[0]; }
        double gradientNorm() const { return values[1]; }
        // L_ans, L_iter, L_1..L_T where present, else NaN.
        double term(std::size_t index) const {
            return index + 2 < values.size() ? values[index + 2] : std::nan("");
        }
    };
    std::vector<Step> steps;

    std::vector<Report> read() {
        std::vector<Report> reports;
        if (steps.empty())
            return reports;
        std::vector<torch::Tensor> values;
        for (const auto& step : steps)
            values.push_back(step.values);
        auto host = torch::cat(values).to(torch::kCPU).contiguous();
        const double* cursor = host.data_ptr<double>();
        for (const auto& step : steps) {
            const auto count = static_cast<std::size_t>(step.values.numel());
            reports.push_back({step.step, step.wall, step.learningRate, {cursor, cursor + count}});
            cursor += count;
        }
        steps.clear();
        return reports;
    }
};

CheckpointMetadata runMetadata(const Session& session) {
    CheckpointMetadata metadata;
    metadata.step = session.completedSteps;
    metadata.configJson = experimentConfigToJson(session.config).dump();
    metadata.vocabularyJson = session.vocabulary.toJson();
    metadata.scheduler = {session.completedSteps, session.schedule.peak,
                          session.schedule.warmupSteps, session.schedule.totalSteps};
    if (session.curriculumGate)
        metadata.curriculum = session.curriculumGate->state();
    return metadata;
}

// A resumed run's (or a worker's) gated curriculum continues from the checkpoint's state.
void restoreCurriculum(Session& session, const CheckpointMetadata& metadata) {
    if (session.curriculumGate)
        session.curriculumGate->resume(metadata.curriculum);
}

std::string saveRunCheckpoint(Session& session, TrainingEvents& events) {
    fs::create_directories(session.checkpointFolder);
    auto path = (fs::path(session.checkpointFolder) /
                 ("step-" + std::to_string(session.completedSteps) + ".ckpt"))
                    .string();
    auto checksum = saveCheckpoint(path, session.checkpointModule(), session.optimizer.get(),
                                   runMetadata(session));
    session.store.addCheckpoint(session.run, {session.completedSteps, path, checksum, 0});
    events.emit({{"event", "checkpoint"},
                 {"run", session.run},
                 {"step", session.completedSteps},
                 {"path", path}});
    return path;
}

void evaluate(Session& session, TrainingEvents& events) {
    RunEvaluationContext context;
    context.store = &session.store;
    context.run = session.run;
    context.vocabulary = &session.vocabulary;
    context.testSets = &session.data.test;
    context.multitask = session.data.multitask;
    context.trainLengthMax = session.config.trainLengths.max;
    context.adaptiveMaximumIterations = session.config.iterations.maximum;
    if (!isAutoregressive(session.kind)) {
        // Fixed for the whole run, so the viewer scrubs training time on the same problems.
        int probes = session.config.data.probeCount;
        context.probes = pickProbeProblems(session.data.test, session.config.trainLengths.max,
                                           probes - probes / 2, probes / 2);
    }
    const bool average = session.averaged();
    auto summary =
        isAutoregressive(session.kind)
            ? evaluateForRun(average ? session.autoregressiveAverage : session.autoregressive,
                             context, session.completedSteps)
            : evaluateForRun(average ? session.loopedAverage : session.looped, context,
                             session.completedSteps);
    summary["event"] = "eval";
    summary["run"] = session.run;
    summary["step"] = session.completedSteps;
    events.emit(summary);
}

// The model and optimizer state rank 0 hands to the other workers, in the checkpoint format,
// so that a worker reads it through the same checked reader as a file (a peer on the
// rendezvous port is no more trusted than a file from elsewhere).
std::string trainingState(Session& session) {
    return checkpointBytes(session.module(), session.optimizer.get(), runMetadata(session));
}

void loadTrainingState(Session& session, const std::string& state) {
    CheckpointLoadOptions options;
    options.restoreRandomState = false; // each worker keeps its own draws
    restoreCurriculum(session,
                      loadCheckpointBytes(state, "training state from rank 0", session.module(),
                                          session.optimizer.get(), session.device, options));
}

// Rank 0 of several workers tells the others which run comes, before building its own session:
// they build theirs meanwhile instead of after it.
void announceToWorkers(Session& session) {
    auto* workers = WorkerGroup::current();
    if (!workers || workers->worldSize() == 1 || session.group || session.announcement)
        return;
    nlohmann::json job = {{"config", experimentConfigToJson(session.config)},
                          {"kind", textOf(session.kind)},
                          {"run", session.run}};
    session.announcement.emplace(workers->announceJob(job.dump()));
}

// ... and hands them the state to start from once it is ready: all ranks step from there.
void shareWithWorkers(Session& session) {
    announceToWorkers(session);
    if (!session.announcement)
        return;
    const nlohmann::json start = {{"step", session.completedSteps}};
    session.group = session.announcement->start(start.dump(), trainingState(session));
    session.announcement.reset();
}

TrainingOutcome trainSession(Session& session, TrainingEvents& events,
                             const std::atomic<bool>& cancel) {
    shareWithWorkers(session);
    const auto& config = session.config;
    std::int64_t total = config.totalSteps();
    TrainingOutcome outcome;
    outcome.run = session.run;
    events.emit(
        {{"event", "started"},
         {"run", session.run},
         {"kind", textOf(session.kind)},
         {"total_steps", total},
         {"start_step", session.completedSteps},
         {"device", session.device.str()},
         {"precision", textOf(effectivePrecision(config.precision, session.device.is_cuda()))}});
    auto parameters = session.module().parameters();
    std::vector<MetricPoint> pending;
    auto flush = [&] {
        if (!pending.empty() && session.isRankZero())
            session.store.addMetrics(session.run, pending);
        pending.clear();
    };
    // A resumed run's stored wall time continues from where it stopped (plots by time never
    // fold back); `wall` below is this session's own time, for rates.
    const double earlierSeconds = session.store.lastWallTime(session.run);
    UnreadSteps unread;
    auto started = Clock::now();
    auto lastEvent = started - std::chrono::seconds(1);
    std::int64_t firstStep = session.completedSteps;
    session.module().train();
    bool dropping = true; // the model is built with model.dropout
    while (session.completedSteps < total) {
        std::int64_t step = session.completedSteps; // 0-based index of this optimizer step
        if (dropping != (step >= config.training.dropoutFromStep)) { // a resume sets it too
            dropping = !dropping;
            session.setDropout(dropping ? config.model.dropout : 0.0);
        }
        double learningRate = session.schedule.at(step);
        for (auto& group : session.optimizer->param_groups())
            static_cast<torch::optim::AdamWOptions&>(group.options()).lr(learningRate);
        auto batch = session.curriculumGate
                         ? session.sampler->batch(step, config.training.batchSize,
                                                  session.curriculumGate->length())
                         : session.sampler->batch(step, config.training.batchSize);
        auto losses = computeLoss(session, batch);
        session.optimizer->zero_grad();
        losses.total.backward();
        // Workers stop together: any rank's request (rank 0's Ctrl-C) stops all of them. The
        // request and the loss shares ride with the gradients: one collective per step.
        bool cancelled = cancel.load();
        if (session.group) { // after backward, before clipping: every rank steps alike
            auto shares = losses.shareValues().to(torch::kFloat32);
            shares =
                torch::cat({shares, torch::full({1}, cancelled ? 1.0f : 0.0f, shares.options())});
            auto sums = session.group->sumGradients(parameters, shares);
            losses.takeSums(sums.narrow(0, 0, sums.size(0) - 1));
            cancelled = sums[-1].item<float>() > 0.5f;
        }
        auto gradientNorm = config.training.gradientClip > 0
                                ? clipGradientNorm(parameters, config.training.gradientClip)
                                : torch::zeros({}, losses.total.options());
        session.optimizer->step();
        if (session.averaged() && session.isRankZero()) // only rank 0 evaluates and saves
            updateAverage(session.averageModule(), session.module(), config.training.emaDecay,
                          step);
        session.completedSteps = step + 1;
        std::int64_t reported = session.completedSteps;
        double wall = std::chrono::duration<double>(Clock::now() - started).count();
        unread.steps.push_back(
            {reported, earlierSeconds + wall, learningRate, losses.reported(gradientNorm)});

        bool last = reported == total;
        bool eventDue =
            last || Clock::now() - lastEvent >= std::chrono::duration<double>(kStepEventSeconds);
        bool flushDue =
            last || cancelled || reported % kMetricFlushEvery == 0 ||
            reported % config.eval.every == 0 || reported % config.checkpoint.every == 0 ||
            // the gate decides before the next step's batch is drawn
            (session.curriculumGate && reported % config.training.curriculumGateWindow == 0);
        // Workers read every step, so all of them meet a diverged loss (a global value) at the
        // same step and stop together.
        if (!eventDue && !flushDue && !session.group)
            continue;
        // Reads every step since the last read; the first non-finite loss ends the run there,
        // before any evaluation or checkpoint sees its weights.
        std::optional<UnreadSteps::Report> latest;
        for (const auto& report : unread.read()) {
            if (!std::isfinite(report.loss())) {
                flush();
                session.completedSteps = report.step - 1;
                outcome.status = RunStatus::Diverged;
                events.emit({{"event", "error"},
                             {"run", session.run},
                             {"message", "loss became " + std::to_string(report.loss()) +
                                             " at step " + std::to_string(report.step) +
                                             "; the last good checkpoint is kept"}});
                break;
            }
            pending.push_back({report.step, report.wall, "loss", report.loss()});
            pending.push_back({report.step, report.wall, "learning_rate", report.learningRate});
            pending.push_back({report.step, report.wall, "gradient_norm", report.gradientNorm()});
            for (std::size_t index = 0; index + 2 < report.values.size(); ++index)
                pending.push_back(
                    {report.step, report.wall, termName(index), report.values[index + 2]});
            if (session.curriculumGate && session.curriculumGate->observe(report.term(0)))
                pending.push_back({report.step, report.wall, "curriculum_length",
                                   static_cast<double>(session.curriculumGate->length())});
            latest = report;
        }
        if (outcome.status == RunStatus::Diverged)
            break;
        outcome.lastLoss = latest->loss();
        if (reported % kMetricFlushEvery == 0)
            flush();

        if (eventDue) {
            lastEvent = Clock::now();
            double rate = static_cast<double>((reported - firstStep) * config.training.batchSize) /
                          std::max(wall, 1e-9);
            double eta =
                rate > 0
                    ? static_cast<double>((total - reported) * config.training.batchSize) / rate
                    : 0.0;
            nlohmann::json event = {{"event", "step"},
                                    {"run", session.run},
                                    {"step", reported},
                                    {"total_steps", total},
                                    {"loss", latest->loss()},
                                    {"learning_rate", learningRate},
                                    {"gradient_norm", latest->gradientNorm()},
                                    {"examples_per_second", rate},
                                    {"eta_seconds", eta},
                                    {"elapsed_seconds", wall}};
            if (!std::isnan(latest->term(0)))
                event["loss_answer"] = latest->term(0);
            if (!std::isnan(latest->term(1)))
                event["loss_iteration"] = latest->term(1);
            events.emit(event);
        }
        if (session.isRankZero() && (last || reported % config.eval.every == 0)) {
            flush();
            evaluate(session, events);
            session.module().train();
        }
        if (session.isRankZero() &&
            (last || cancelled || reported % config.checkpoint.every == 0)) {
            flush();
            saveRunCheckpoint(session, events);
        }
        if (cancelled) {
            outcome.status = RunStatus::Cancelled;
            break;
        }
    }
    flush();
    outcome.steps = session.completedSteps;
    if (session.isRankZero())
        session.store.setStatus(session.run, outcome.status);
    events.emit({{"event", "finished"},
                 {"run", session.run},
                 {"status", textOf(outcome.status)},
                 {"steps", session.completedSteps},
                 {"wall_seconds", std::chrono::duration<double>(Clock::now() - started).count()}});
    return outcome;
}

// Marks the run failed on an exception escaping the training loop, then rethrows.
template <typename Body>
TrainingOutcome guarded(RunStore& store, std::int64_t run, TrainingEvents& events, Body body) {
    try {
        return body();
    } catch (const std::exception& error) {
        try {
            // A lost worker leaves a resumable run, as a killed single process does.
            bool lost = dynamic_cast<const WorkerLost*>(&error) != nullptr;
            store.setStatus(run, lost ? RunStatus::Interrupted : RunStatus::Failed);
        } catch (...) {
        }
        // "rethrown": the caller reports the exception itself, so a shell printer skips it.
        events.emit(
            {{"event", "error"}, {"run", run}, {"message", error.what()}, {"rethrown", true}});
        throw;
    }
}

} // namespace

TrainingOutcome trainNewRun(RunStore& store, const TrainingRequest& request, TrainingEvents& events,
                            const std::atomic<bool>& cancel) {
    ExperimentConfig config = request.config;
    if (auto* workers = WorkerGroup::current()) // the run records how many processes trained it
        config.processes = workers->localProcesses();
    RunRecord record;
    record.kind = request.kind;
    std::string tasks;
    for (const auto& entry : config.tasks)
        tasks += (tasks.empty() ? "" : ",") + entry.task;
    record.task = tasks;
    record.name = !request.name.empty()  ? request.name
                  : !config.name.empty() ? config.name + " " + textOf(record.kind)
                                         : textOf(record.kind) + " " + tasks;
    record.parentRun = request.parentRun;
    record.generatorRun = request.generatorRun;
    record.tags = request.tags;
    record.configJson = experimentConfigToJson(config).dump();
    record.device = resolveDevice(config.device).name();
    record.version = engineVersion();
    std::int64_t run = store.createRun(record, request.chains);
    return guarded(store, run, events, [&] {
        Session session(store, run, config, request.kind);
        session.checkpointFolder = request.checkpointFolder.empty() ? store.checkpointFolder(run)
                                                                    : request.checkpointFolder;
        announceToWorkers(session);
        buildSession(session, events);
        if (request.parentRun)
            initialiseFromParent(session, *request.parentRun);
        return trainSession(session, events, cancel);
    });
}

TrainingOutcome resumeRun(RunStore& store, std::int64_t run, TrainingEvents& events,
                          const std::atomic<bool>& cancel) {
    // The config is checked before the run is claimed, so a bad stored one changes nothing.
    RunRecord record = store.run(run);
    ExperimentConfig config = storedExperimentConfig(
        record.configJson, "run " + std::to_string(run) + "'s stored config");
    const RunKind kind = record.kind;
    record = store.claimRunForResume(run); // of two resumes started at once, one gets here
    auto checkpoints = store.checkpoints(run);
    return guarded(store, run, events, [&] {
        Session session(store, run, config, kind);
        session.checkpointFolder = checkpoints.empty()
                                       ? store.checkpointFolder(run)
                                       : fs::path(checkpoints.back().path).parent_path().string();
        removeStaleTemporaries(session.checkpointFolder); // a killed run's half-written one
        announceToWorkers(session);
        buildSession(session, events);
        if (!checkpoints.empty()) {
            auto metadata = loadCheckpoint(checkpoints.back().path, session.checkpointModule(),
                                           session.optimizer.get(), session.device);
            session.completedSteps = metadata.step;
            restoreCurriculum(session, metadata);
        } else if (record.parentRun) {
            initialiseFromParent(session, *record.parentRun);
        }
        // Measurements past the checkpoint came from steps that are about to be redone.
        store.deleteMeasurementsAfter(run, session.completedSteps);
        return trainSession(session, events, cancel);
    });
}

void followTrainingJob(WorkerGroup& workers, const WorkerGroup::Job& job) {
    auto description = nlohmann::json::parse(job.description);
    RunStore unused(":memory:"); // rank 0 alone records the run
    SilentEvents events;
    Session session(unused, description["run"].get<std::int64_t>(),
                    experimentConfigFromJson(description["config"]),
                    parseClosedSet<RunKind>(description["kind"].get<std::string>()));
    buildSession(session, events);
    auto started = workers.awaitStart(job);
    if (!started)
        return; // rank 0's run failed before it started
    loadTrainingState(session, started->state);
    session.completedSteps = nlohmann::json::parse(started->start)["step"].get<std::int64_t>();
    session.group = std::move(started->group);
    // Dropout and randomised positions: this rank's own draws, not rank 0's again.
    session.generator.set_current_seed(session.config.seed +
                                       7919 * static_cast<std::uint64_t>(session.group->rank()) +
                                       static_cast<std::uint64_t>(session.completedSteps));
    const std::atomic<bool> neverCancelled{false};
    trainSession(session, events, neverCancelled);
}

} // namespace relay
