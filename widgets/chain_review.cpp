#include "chain_review.h"

#include "config/stored_config.h"
#include "tasks/task.h"
#include "tasks/task_lookup.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

namespace relay {

namespace {

// The stored config's task options, or the defaults when the config cannot be read (the chains
// are still shown; their truths then use the default modulus).
ExperimentConfig taskConfigOf(const std::string& configJson) {
    return tryStoredExperimentConfig(configJson, "the run's config").value_or(ExperimentConfig{});
}

} // namespace

std::vector<ChainReview> reviewChains(const std::vector<ChainRecord>& chains,
                                      const std::string& configJson) {
    const ExperimentConfig config = taskConfigOf(configJson);
    std::map<std::string, std::unique_ptr<Task>> tasks;
    std::vector<ChainReview> reviews;
    reviews.reserve(chains.size());
    for (const ChainRecord& chain : chains) {
        ChainReview review;
        review.chain = chain;
        const auto steps = nlohmann::json::parse(chain.stepsJson, nullptr, false);
        if (steps.is_array())
            for (const auto& step : steps)
                review.steps.push_back(
                    splitTokens(step.is_string() ? step.get<std::string>() : step.dump()));
        try {
            auto& task = tasks[chain.task];
            if (!task)
                task = makeTask(chain.task, config.optionsOf(chain.task));
            review.truth = task->solve(splitTokens(chain.input));
        } catch (const std::exception& error) {
            review.error = error.what();
        }
        reviews.push_back(std::move(review));
    }
    return reviews;
}

std::vector<LengthCorrectness> correctnessByLength(const std::vector<ChainReview>& reviews) {
    std::map<int, LengthCorrectness> byLength;
    std::map<int, std::pair<double, int>> tokenSums;
    for (const ChainReview& review : reviews) {
        LengthCorrectness& row = byLength[review.chain.length];
        row.length = review.chain.length;
        ++row.chains;
        row.verified += review.chain.verified ? 1 : 0;
        row.answerCorrect += review.chain.answerCorrect ? 1 : 0;
        if (review.chain.tokenAccuracy >= 0) {
            auto& [sum, measured] = tokenSums[review.chain.length];
            sum += review.chain.tokenAccuracy;
            ++measured;
        }
    }
    std::vector<LengthCorrectness> rows;
    for (auto& [length, row] : byLength) {
        if (auto found = tokenSums.find(length); found != tokenSums.end())
            row.tokenAccuracy = found->second.first / found->second.second;
        rows.push_back(row);
    }
    return rows;
}

std::vector<int> filterChains(const std::vector<ChainReview>& reviews, int length,
                              ChainFilter filter) {
    std::vector<int> indices;
    for (int i = 0; i < static_cast<int>(reviews.size()); ++i) {
        const ChainRecord& chain = reviews[static_cast<std::size_t>(i)].chain;
        if (length > 0 && chain.length != length)
            continue;
        if ((filter == ChainFilter::Verified && !chain.verified) ||
            (filter == ChainFilter::Wrong && chain.verified) ||
            (filter == ChainFilter::LabelFreeKept && chain.labelFreeKept != 1))
            continue;
        indices.push_back(i);
    }
    return indices;
}

std::vector<DatasetExample> exportExamples(const std::vector<ChainReview>& reviews,
                                           const std::vector<int>& indices,
                                           const std::string& configJson, int* skipped) {
    const ExperimentConfig config = taskConfigOf(configJson);
    std::vector<DatasetExample> examples;
    examples.reserve(indices.size());
    if (skipped)
        *skipped = 0;
    for (int index : indices) {
        const ChainReview& review = reviews[static_cast<std::size_t>(index)];
        const bool emptyStep = std::any_of(review.steps.begin(), review.steps.end(),
                                           [](const Tokens& step) { return step.empty(); });
        if (emptyStep || review.steps.empty() || review.chain.answer.empty()) {
            if (skipped)
                ++*skipped;
            continue;
        }
        DatasetExample example;
        example.problem.task = taskKindFromName(review.chain.task);
        example.problem.complexity = review.chain.length;
        example.problem.input = splitTokens(review.chain.input);
        example.problem.steps = review.steps;
        example.problem.answer = review.chain.answer;
        example.options = config.optionsOf(review.chain.task);
        examples.push_back(std::move(example));
    }
    return examples;
}

std::vector<int> differingTokens(const Tokens& generated, const Tokens& truth) {
    std::vector<int> positions;
    const auto offset = static_cast<long>(truth.size()) - static_cast<long>(generated.size());
    for (long i = 0; i < static_cast<long>(generated.size()); ++i) {
        const long j = i + offset;
        if (j < 0 || generated[static_cast<std::size_t>(i)] != truth[static_cast<std::size_t>(j)])
            positions.push_back(static_cast<int>(i));
    }
    return positions;
}

} // namespace relay
