// `relay inspect`: the loop-iteration viewer from a shell. One problem (typed, or from the
// run's test set at any length) decoded at every iteration, each read-out above the true step.
#include "commands.h"

#include "config/config_keys.h"

#include "store/run_store.h"
#include "tasks/task.h"
#include "tasks/tokens.h"
#include "train/problem_inspection.h"

#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>

#include <iostream>

namespace relay::cli {
namespace {

struct InspectArguments {
    std::int64_t run = 0;
    std::int64_t step = 0;
    std::string problem;
    std::string task;
    int length = 0;
    int index = 0;
    std::string rule = "oracle";
    int iterations = 0;
    std::string database;
    bool json = false;
};

const char* markName(TokenMark mark) {
    switch (mark) {
    case TokenMark::Right:
        return "right";
    case TokenMark::Wrong:
        return "wrong";
    case TokenMark::Unscored:
        break;
    }
    return "unscored";
}

nlohmann::json inspectionJson(const ProblemInspection& inspection) {
    auto rows = nlohmann::json::array();
    for (const auto& row : inspection.iterations) {
        auto marks = nlohmann::json::array();
        for (auto mark : row.marks)
            marks.push_back(markName(mark));
        rows.push_back({{"iteration", row.iteration},
                        {"read_out", row.readOut},
                        {"step", joinTokens(row.step)},
                        {"target", row.target},
                        {"confidence", row.confidence},
                        {"marks", marks},
                        {"uncertainty", row.uncertainty},
                        {"step_correct", row.stepCorrect}});
    }
    auto steps = nlohmann::json::array();
    for (const auto& step : inspection.truth.steps)
        steps.push_back(joinTokens(step));
    return {{"input", joinTokens(inspection.truth.input)},
            {"length", inspection.truth.complexity},
            {"true_steps", steps},
            {"true_answer", inspection.truth.answer},
            {"width", inspection.width},
            {"iterations", rows},
            {"chosen_iterations", inspection.chosenIterations},
            {"answer", inspection.answer},
            {"answer_confidence", inspection.answerConfidence},
            {"milliseconds", inspection.milliseconds}};
}

// Wrong tokens in [brackets], unscored ones lower-case dots for pads.
void printInspection(const ProblemInspection& inspection) {
    std::cout << "input  " << joinTokens(inspection.truth.input) << "   (length "
              << inspection.truth.complexity << ", T = " << inspection.truth.iterations()
              << ", n = " << inspection.width << ")\n";
    for (const auto& row : inspection.iterations) {
        std::string line;
        for (std::size_t index = 0; index < row.readOut.size(); ++index) {
            const auto& token =
                row.readOut[index] == "<pad>" ? std::string(".") : row.readOut[index];
            line += row.marks[index] == TokenMark::Wrong ? "[" + token + "]" : token;
            line += " ";
        }
        std::cout << (row.iteration == inspection.chosenIterations ? "> " : "  ")
                  << "t=" << row.iteration << (row.stepCorrect ? "  ok    " : "  wrong ") << line
                  << "\n";
        if (!row.target.empty()) {
            std::string target;
            for (const auto& token : row.target)
                target += (token == "<pad>" ? std::string(".") : token) + " ";
            std::cout << "       true   " << target << "\n";
        }
    }
    std::cout << "answer " << inspection.answer << " (confidence " << inspection.answerConfidence
              << "), true " << inspection.truth.answer
              << "; stopped at t=" << inspection.chosenIterations << "; " << inspection.milliseconds
              << " ms\n";
}

void runInspect(const InspectArguments& arguments) {
    std::optional<std::int64_t> step;
    if (arguments.step > 0)
        step = arguments.step;
    LoopedInspector inspector(storePath(arguments.database), arguments.run, step);
    std::string task =
        arguments.task.empty() ? inspector.config().tasks.front().task : arguments.task;
    Problem problem;
    if (!arguments.problem.empty()) {
        try {
            problem = inspector.parse(arguments.problem, task);
        } catch (const ParseError& error) {
            throw std::invalid_argument(std::string("--problem: ") + error.what());
        }
    } else {
        if (arguments.length < 1)
            throw std::invalid_argument("give --problem TEXT or --length K");
        auto problems = inspector.testProblems(task, arguments.length, arguments.index + 1);
        if (static_cast<int>(problems.size()) <= arguments.index)
            throw std::invalid_argument("the test set of length " +
                                        std::to_string(arguments.length) + " has only " +
                                        std::to_string(problems.size()) + " problems");
        problem = problems[static_cast<std::size_t>(arguments.index)];
    }
    InspectionOptions options;
    options.rule = arguments.rule;
    options.fixedIterations = arguments.iterations;
    options.maximumIterations = arguments.iterations;
    auto inspection = inspector.inspect(problem, options);
    if (arguments.json)
        std::cout << inspectionJson(inspection).dump() << "\n";
    else
        printInspection(inspection);
}

} // namespace

void addInspectCommands(CLI::App& app) {
    auto arguments = std::make_shared<InspectArguments>();
    auto* command = app.add_subcommand(
        "inspect", "Loop-iteration viewer in the shell: one problem decoded at every iteration "
                   "of a looped run, each read-out above the true CoT step");
    command->add_option("run", arguments->run, "A looped run")->required();
    command->add_option("--step", arguments->step, "Checkpoint step (default: newest)");
    command->add_option("--problem", arguments->problem, "A typed input, e.g. \"( 3 + 4 ) * 2 =\"");
    command->add_option("--task", arguments->task, "ari | ed | lis (default: the run's first)");
    // The bounds a config has for test lengths, test-set size and iterations.
    command->add_option("--length", arguments->length, "Take a test problem of this length")
        ->check(CLI::Range(1, static_cast<int>(configKey("test_lengths.max").maximum)));
    command->add_option("--index", arguments->index, "Which problem of that test set (0-based)")
        ->check(
            CLI::Range(0, static_cast<int>(configKey("data.test_samples_per_length").maximum) - 1));
    command->add_option("--rule", arguments->rule, "oracle | fixed | adaptive")
        ->check(CLI::IsMember({"oracle", "fixed", "adaptive"}));
    command
        ->add_option("--iterations", arguments->iterations,
                     "fixed: N; oracle/adaptive: iterations to run and show (past T too)")
        ->check(CLI::Range(0, static_cast<int>(configKey("iterations.maximum").maximum)));
    command->add_option("--db", arguments->database, "Run store");
    command->add_flag("--json", arguments->json, "One JSON object");
    command->callback([arguments] { runInspect(*arguments); });
}

} // namespace relay::cli
