// JSONL datasets: round trip for every task, options and weights kept, and errors that name
// the line and the key.
#include "tasks/atomic_file.h"
#include "tasks/dataset_file.h"
#include "tasks/format_error.h"
#include "tasks/jsonl_format.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace relay {
namespace {

void expectSameProblem(const Problem& actual, const Problem& expected) {
    EXPECT_EQ(actual.task, expected.task);
    EXPECT_EQ(actual.complexity, expected.complexity);
    EXPECT_EQ(actual.input, expected.input);
    EXPECT_EQ(actual.steps, expected.steps);
    EXPECT_EQ(actual.answer, expected.answer);
}

TEST(JsonlFormat, WritesTheDocumentedLine) {
    DatasetExample example;
    example.problem.task = TaskKind::Arithmetic;
    example.problem.complexity = 1;
    example.problem.input = splitTokens("3 + 4 =");
    example.problem.steps = {{"7"}};
    example.problem.answer = "7";
    EXPECT_EQ(formatJsonlLine(example),
              R"({"task":"ari","complexity":1,"input":"3 + 4 =","steps":["7"],)"
              R"("answer":"7","modulus":11})");
    example.weight = 0.5f;
    example.options.modulus = 23;
    auto back = parseJsonlLine(formatJsonlLine(example), 1);
    EXPECT_EQ(back.options.modulus, 23);
    EXPECT_FLOAT_EQ(back.weight, 0.5f);
}

TEST(JsonlFormat, GeneratedProblemsRoundTripForEveryTask) {
    std::mt19937_64 random(11);
    std::vector<DatasetExample> examples;
    TaskOptions options;
    options.lisValueRange = 400;
    for (const char* name : {"ari", "ed", "lis"}) {
        auto task = makeTask(name, options);
        for (int complexity : {1, 2, 5, 12, 21})
            for (int repeat = 0; repeat < 10; ++repeat)
                examples.push_back({task->generate(complexity, random), options, 1.0f, 0});
    }
    std::istringstream text(formatJsonl(examples));
    auto back = readJsonl(text);
    ASSERT_EQ(back.size(), examples.size());
    for (std::size_t index = 0; index < back.size(); ++index) {
        expectSameProblem(back[index].problem, examples[index].problem);
        EXPECT_EQ(back[index].line, static_cast<int>(index + 1));
    }
    EXPECT_EQ(back.back().options.lisValueRange, 400);
}

TEST(JsonlFormat, KeepsAnswersThatDisagreeWithTheLastStep) {
    std::istringstream text(R"({"task":"ari","input":"3 + 4 =","steps":["7"],"answer":"6"})"
                            "\n");
    auto examples = readJsonl(text);
    ASSERT_EQ(examples.size(), 1u);
    EXPECT_EQ(examples[0].problem.answer, "6");
    EXPECT_EQ(examples[0].problem.complexity, 1); // derived when absent
}

void expectError(const std::string& line, const std::string& fragment) {
    std::istringstream text("\n" + line + "\n"); // the bad record is on line 2
    try {
        readJsonl(text);
        ADD_FAILURE() << "no error for: " << line;
    } catch (const FormatError& error) {
        EXPECT_EQ(error.line(), 2) << error.what();
        EXPECT_NE(error.message().find(fragment), std::string::npos) << error.what();
    }
}

TEST(JsonlFormat, MalformedRecordsNameTheLineAndKey) {
    expectError(R"({"task":"ari",)", "not valid JSON");
    // A number past double's range is not a syntax error to the JSON library (found by
    // fuzz_dataset): it must still be this line's FormatError, not an escaping exception.
    expectError("6e633333337333", "not valid JSON");
    expectError(R"([1,2])", "JSON object");
    expectError(R"({"input":"3 + 4 =","steps":["7"],"answer":"7"})", "\"task\"");
    expectError(R"({"task":"chess","input":"3 + 4 =","steps":["7"],"answer":"7"})", "unknown task");
    expectError(R"({"task":"ari","steps":["7"],"answer":"7"})", "\"input\"");
    expectError(R"({"task":"ari","input":"3 + 4 =","steps":"7","answer":"7"})", "\"steps\"");
    expectError(R"({"task":"ari","input":"3 + 4 =","steps":["7", 3],"answer":"7"})", "steps[1]");
    expectError(R"({"task":"ari","input":"3 + 4 =","steps":["7"]})", "\"answer\"");
    expectError(R"({"task":"ari","input":"3 + 4 =","steps":["7"],"answer":"7 8"})", "one token");
    expectError(R"({"task":"ari","complexity":2,"input":"3 + 4 =","steps":["7"],"answer":"7"})",
                "\"complexity\"");
    expectError(R"({"task":"ari","input":"3 + 4 =","steps":["7"],"answer":"7","modulus":"x"})",
                "\"modulus\"");
    expectError(R"({"task":"ari","input":"3 + 4 =","steps":["7"],"answer":"7","weight":-1})",
                "\"weight\"");
}

TEST(DatasetFile, WritesAtomicallyAndReadsBackWithTheFileInErrors) {
    const auto folder = std::filesystem::temp_directory_path() / "relay_jsonl_test";
    std::filesystem::remove_all(folder);
    std::filesystem::create_directories(folder);
    const std::string path = (folder / "set.jsonl").string();

    std::mt19937_64 random(3);
    std::vector<DatasetExample> examples;
    for (const char* name : {"ed", "lis"})
        examples.push_back({makeTask(name)->generate(4, random), {}, 2.0f, 0});
    writeDatasetFile(path, examples, DatasetFormat::Jsonl);
    writeDatasetFile(path, examples, DatasetFormat::Jsonl); // replaces, never appends
    auto back = readDatasetFile(path, detectDatasetFormat(path));
    ASSERT_EQ(back.size(), 2u);
    expectSameProblem(back[1].problem, examples[1].problem);
    EXPECT_FLOAT_EQ(back[0].weight, 2.0f);
    // Only the file itself is left: no temporary files.
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(folder),
                            std::filesystem::directory_iterator()),
              1);

    // Mixed tasks in CoT_benchmark text carry task tokens and read back without --task.
    const std::string textPath = (folder / "set.txt").string();
    writeDatasetFile(textPath, examples, DatasetFormat::Cotbench);
    auto text = readDatasetFile(textPath, detectDatasetFormat(textPath));
    ASSERT_EQ(text.size(), 2u);
    expectSameProblem(text[0].problem, examples[0].problem);

    writeFileAtomically(path, "{}\n{\"task\":1}\n");
    try {
        readDatasetFile(path, DatasetFormat::Jsonl);
        ADD_FAILURE() << "no error";
    } catch (const FormatError& error) {
        EXPECT_EQ(std::string(error.what()).rfind(path + ":1: missing key", 0), 0u) << error.what();
    }
    EXPECT_THROW(readDatasetFile((folder / "absent.jsonl").string(), DatasetFormat::Jsonl),
                 std::runtime_error);
    EXPECT_THROW(writeFileAtomically((folder / "no/such/folder.txt").string(), "x"),
                 std::runtime_error);
    std::filesystem::remove_all(folder);
}

TEST(DatasetFile, DetectsTheFormat) {
    EXPECT_EQ(detectDatasetFormat("a.jsonl"), DatasetFormat::Jsonl);
    EXPECT_EQ(detectDatasetFormat("a.txt"), DatasetFormat::Cotbench);
    EXPECT_EQ(datasetFormatFromName("jsonl"), DatasetFormat::Jsonl);
    EXPECT_THROW(datasetFormatFromName("csv"), std::invalid_argument);
}

} // namespace
} // namespace relay
