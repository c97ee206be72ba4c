// Task::chainAnswer, the answer a chain's own steps imply (the label-free Stage II filter reads
// it without solving the input). Checked against CoT_benchmark's own files, whose answers its
// generator wrote independently of our solvers, and against hand-made chains.
#include "cotbench_samples.h"
#include "tasks/cotbench_format.h"
#include "tasks/task.h"

#include <gtest/gtest.h>

#include <fstream>

namespace relay {
namespace {

void expectFileAnswersRead(const std::string& file, TaskKind kind) {
    std::ifstream stream(testing::cotbenchFile(file));
    auto examples = readCotbench(stream, kind);
    ASSERT_GE(examples.size(), 10u) << file;
    auto task = makeTask(taskName(kind));
    for (const auto& example : examples)
        EXPECT_EQ(task->chainAnswer(example.problem.steps), example.problem.answer)
            << file << " line " << example.line;
}

TEST(ChainAnswer, ReadsTheAnswerOfEveryCotbenchChain) {
    expectFileAnswersRead("ari_ops5_p11.txt", TaskKind::Arithmetic);
    expectFileAnswersRead("ed_len8.txt", TaskKind::EditDistance);
    expectFileAnswersRead("lis_len25.txt", TaskKind::LongestIncreasingSubsequence);
}

// The chain is read, not the input solved: a chain that ends wrongly implies its own answer.
TEST(ChainAnswer, ReadsWhatTheChainSaysNotTheTruth) {
    auto ari = makeTask("ari");
    EXPECT_EQ(ari->chainAnswer({{"3", "+", "4", "*", "2"}, {"3", "+", "8"}, {"10"}}), "10");
    EXPECT_EQ(ari->chainAnswer({{"3", "+", "4"}, {"9"}}), "9");

    auto ed = makeTask("ed");
    // Rows D[1][1..3], D[2][1..3]: the last entry of the last row, not the largest or first.
    EXPECT_EQ(ed->chainAnswer({{"1", "2", "3", ","}, {"2", "1", "4", ","}}), "4");

    auto lis = makeTask("lis");
    // The largest length anywhere, also when it is not in the last step.
    EXPECT_EQ(lis->chainAnswer({{"1", "2", "7", "<sep>"}, {"1", "3", "3", "<sep>"}}), "7");
    EXPECT_EQ(lis->chainAnswer({{"1", "1", "<sep>"}, {"2", "5", "<sep>"}}), "5");
}

TEST(ChainAnswer, EmptyWhenTheChainHasNoReadableAnswer) {
    auto ari = makeTask("ari");
    EXPECT_FALSE(ari->chainAnswer({}));
    EXPECT_FALSE(ari->chainAnswer({{"3", "+", "4"}}));        // never reduced to a value
    EXPECT_FALSE(ari->chainAnswer({{"3", "+", "4"}, {"+"}})); // not a number
    auto ed = makeTask("ed");
    EXPECT_FALSE(ed->chainAnswer({}));
    EXPECT_FALSE(ed->chainAnswer({{"1", "2", "3"}})); // the row never ends
    EXPECT_FALSE(ed->chainAnswer({{","}}));           // an empty row
    EXPECT_FALSE(ed->chainAnswer({{"1", "a", ","}})); // a letter where D[n][m] goes
    auto lis = makeTask("lis");
    EXPECT_FALSE(lis->chainAnswer({}));
    EXPECT_FALSE(lis->chainAnswer({{"1", "2"}}));              // a step without its <sep>
    EXPECT_FALSE(lis->chainAnswer({{"1", "<pad>", "<sep>"}})); // not a number
    EXPECT_FALSE(lis->chainAnswer({{"<sep>"}}));               // no length at all
}

} // namespace
} // namespace relay
