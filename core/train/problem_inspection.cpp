#include "train/problem_inspection.h"

#include "model/stopping.h"
#include "store/run_store.h"
#include "tasks/task_lookup.h"
#include "tasks/tokens.h"
#include "train/looped_decoding.h"
#include "train/run_model.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace relay {

struct LoopedInspector::State {
    RunModel model;
};

namespace {

const TaskEntry& taskEntry(const ExperimentConfig& config, const std::string& task) {
    auto kind = taskKindFromName(task);
    for (const auto& entry : config.tasks)
        if (taskKindFromName(entry.task) == kind)
            return entry;
    throw std::invalid_argument("task '" + task + "' is not one this run was trained on");
}

Tokens rightAligned(const Tokens& step, std::int64_t width) {
    Tokens row(static_cast<std::size_t>(width), "<pad>");
    auto start = std::max<std::int64_t>(0, width - static_cast<std::int64_t>(step.size()));
    for (std::int64_t index = start; index < width; ++index)
        row[static_cast<std::size_t>(index)] =
            step[static_cast<std::size_t>(index - width + static_cast<std::int64_t>(step.size()))];
    return row;
}

InspectedIteration inspectedRow(const IterationReadOut& readOut, int iteration,
                                const Problem& truth, std::int64_t width) {
    InspectedIteration row;
    row.iteration = iteration;
    row.readOut = readOut.tokens;
    row.step = readOut.step;
    row.confidence = readOut.confidence;
    row.uncertainty = readOut.uncertainty;
    row.marks.assign(row.readOut.size(), TokenMark::Unscored);
    if (iteration > truth.iterations())
        return row;
    const auto& step = truth.steps[static_cast<std::size_t>(iteration - 1)];
    row.target = rightAligned(step, width);
    row.stepCorrect = row.step == step;
    // Eq. 6: the step's tokens and the one <pad> left of them are scored.
    auto first = std::max<std::int64_t>(0, width - static_cast<std::int64_t>(step.size()) - 1);
    for (std::int64_t index = first;
         index < width && index < static_cast<std::int64_t>(row.readOut.size()); ++index) {
        auto position = static_cast<std::size_t>(index);
        row.marks[position] =
            row.readOut[position] == row.target[position] ? TokenMark::Right : TokenMark::Wrong;
    }
    return row;
}

} // namespace

LoopedInspector::LoopedInspector(const std::string& storePath, std::int64_t run,
                                 std::optional<std::int64_t> step)
    : m_state(std::make_unique<State>()) {
    RunStore store(storePath);
    m_state->model = loadRunModel(store, run, step, "cpu");
    if (!m_state->model.looped)
        throw std::invalid_argument("run " + std::to_string(run) +
                                    " is not a looped run; the loop-iteration viewer needs one");
}

LoopedInspector::~LoopedInspector() = default;

const ExperimentConfig& LoopedInspector::config() const {
    return m_state->model.config;
}

std::int64_t LoopedInspector::checkpointStep() const {
    return m_state->model.step;
}

Problem LoopedInspector::parse(const std::string& text, const std::string& task) const {
    const auto& entry = taskEntry(config(), task);
    auto solver = makeTask(entry.task, entry.options);
    auto input = solver->parseInput(text);
    for (std::size_t index = 0; index < input.size(); ++index)
        if (!m_state->model.vocabulary.contains(input[index]))
            throw std::invalid_argument(
                "token '" + input[index] + "' at position " + std::to_string(index + 1) +
                " is outside this run's vocabulary (the run was sized "
                "for lengths up to " +
                std::to_string(std::max(config().trainLengths.max, config().testLengths.max)) +
                ")");
    auto problem = solver->solve(input);
    for (const auto& step : problem.steps)
        for (const auto& token : step)
            if (!m_state->model.vocabulary.contains(token))
                throw std::invalid_argument("the chain of this problem needs token '" + token +
                                            "', outside this run's vocabulary");
    return problem;
}

std::vector<Problem> LoopedInspector::testProblems(const std::string& task, int length,
                                                   int count) const {
    const auto kind = taskEntry(config(), task);
    std::vector<Problem> problems;
    for (const auto& set : runTestSets(config(), length, length))
        if (set.task == taskKindFromName(kind.task))
            for (const auto& example : set.examples) {
                if (static_cast<int>(problems.size()) >= count)
                    break;
                problems.push_back(example.problem);
            }
    return problems;
}

ProblemInspection LoopedInspector::inspect(const Problem& problem,
                                           const InspectionOptions& options) {
    auto started = std::chrono::steady_clock::now();
    auto& model = m_state->model;
    const int trueIterations = problem.iterations();
    StoppingOptions stopping;
    int shown = trueIterations;
    if (options.rule == "fixed") {
        stopping.rule = StoppingRule::Fixed;
        stopping.fixedIterations =
            options.fixedIterations > 0 ? options.fixedIterations : trueIterations;
        shown = static_cast<int>(stopping.fixedIterations);
    } else if (options.rule == "adaptive") {
        stopping.rule = StoppingRule::Adaptive;
        stopping.maximumIterations = options.maximumIterations > 0
                                         ? options.maximumIterations
                                         : trueIterations + std::max(2, trueIterations / 2);
        shown = static_cast<int>(stopping.maximumIterations);
    } else if (options.rule == "oracle") {
        shown = std::max(trueIterations, options.maximumIterations);
    } else {
        throw std::invalid_argument("stopping rule '" + options.rule +
                                    "' is not one of oracle, fixed, adaptive");
    }
    Problem input = problem;
    input.steps.clear();
    input.answer.clear();
    const bool multitask = model.config.multitask();
    auto decoding =
        decodeLooped(model.looped, model.vocabulary, {input}, stopping, multitask).front();
    ProblemInspection inspection;
    inspection.truth = problem;
    inspection.width = decoding.width;
    inspection.chosenIterations = decoding.chosenIterations;
    inspection.answer = decoding.answer;
    inspection.answerConfidence = decoding.answerConfidence;
    if (options.rule == "oracle" && shown > trueIterations) {
        // The rows past T come from a longer fixed run; the answer stays the oracle's.
        StoppingOptions longer;
        longer.rule = StoppingRule::Fixed;
        longer.fixedIterations = shown;
        decoding.readOuts = decodeLooped(model.looped, model.vocabulary, {input}, longer, multitask)
                                .front()
                                .readOuts;
    }
    for (std::size_t index = 0; index < decoding.readOuts.size(); ++index)
        inspection.iterations.push_back(inspectedRow(
            decoding.readOuts[index], static_cast<int>(index) + 1, problem, decoding.width));
    inspection.milliseconds =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    return inspection;
}

} // namespace relay
