#include "tasks/dataset_verification.h"

#include "tasks/format_error.h"

#include <map>
#include <memory>
#include <tuple>

namespace relay {

VerificationSummary verifyExamples(const std::vector<DatasetExample>& examples,
                                   std::size_t wrongToKeep) {
    // One task per (kind, options): building a task can be costly (ARI checks its prime).
    std::map<std::tuple<TaskKind, int, int>, std::unique_ptr<Task>> tasks;
    VerificationSummary summary;
    for (std::size_t index = 0; index < examples.size(); ++index) {
        const DatasetExample& example = examples[index];
        const Problem& problem = example.problem;
        auto key =
            std::make_tuple(problem.task, example.options.modulus, example.options.lisValueRange);
        auto& task = tasks[key];
        if (!task)
            task = makeTask(taskName(problem.task), example.options);
        Verdict verdict;
        try {
            verdict = task->verify(problem.input, problem.steps, problem.answer);
        } catch (const ParseError& error) {
            throw FormatError(std::string("the input is not a valid ") + task->name() +
                                  " problem: " + error.what(),
                              example.line);
        }
        ++summary.total;
        if (verdict.correct()) {
            ++summary.correct;
            ++(verdict.canonical ? summary.canonical : summary.nonCanonical);
            continue;
        }
        ++summary.wrong;
        ++(verdict.chainCorrect ? summary.wrongAnswerOnly : summary.wrongChain);
        if (summary.firstWrong.size() < wrongToKeep)
            summary.firstWrong.push_back(
                {example.line, static_cast<int>(index), problem.task, verdict});
    }
    return summary;
}

} // namespace relay
