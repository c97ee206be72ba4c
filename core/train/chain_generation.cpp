#include "train/chain_generation.h"

#include "model/stopping.h"
#include "tasks/dataset.h"
#include "tasks/task_lookup.h"
#include "tasks/tokens.h"
#include "train/evaluation.h"
#include "train/evaluation_scoring.h"
#include "train/looped_decoding.h"
#include "train/run_model.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <stdexcept>

namespace relay {
namespace {

// Adaptive stopping's default T_max for a set of problems: the longest T and half of it more
// (at least 2), so a model can both stop early and run past T.
std::int64_t adaptiveMaximum(const std::vector<DatasetExample>& problems) {
    std::int64_t longest = 1;
    for (const auto& example : problems)
        longest = std::max<std::int64_t>(longest, example.problem.iterations());
    return longest + std::max<std::int64_t>(2, longest / 2);
}

} // namespace

LabelFreeCheck labelFreeCheck(const LoopedDecoding& decoding, const Task& task,
                              double minimumConfidence) {
    LabelFreeCheck check;
    check.answerAgrees = task.chainAnswer(decoding.chain()) == decoding.answer;
    double lowest = decoding.answerConfidence;
    const auto chainSteps = decoding.chain().size();
    for (std::size_t t = 0; t < chainSteps; ++t) {
        const auto& readOut = decoding.readOuts[t];
        const auto& confidence = readOut.confidence;
        // The step is the read-out's right end.
        for (std::size_t k = 0; k < readOut.step.size() && k < confidence.size(); ++k)
            lowest = std::min<double>(lowest, confidence[confidence.size() - 1 - k]);
    }
    check.confidence = lowest;
    check.kept = check.answerAgrees && check.confidence >= minimumConfidence;
    return check;
}

GeneratedChain checkWrittenChain(const DatasetExample& truth, std::vector<Tokens> steps,
                                 std::string answer) {
    GeneratedChain chain;
    chain.truth = truth;
    chain.written = truth.problem;
    chain.written.steps = std::move(steps);
    chain.written.answer = std::move(answer);
    auto task = makeTask(taskName(truth.problem.task), truth.options);
    chain.verdict = task->verify(chain.written.input, chain.written.steps, chain.written.answer);
    chain.tokenAccuracy = writtenChainTokenAccuracy(truth.problem.steps, chain.written.steps);
    return chain;
}

const std::vector<int>& paperGeneratedShares() {
    static const std::vector<int> shares = {6477, 6882, 7287, 6477, 6072,
                                            5668, 5263, 4858, 4453, 4048};
    return shares;
}

std::vector<int> paperLengthCounts(int total, int lengths) {
    if (lengths < 1 || total < 0)
        throw std::invalid_argument("paperLengthCounts: need at least one length and total >= 0");
    const auto& shares = paperGeneratedShares();
    std::vector<double> weights;
    for (int index = 0; index < lengths; ++index)
        weights.push_back(
            shares[std::min<std::size_t>(static_cast<std::size_t>(index), shares.size() - 1)]);
    double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
    std::vector<int> counts(static_cast<std::size_t>(lengths));
    std::vector<std::pair<double, int>> remainders;
    int assigned = 0;
    for (int index = 0; index < lengths; ++index) {
        double exact = total * weights[static_cast<std::size_t>(index)] / sum;
        counts[static_cast<std::size_t>(index)] = static_cast<int>(std::floor(exact));
        assigned += counts[static_cast<std::size_t>(index)];
        remainders.push_back({exact - std::floor(exact), index});
    }
    // Largest remainders first; ties go to the shorter length.
    std::stable_sort(remainders.begin(), remainders.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (int index = 0; assigned < total; ++index, ++assigned)
        ++counts[static_cast<std::size_t>(remainders[static_cast<std::size_t>(index)].second)];
    return counts;
}

std::vector<DatasetExample> stageTwoProblems(const ExperimentConfig& config, int lengthMin,
                                             const std::vector<int>& counts) {
    std::vector<DatasetExample> problems;
    const int lengthMax = lengthMin + static_cast<int>(counts.size()) - 1;
    auto testSets = runTestSets(config, config.testLengths.min, config.testLengths.max);
    for (const auto& entry : config.tasks) {
        auto task = makeTask(entry.task, entry.options);
        InputSet testInputs;
        for (const auto& set : testSets)
            if (set.task == task->kind())
                for (const auto& example : set.examples)
                    testInputs.insert(example.problem.input);
        for (int length = lengthMin; length <= lengthMax; ++length) {
            LengthReport report;
            auto drawn = generateLength(*task, entry.options, length,
                                        counts[static_cast<std::size_t>(length - lengthMin)],
                                        config.seed, DatasetSplit::Train, &testInputs, report);
            for (auto& example : drawn) {
                example.weight = static_cast<float>(entry.weight);
                problems.push_back(std::move(example));
            }
        }
    }
    return problems;
}

std::vector<GeneratedChain>
writeLoopedChains(LoopedTransformer& model, const Vocabulary& vocabulary,
                  const std::vector<DatasetExample>& problems, const IterationsConfig& iterations,
                  bool prependTaskToken, std::int64_t batchSize, double labelFreeConfidence) {
    // Only inputs go in: the model must not see the true chain it is about to write.
    std::vector<Problem> inputs;
    for (const auto& example : problems) {
        Problem input = example.problem;
        input.steps.clear();
        input.answer.clear();
        inputs.push_back(std::move(input));
    }
    StoppingOptions stopping;
    stopping.rule = iterations.rule;
    stopping.fixedIterations = iterations.fixed;
    if (iterations.rule == StoppingRule::Adaptive)
        stopping.maximumIterations =
            iterations.maximum > 0 ? iterations.maximum : adaptiveMaximum(problems);
    auto decodings = decodeLooped(model, vocabulary, inputs, stopping, prependTaskToken, batchSize);
    std::vector<GeneratedChain> chains;
    chains.reserve(problems.size());
    for (std::size_t index = 0; index < problems.size(); ++index) {
        const auto& decoding = decodings[index];
        auto chain = checkWrittenChain(problems[index], decoding.chain(), decoding.answer);
        const auto& truth = problems[index];
        chain.labelFree = labelFreeCheck(
            decoding, *makeTask(taskName(truth.problem.task), truth.options), labelFreeConfidence);
        chains.push_back(std::move(chain));
    }
    return chains;
}

std::vector<GeneratedChain> writeArChains(ArTransformer& model, const Vocabulary& vocabulary,
                                          const std::vector<DatasetExample>& problems,
                                          bool prependTaskToken, std::int64_t batchSize) {
    auto truths = problemsOf(problems);
    auto decodings =
        decodeAr(model, vocabulary, truths, prependTaskToken, batchSize, newTokenBudget(truths));
    std::vector<GeneratedChain> chains;
    chains.reserve(problems.size());
    for (std::size_t index = 0; index < problems.size(); ++index)
        chains.push_back(checkWrittenChain(problems[index], decodings[index].chain.steps,
                                           decodings[index].chain.answer));
    return chains;
}

ChainRecord chainRecordOf(const GeneratedChain& chain) {
    ChainRecord record;
    record.task = taskName(chain.truth.problem.task);
    record.length = chain.truth.problem.complexity;
    record.input = joinTokens(chain.written.input);
    auto steps = nlohmann::json::array();
    for (const auto& step : chain.written.steps)
        steps.push_back(joinTokens(step));
    record.stepsJson = steps.dump();
    record.answer = chain.written.answer;
    record.verified = chain.verified();
    record.answerCorrect = chain.verdict.answerCorrect;
    record.firstWrongStep = chain.verdict.firstWrongStep;
    record.tokenAccuracy = chain.tokenAccuracy;
    if (chain.labelFree)
        record.labelFreeKept = chain.labelFree->kept ? 1 : 0;
    return record;
}

std::vector<ChainCorrectness> chainCorrectnessByLength(const std::vector<ChainRecord>& chains) {
    std::map<std::pair<std::string, int>, ChainCorrectness> byLength;
    std::map<std::pair<std::string, int>, std::pair<double, int>> tokenSums;
    for (const auto& chain : chains) {
        auto& entry = byLength[{chain.task, chain.length}];
        entry.task = chain.task;
        entry.length = chain.length;
        ++entry.samples;
        entry.verified += chain.verified ? 1 : 0;
        entry.answerCorrect += chain.answerCorrect ? 1 : 0;
        if (chain.labelFreeKept >= 0) {
            auto& agreement = entry.labelFree;
            agreement.selected += chain.labelFreeKept;
            agreement.verified += chain.verified ? 1 : 0;
            agreement.selectedAndVerified += chain.labelFreeKept == 1 && chain.verified ? 1 : 0;
        }
        if (chain.tokenAccuracy >= 0) {
            auto& [sum, measured] = tokenSums[{chain.task, chain.length}];
            sum += chain.tokenAccuracy;
            ++measured;
        }
    }
    std::vector<ChainCorrectness> rows;
    for (auto& [key, entry] : byLength) {
        entry.verified /= entry.samples;
        entry.answerCorrect /= entry.samples;
        if (auto found = tokenSums.find(key); found != tokenSums.end())
            entry.tokenAccuracy = found->second.first / found->second.second;
        rows.push_back(entry);
    }
    return rows;
}

FilterAgreement labelFreeAgreement(const std::vector<ChainCorrectness>& rows) {
    FilterAgreement total;
    for (const auto& row : rows) {
        total.selected += row.labelFree.selected;
        total.selectedAndVerified += row.labelFree.selectedAndVerified;
        total.verified += row.labelFree.verified;
    }
    return total;
}

DatasetExample writtenExample(const GeneratedChain& chain) {
    DatasetExample example = chain.truth;
    example.problem = chain.written;
    // An empty read-out adds no token to an AR sequence; dropping it keeps the sequence the
    // model wrote and the example a valid dataset record.
    auto& steps = example.problem.steps;
    steps.erase(
        std::remove_if(steps.begin(), steps.end(), [](const Tokens& step) { return step.empty(); }),
        steps.end());
    return example;
}

std::vector<DatasetExample> writtenExamples(const std::vector<GeneratedChain>& chains,
                                            ChainSelection selection) {
    std::vector<DatasetExample> examples;
    for (const auto& chain : chains) {
        const bool selected =
            selection == ChainSelection::All ||
            (selection == ChainSelection::Verified && chain.verified()) ||
            (selection == ChainSelection::LabelFree && chain.labelFree && chain.labelFree->kept);
        if (selected)
            examples.push_back(writtenExample(chain));
    }
    return examples;
}

} // namespace relay
