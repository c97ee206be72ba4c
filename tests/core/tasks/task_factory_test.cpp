// makeTask and taskName: every short and long name, any case, and a helpful error otherwise.
#include "tasks/task.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace {

using relay::makeTask;
using relay::TaskKind;
using relay::TaskOptions;

struct NamedTask {
    const char* name;
    TaskKind kind;
    const char* shortName;
    const char* token;
};

const NamedTask kNames[] = {
    {"ari", TaskKind::Arithmetic, "ari", "[ARI]"},
    {"arithmetic", TaskKind::Arithmetic, "ari", "[ARI]"},
    {"ARI", TaskKind::Arithmetic, "ari", "[ARI]"},
    {"Arithmetic", TaskKind::Arithmetic, "ari", "[ARI]"},
    {"ed", TaskKind::EditDistance, "ed", "[ED]"},
    {"edit-distance", TaskKind::EditDistance, "ed", "[ED]"},
    {"ED", TaskKind::EditDistance, "ed", "[ED]"},
    {"Edit-Distance", TaskKind::EditDistance, "ed", "[ED]"},
    {"lis", TaskKind::LongestIncreasingSubsequence, "lis", "[LIS]"},
    {"longest-increasing-subsequence", TaskKind::LongestIncreasingSubsequence, "lis", "[LIS]"},
    {"LIS", TaskKind::LongestIncreasingSubsequence, "lis", "[LIS]"},
    {"Longest-Increasing-Subsequence", TaskKind::LongestIncreasingSubsequence, "lis", "[LIS]"},
};

TEST(TaskFactory, MakesEveryTaskByShortAndLongNameInAnyCase) {
    for (const auto& each : kNames) {
        const auto task = makeTask(each.name);
        ASSERT_NE(task, nullptr) << each.name;
        EXPECT_EQ(task->kind(), each.kind) << each.name;
        EXPECT_EQ(task->name(), each.shortName) << each.name;
        EXPECT_EQ(task->taskToken(), each.token) << each.name;
    }
}

TEST(TaskFactory, TaskNameMatchesEachTasksName) {
    EXPECT_EQ(relay::taskName(TaskKind::Arithmetic), "ari");
    EXPECT_EQ(relay::taskName(TaskKind::EditDistance), "ed");
    EXPECT_EQ(relay::taskName(TaskKind::LongestIncreasingSubsequence), "lis");
    for (const auto& each : kNames)
        EXPECT_EQ(makeTask(relay::taskName(each.kind))->kind(), each.kind);
}

TEST(TaskFactory, PassesOptionsThrough) {
    TaskOptions options;
    options.modulus = 23;
    options.lisValueRange = 100;
    EXPECT_EQ(makeTask("ari", options)->largestNumber(5), 22);
    EXPECT_EQ(makeTask("lis", options)->largestNumber(5), 99);
    EXPECT_EQ(makeTask("ed", options)->largestNumber(5), makeTask("ed")->largestNumber(5));
}

TEST(TaskFactory, UnknownNameIsNamedAndValidNamesAreListed) {
    for (const std::string name : {"sorting", "", "e d", "lis ", "edit_distance"}) {
        try {
            makeTask(name);
            ADD_FAILURE() << "accepted '" << name << "'";
        } catch (const std::invalid_argument& error) {
            const std::string message = error.what();
            EXPECT_NE(message.find("'" + name + "'"), std::string::npos) << message;
            for (const char* valid : {"ari", "arithmetic", "ed", "edit-distance", "lis",
                                      "longest-increasing-subsequence"})
                EXPECT_NE(message.find(valid), std::string::npos) << message;
        }
    }
}

} // namespace
