// Reading arithmetic problems typed by people or written as tokens: loose spacing, the signs
// × and ÷, and a ParseError naming the token and its position for every malformed input.
#include "tasks/arithmetic.h"

#include <gtest/gtest.h>

#include <random>

namespace relay {
namespace {

TEST(ArithmeticParseTest, AcceptsLooseSpacingAndCalculatorSigns) {
    const ArithmeticTask task(TaskOptions{23});
    const Tokens expected = splitTokens("( 6 + 9 ) / ( 7 + 2 * 5 - 4 * 3 ) =");
    EXPECT_EQ(task.parseInput("(6+9)/(7+2*5-4*3)"), expected);
    EXPECT_EQ(task.parseInput("( 6 + 9 ) / ( 7 + 2 * 5 - 4 * 3 ) ="), expected);
    EXPECT_EQ(task.parseInput("  (6 +9)/ (7+2 *5-4*3)=  \n"), expected);
    EXPECT_EQ(task.parseInput("(6+9)\xC3\xB7(7+2\xC3\x97"
                              "5\xE2\x88\x92"
                              "4\xC3\x97"
                              "3)"),
              expected);
    EXPECT_EQ(task.parseInput("(06+9)/(7+2*05-4*3)"), expected);
    EXPECT_EQ(task.solve(task.parseInput("(6+9)/(7+2*5-4*3)")).answer, "3");
}

TEST(ArithmeticParseTest, DropsParenthesesAroundASingleNumberInTypedText) {
    const ArithmeticTask task;
    EXPECT_EQ(task.parseInput("(5)+3"), splitTokens("5 + 3 ="));
    EXPECT_EQ(task.parseInput("((5))*(2+(1))"), splitTokens("5 * ( 2 + 1 ) ="));
    // Tokens are taken as written, so solve names them instead.
    try {
        task.solve(splitTokens("( 5 ) + 3 ="));
        ADD_FAILURE() << "accepted ( 5 )";
    } catch (const ParseError& error) {
        EXPECT_EQ(error.position(), 0);
        EXPECT_NE(std::string(error.what()).find("single number 5"), std::string::npos);
    }
}

struct MalformedCase {
    std::string text;
    int position;
    std::string token;
    std::string message; // a part of the message
};

void expectParseError(const std::function<void()>& call, const MalformedCase& testCase) {
    SCOPED_TRACE("'" + testCase.text + "'");
    try {
        call();
        ADD_FAILURE() << "no ParseError";
    } catch (const ParseError& error) {
        EXPECT_EQ(error.position(), testCase.position) << error.what();
        EXPECT_EQ(error.token(), testCase.token) << error.what();
        EXPECT_NE(std::string(error.what()).find(testCase.message), std::string::npos)
            << error.what();
        // Every message that can point at a token says where it is.
        if (!testCase.token.empty()) {
            EXPECT_NE(
                std::string(error.what()).find("at token " + std::to_string(testCase.position)),
                std::string::npos)
                << error.what();
        }
    }
}

TEST(ArithmeticParseTest, NamesTheOffendingTokenAndPosition) {
    const ArithmeticTask task;
    const std::vector<MalformedCase> cases = {
        {"1 + x", 2, "x", "unknown token 'x'"},
        {"1.5 + 2", 0, "1.5", "unknown token '1.5'"},
        {"3x * 2", 0, "3x", "unknown token '3x'"},
        {"1 + 2 * 12", 4, "12", "number 12 out of range 0..10"},
        {"99999999999999999999 + 1", 0, "99999999999999999999", "out of range 0..10"},
        {"(1 + 2", 0, "(", "unclosed '('"},
        {"1 + 2)", 3, ")", "unbalanced ')'"},
        {"1 + (", 2, "(", "unclosed '('"},
        {"1 +", 1, "+", "operator '+' without a right operand"},
        {"* 2", 0, "*", "operator '*' without a left operand"},
        {"1 + * 2", 2, "*", "operator '*' without a left operand"},
        {"(+ 2)", 1, "+", "without a left operand"},
        {"(1 -) * 2", 2, "-", "without a right operand"},
        {"-3 + 1", 0, "-", "without a left operand"},
        {"1 2", 1, "2", "two numbers in a row"},
        {"(1 + 2) 3", 5, "3", "missing operator"},
        {"2 (1 + 2)", 1, "(", "missing operator before '('"},
        {"1 + ()", 2, "(", "empty parentheses"},
        {"1 = 2", 1, "=", "'=' is allowed only at the end"},
        {"1 + 2 = =", 3, "=", "'=' is allowed only at the end"},
        {"1 / 0", 1, "/", "division by zero"},
        {"1 / (2 - 2) + 3", 1, "/", "division by zero"},
        {"(5) + 1 / (3 * 0)", 5, "/", "division by zero"},
        {"7", 0, "7", "no operator"},
        {"(7)", 0, "(", "no operator"},
    };
    for (const auto& testCase : cases)
        expectParseError([&] { task.parseInput(testCase.text); }, testCase);
}

TEST(ArithmeticParseTest, RejectsEmptyAndOverlongInput) {
    const ArithmeticTask task;
    expectParseError([&] { task.parseInput(""); }, {"", 0, "", "empty input"});
    expectParseError([&] { task.parseInput(" \t\n"); }, {" ", 0, "", "empty input"});
    expectParseError([&] { task.parseInput("="); }, {"=", 0, "=", "empty expression"});

    std::string text = "1";
    for (int count = 0; count < 99; ++count)
        text += " + 1"; // 199 tokens, 200 with "="
    EXPECT_EQ(task.parseInput(text).size(), static_cast<std::size_t>(kMaximumInputTokens));
    text += " + 1";
    expectParseError([&] { task.parseInput(text); },
                     {"201 tokens", kMaximumInputTokens, "1", "more than 200 tokens"});
    // A huge text is refused without reading all of it.
    const std::string huge(1'000'000, '1');
    EXPECT_THROW(task.parseInput(huge + "+" + huge), ParseError);
}

TEST(ArithmeticParseTest, SolveChecksTokensTheSameWay) {
    const ArithmeticTask task;
    expectParseError([&] { task.solve({}); }, {"", 0, "", "empty input"});
    expectParseError([&] { task.solve(splitTokens("1 + 2")); }, {"1 + 2", 3, "", "end with '='"});
    expectParseError([&] { task.solve(splitTokens("1 + 12 =")); },
                     {"1 + 12 =", 2, "12", "out of range 0..10"});
    expectParseError([&] { task.solve(splitTokens("07 + 1 =")); },
                     {"07 + 1 =", 0, "07", "leading zero"});
    expectParseError([&] { task.solve(splitTokens("1 + ( ) =")); },
                     {"1 + ( ) =", 2, "(", "empty parentheses"});
    expectParseError([&] { task.solve(splitTokens("4 / ( 3 - 3 ) =")); },
                     {"4 / ( 3 - 3 ) =", 1, "/", "division by zero"});
    Tokens longInput;
    for (int count = 0; count < 150; ++count) {
        longInput.emplace_back("1");
        longInput.emplace_back("+");
    }
    longInput.back() = "=";
    expectParseError([&] { task.solve(longInput); },
                     {"300 tokens", kMaximumInputTokens, "1", "more than 200 tokens"});
}

// Random text and token lists: a ParseError or a valid problem, never anything else.
TEST(ArithmeticParseTest, NeverCrashesOnGarbage) {
    const ArithmeticTask task;
    std::mt19937_64 random(99);
    const std::vector<std::string> pieces = {
        "0",  "1",  "7",        "10",       "11",   "+",    "-",  "*",
        "/",  "(",  ")",        "=",        " ",    "x",    ".",  "",
        "\t", "05", "\xC3\x97", "\xC3\xB7", "\xC3", "\xFF", "-1", "123456789012"};
    std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
    std::uniform_int_distribution<int> length(0, 25);
    int parsed = 0;
    for (int trial = 0; trial < 5000; ++trial) {
        std::string text;
        Tokens tokens;
        for (int count = length(random); count > 0; --count) {
            // Every other trial is nearly well formed: number, operator, number, ...
            std::string piece = pieces[pick(random)];
            if (trial % 2 == 1 && pick(random) > 2)
                piece = count % 2 == 1 ? std::to_string(pick(random) % 11) : pieces[5 + count % 4];
            text += piece;
            if (!splitTokens(piece).empty())
                tokens.push_back(piece);
        }
        try {
            const Tokens input = task.parseInput(text);
            const Problem problem = task.solve(input);
            EXPECT_TRUE(task.verify(input, problem.steps, problem.answer).correct()) << text;
            ++parsed;
        } catch (const ParseError&) {
        } catch (const std::exception& error) {
            ADD_FAILURE() << "parseInput('" << text << "') threw " << error.what();
        }
        try {
            const Problem problem = task.solve(tokens);
            // A garbage chain for a valid input is a verdict, not an exception.
            std::vector<Tokens> steps = {tokens, {"="}, {}};
            EXPECT_FALSE(task.verify(tokens, steps, "x").correct());
            EXPECT_FALSE(problem.steps.empty());
        } catch (const ParseError&) {
        } catch (const std::exception& error) {
            ADD_FAILURE() << "solve('" << joinTokens(tokens) << "') threw " << error.what();
        }
    }
    EXPECT_GT(parsed, 100);
}

} // namespace
} // namespace relay
