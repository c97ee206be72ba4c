// Config input as a hostile user writes it (issue 17): null leaves, absurd nesting, numbers out
// of range, text that is not UTF-8, --set into a value that is not an object. Each once ended
// in a crash or in a library's raw exception text; each must be an std::invalid_argument that
// names the key or origin.
#include "config/experiment_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace relay;
using nlohmann::json;

namespace {

// The message of the std::invalid_argument `body` throws; fails the test on anything else.
template <typename Body> std::string invalidArgumentOf(Body body) {
    try {
        body();
    } catch (const std::invalid_argument& error) {
        return error.what();
    } catch (const std::exception& error) {
        ADD_FAILURE() << "not std::invalid_argument: " << error.what();
        return error.what();
    }
    ADD_FAILURE() << "no error";
    return "";
}

std::string resolvedError(json config, const std::vector<std::string>& overrides) {
    return invalidArgumentOf([&] {
        for (const auto& assignment : overrides)
            applyOverride(config, assignment);
        experimentConfigFromJson(config);
    });
}

bool mentions(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

class ConfigFile : public ::testing::Test {
protected:
    void SetUp() override {
        m_path = (std::filesystem::temp_directory_path() /
                  ("relay-hostile-" + std::to_string(getpid()) + "-" +
                   ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".json"))
                     .string();
    }
    void TearDown() override { std::filesystem::remove(m_path); }
    const std::string& write(const std::string& text) {
        std::ofstream(m_path, std::ios::binary) << text;
        return m_path;
    }

    std::string m_path;
};

} // namespace

// Crash 2: a merge patch deletes a key set to null; the lookup after it found nothing.
TEST(HostileConfig, NullLeafFromSetNamesTheKey) {
    const auto message = resolvedError(json::object(), {"training.steps=null"});
    EXPECT_TRUE(mentions(message, "'training.steps'")) << message;
    EXPECT_TRUE(mentions(message, "null")) << message;
}

// Found by fuzz_config: a section given as a scalar replaced the whole section, and reading a
// key from it escaped as the JSON library's type error.
TEST(HostileConfig, SectionGivenAsAScalarNamesTheSection) {
    for (const char* section : {"model", "training", "pipeline"}) {
        const auto message = resolvedError(json{{section, 7}}, {});
        EXPECT_TRUE(mentions(message, section)) << message;
        EXPECT_TRUE(mentions(message, "expected a JSON object")) << message;
    }
}

TEST(HostileConfig, NullLeavesAnywhereNameTheirKey) {
    for (const auto& [text, key] : std::vector<std::pair<std::string, std::string>>{
             {R"({"optimizer": {"beta1": null}})", "'optimizer.beta1'"},
             {R"({"model": {"layers": null}})", "'model.layers'"},
             {R"({"tasks": [{"task": "ari", "modulus": null}]})", "'tasks.0.modulus'"},
             {R"({"name": null})", "'name'"},
             {R"({"stage2": null})", "'stage2'"}}) {
        // A stored run's config and a config file go through the same check.
        const auto message =
            invalidArgumentOf([&] { experimentConfigFromJson(parseConfigJson(text, "test")); });
        EXPECT_TRUE(mentions(message, key)) << text << " -> " << message;
    }
}

// Crash 3: 100,000 nested '[' once overflowed the stack (the error dumped them recursively).
TEST_F(ConfigFile, AbsurdNestingIsRefusedWhileParsing) {
    const auto& path = write(std::string(100000, '['));
    const auto message = invalidArgumentOf([&] { loadConfigJson(path); });
    EXPECT_TRUE(mentions(message, path)) << message;
    EXPECT_TRUE(mentions(message, "nested deeper than")) << message;
}

TEST(HostileConfig, DeepButShallowerThanTheLimitIsATypeErrorNotACrash) {
    const std::string text = "{\"name\": " + std::string(12, '[') + std::string(12, ']') + "}";
    const auto message =
        invalidArgumentOf([&] { experimentConfigFromJson(parseConfigJson(text, "test")); });
    EXPECT_TRUE(mentions(message, "'name'")) << message;
}

TEST(HostileConfig, DeepValueFromSetStaysAString) {
    // Not JSON (unbalanced), so it is a bare word: a wrong type for the key, not a crash.
    const auto message =
        resolvedError(json::object(), {"training.steps=" + std::string(100000, '[')});
    EXPECT_TRUE(mentions(message, "'training.steps'")) << message.substr(0, 200);
    EXPECT_LT(message.size(), 400u) << "the error quotes the whole value";
}

// out_of_range 406 once escaped with the library's text and no key or file named.
TEST_F(ConfigFile, NumberOutOfRangeNamesTheFile) {
    const auto& path = write(R"({"training": {"steps": 1e400}})");
    const auto message = invalidArgumentOf([&] { loadConfigJson(path); });
    EXPECT_TRUE(mentions(message, path)) << message;
    EXPECT_FALSE(mentions(message, "json.exception")) << message;
}

TEST(HostileConfig, NumberOutOfRangeFromSetNamesTheKey) {
    const auto message = resolvedError(json::object(), {"training.steps=1e400"});
    EXPECT_TRUE(mentions(message, "'training.steps'")) << message;
    EXPECT_FALSE(mentions(message, "json.exception")) << message;
}

// type_error 316 once escaped from dump() of a name that is not UTF-8.
TEST(HostileConfig, TextThatIsNotUtf8NamesTheKey) {
    const auto message = resolvedError(json::object(), {"name=bad\xff\xfe"});
    EXPECT_TRUE(mentions(message, "'name'")) << message;
    EXPECT_TRUE(mentions(message, "UTF-8")) << message;
}

// type_error 305 once escaped: --set a.b=... where a is a number.
TEST(HostileConfig, SetInsideAValueThatIsNotAnObjectNamesTheKey) {
    const auto message = resolvedError(json{{"training", 5}}, {"training.steps=3"});
    EXPECT_TRUE(mentions(message, "'training.steps'")) << message;
    EXPECT_FALSE(mentions(message, "json.exception")) << message;
}

TEST(HostileConfig, TaskIndexMustBeANumber) {
    // strtoul once read "x" as 0 and silently set the first task.
    const auto message = resolvedError(json::object(), {"tasks.x.modulus=7"});
    EXPECT_TRUE(mentions(message, "'tasks.x.modulus'")) << message;
    json config = json::object();
    applyOverride(config, "tasks.0.modulus=7");
    EXPECT_EQ(experimentConfigFromJson(config).tasks.at(0).options.modulus, 7);
}

TEST(HostileConfig, StoredConfigThatIsNotJsonNamesItsOrigin) {
    const auto message =
        invalidArgumentOf([] { parseConfigJson("{\"seed\": ", "run 7's config"); });
    EXPECT_TRUE(mentions(message, "run 7's config")) << message;
    EXPECT_FALSE(mentions(message, "json.exception")) << message;
}
