// CoT_benchmark chain text: the three sample files import and verify line for line, a changed
// digit is caught at the right step, and writing gives back the same text.
#include "cotbench_samples.h"

#include "tasks/cotbench_format.h"
#include "tasks/dataset_file.h"
#include "tasks/dataset_verification.h"
#include "tasks/format_error.h"
#include "tasks/task.h"

#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <random>
#include <sstream>

namespace relay {
namespace {

struct SampleFile {
    const char* name;
    TaskKind task;
};

const SampleFile kSamples[] = {
    {"ari_ops5_p11.txt", TaskKind::Arithmetic},
    {"ed_len8.txt", TaskKind::EditDistance},
    {"lis_len25.txt", TaskKind::LongestIncreasingSubsequence},
};

std::string fileText(const std::string& path) {
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

std::vector<std::string> fileLines(const std::string& path) {
    std::ifstream file(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(file, line);)
        lines.push_back(line);
    return lines;
}

bool isNumber(const std::string& token) {
    return !token.empty() && std::isdigit(static_cast<unsigned char>(token[0]));
}

// The sample path; the test fails and stops when the file is missing.
#define REQUIRE_SAMPLE(variable, name)                                                             \
    const std::string variable = testing::cotbenchFile(name);                                      \
    if (!std::filesystem::is_regular_file(variable))                                               \
    return

TEST(CotbenchFormat, EverySampleLineImportsAndVerifies) {
    int total = 0;
    int correct = 0;
    for (const auto& sample : kSamples) {
        REQUIRE_SAMPLE(path, sample.name);
        auto examples = readDatasetFile(path, DatasetFormat::Cotbench, sample.task);
        ASSERT_EQ(examples.size(), 100u) << sample.name;
        const auto summary = verifyExamples(examples);
        total += summary.total;
        correct += summary.correct;
        for (const auto& wrong : summary.firstWrong)
            ADD_FAILURE() << sample.name << " line " << wrong.line << ": " << wrong.verdict.reason;
    }
    EXPECT_EQ(total, 300);
    EXPECT_EQ(correct, 300);
}

TEST(CotbenchFormat, SampleFilesRoundTripByteForByte) {
    for (const auto& sample : kSamples) {
        REQUIRE_SAMPLE(path, sample.name);
        auto examples = readDatasetFile(path, DatasetFormat::Cotbench, sample.task);
        EXPECT_EQ(formatCotbench(examples, false), fileText(path)) << sample.name;
    }
}

TEST(CotbenchFormat, ArithmeticKeepsTheClaimedNonCanonicalChain) {
    const std::string line = "( 4 - 1 ) * 6 / 9 * 4 = 3 * 6 / 9 * 4 = 3 * 8 * 4 = 2 * 4 = 8 ";
    auto example = parseCotbenchLine(line, TaskKind::Arithmetic, 7);
    const Problem& problem = example.problem;
    EXPECT_EQ(problem.complexity, 4);
    EXPECT_EQ(joinTokens(problem.input), "( 4 - 1 ) * 6 / 9 * 4 =");
    ASSERT_EQ(problem.steps.size(), 4u);
    EXPECT_EQ(joinTokens(problem.steps[0]), "3 * 6 / 9 * 4 =");
    EXPECT_EQ(joinTokens(problem.steps[1]), "3 * 8 * 4 ="); // 6 / 9 first: not canonical
    EXPECT_EQ(joinTokens(problem.steps[2]), "2 * 4 =");
    EXPECT_EQ(problem.steps[3], Tokens{"8"});
    EXPECT_EQ(problem.answer, "8");
    EXPECT_EQ(example.line, 7);

    auto verdict = makeTask("ari")->verify(problem.input, problem.steps, problem.answer);
    EXPECT_TRUE(verdict.correct()) << verdict.reason;
    EXPECT_FALSE(verdict.canonical);
    EXPECT_EQ(formatCotbenchLine(problem), line);
}

TEST(CotbenchFormat, EditDistanceRowsAreSteps) {
    auto example = parseCotbenchLine(
        "o t m l | o t t m l <sep> 0 2 4 6 7 , 2 0 2 4 6 , 4 2 3 2 4 , 6 4 5 4 2 , <sep> 2",
        TaskKind::EditDistance, 1);
    const Problem& problem = example.problem;
    EXPECT_EQ(problem.complexity, 4);
    EXPECT_EQ(joinTokens(problem.input), "o t m l | o t t m l <sep>");
    ASSERT_EQ(problem.steps.size(), 4u);
    EXPECT_EQ(joinTokens(problem.steps[0]), "0 2 4 6 7 ,");
    EXPECT_EQ(joinTokens(problem.steps[3]), "6 4 5 4 2 ,");
    EXPECT_EQ(problem.answer, "2");
}

TEST(CotbenchFormat, LongestIncreasingSubsequenceFoldsTenValuesPerStep) {
    const std::string line = "103 110 145 217 233 18 30 82 141 150 159 161 167 239 <sep> "
                             "1 2 3 4 5 1 2 3 4 5 6 7 8 9 <sep> 9 ";
    auto example = parseCotbenchLine(line, TaskKind::LongestIncreasingSubsequence, 1);
    const Problem& problem = example.problem;
    EXPECT_EQ(problem.complexity, 14);
    ASSERT_EQ(problem.steps.size(), 2u);
    EXPECT_EQ(joinTokens(problem.steps[0]), "1 2 3 4 5 1 2 3 4 5 <sep>");
    EXPECT_EQ(joinTokens(problem.steps[1]), "6 7 8 9 9 9 9 9 9 9 <sep>");
    EXPECT_EQ(problem.answer, "9");
    EXPECT_EQ(formatCotbenchLine(problem), line); // unfolded again, padding dropped
}

TEST(CotbenchFormat, TaskTokensSelectTheTaskPerLine) {
    std::istringstream text("[ED] a | b <sep> 3 , <sep> 3\n\n[ARI] 3 + 4 = 7\n");
    auto examples = readCotbench(text, std::nullopt);
    ASSERT_EQ(examples.size(), 2u);
    EXPECT_EQ(examples[0].problem.task, TaskKind::EditDistance);
    EXPECT_EQ(examples[0].problem.input, (Tokens{"a", "|", "b", "<sep>"}));
    EXPECT_EQ(examples[1].problem.task, TaskKind::Arithmetic);
    EXPECT_EQ(examples[1].line, 3);
    EXPECT_EQ(formatCotbench(examples, true), "[ED] a | b <sep> 3 , <sep> 3 \n[ARI] 3 + 4 = 7 \n");
}

// Every sample line with one digit of one step changed: wrong, and at that step.
TEST(CotbenchFormat, OneChangedDigitIsReportedAtItsStep) {
    for (const auto& sample : kSamples) {
        REQUIRE_SAMPLE(path, sample.name);
        auto task = makeTask(taskName(sample.task));
        auto lines = fileLines(path);
        for (std::size_t index = 0; index < lines.size(); ++index) {
            Problem original = parseCotbenchLine(lines[index], sample.task, 1).problem;
            const int step = static_cast<int>(index % original.steps.size()); // 0-based
            // Change the last digit of the step's first number, in the text itself. ARI
            // numbers must stay below the modulus, so only single digits are changed there.
            Tokens tokens = splitTokens(lines[index]);
            Tokens& stepTokens = original.steps[static_cast<std::size_t>(step)];
            auto number = std::find_if(stepTokens.begin(), stepTokens.end(), [&](auto& token) {
                return isNumber(token) &&
                       (sample.task != TaskKind::Arithmetic || token.size() == 1);
            });
            if (number == stepTokens.end())
                continue;
            char& digit = number->back();
            digit = static_cast<char>('0' + (digit - '0' + 1) % 10);
            if (sample.task == TaskKind::Arithmetic && step + 1 == original.iterations())
                original.answer = *number; // the last step is the answer in this format
            const std::string changedLine = formatCotbenchLine(original);
            ASSERT_NE(splitTokens(changedLine), tokens);
            Problem changed = parseCotbenchLine(changedLine, sample.task, 1).problem;
            auto verdict = task->verify(changed.input, changed.steps, changed.answer);
            EXPECT_FALSE(verdict.correct()) << sample.name << " line " << index + 1;
            EXPECT_EQ(verdict.firstWrongStep, step + 1)
                << sample.name << " line " << index + 1 << ": " << changedLine << " ("
                << verdict.reason << ")";
        }
    }
}

TEST(CotbenchFormat, GeneratedProblemsRoundTripForEveryTask) {
    std::mt19937_64 random(5);
    for (const char* name : {"ari", "ed", "lis"}) {
        auto task = makeTask(name);
        for (int complexity : {1, 3, 9, 10, 11, 23}) {
            for (int repeat = 0; repeat < 20; ++repeat) {
                Problem problem = task->generate(complexity, random);
                std::string line = formatCotbenchLine(problem);
                Problem back = parseCotbenchLine(line, problem.task, 1).problem;
                EXPECT_EQ(back.task, problem.task);
                EXPECT_EQ(back.complexity, problem.complexity) << line;
                EXPECT_EQ(back.input, problem.input) << line;
                EXPECT_EQ(back.steps, problem.steps) << line;
                EXPECT_EQ(back.answer, problem.answer) << line;
            }
        }
    }
}

void expectFormatError(TaskKind task, const std::string& line, const std::string& fragment) {
    try {
        parseCotbenchLine(line, task, 42);
        ADD_FAILURE() << "no error for: " << line;
    } catch (const FormatError& error) {
        EXPECT_EQ(error.line(), 42);
        EXPECT_NE(std::string(error.what()).find("line 42"), std::string::npos) << error.what();
        EXPECT_NE(error.message().find(fragment), std::string::npos) << error.what();
    }
}

TEST(CotbenchFormat, MalformedLinesNameTheLineAndTheProblem) {
    expectFormatError(TaskKind::Arithmetic, "3 + 4", "no '='");
    expectFormatError(TaskKind::Arithmetic, "3 + 4 = = 7", "empty expression");
    expectFormatError(TaskKind::Arithmetic, "3 + 4 = 7 1", "one answer token");
    expectFormatError(TaskKind::EditDistance, "a b c", "missing '<sep>'");
    expectFormatError(TaskKind::EditDistance, "a b <sep> 1 , <sep> 3", "'|'");
    expectFormatError(TaskKind::EditDistance, "a | b <sep> 3 , 4", "before the answer");
    expectFormatError(TaskKind::EditDistance, "a | b <sep> 3 <sep> 3", "end with ','");
    expectFormatError(TaskKind::EditDistance, "a | b <sep> 3 , <sep>", "one answer token");
    expectFormatError(TaskKind::LongestIncreasingSubsequence, "5 7 <sep> 1 <sep> 1",
                      "expected 2 DP values");
    expectFormatError(TaskKind::LongestIncreasingSubsequence, "<sep> <sep> 0", "empty");
    expectFormatError(TaskKind::Arithmetic, "[ED] a | b <sep> 3 , <sep> 3", "does not match");
}

TEST(CotbenchFormat, StreamErrorsCountBlankLines) {
    std::istringstream text("3 + 4 = 7\n\n3 + 4 = = 7\n");
    try {
        readCotbench(text, TaskKind::Arithmetic);
        FAIL() << "no error";
    } catch (const FormatError& error) {
        EXPECT_EQ(error.line(), 3);
    }
    std::istringstream untagged("3 + 4 = 7\n");
    EXPECT_THROW(readCotbench(untagged, std::nullopt), FormatError);
}

TEST(CotbenchFormat, UnwritableChainsAreRefused) {
    Problem problem;
    problem.task = TaskKind::Arithmetic;
    problem.input = splitTokens("3 + 4 =");
    problem.steps = {{"7"}};
    problem.answer = "6"; // a model's answer head may disagree with its last step
    EXPECT_THROW(formatCotbenchLine(problem), std::invalid_argument);
}

} // namespace
} // namespace relay
