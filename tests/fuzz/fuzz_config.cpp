// libFuzzer target: the experiment config reader. The first line is a config file's text, each
// further line one --set assignment. Bad input may only raise std::invalid_argument (which
// names the key or origin); a config that resolves must resolve again from what it writes.
#include "config/experiment_config.h"

#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

using namespace relay;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::istringstream lines(std::string(reinterpret_cast<const char*>(data), size));
    std::string file;
    std::getline(lines, file);
    try {
        nlohmann::json config =
            file.empty() ? nlohmann::json::object() : parseConfigJson(file, "fuzz");
        for (std::string assignment; std::getline(lines, assignment);)
            applyOverride(config, assignment);
        const auto resolved = experimentConfigToJson(experimentConfigFromJson(config));
        if (experimentConfigToJson(experimentConfigFromJson(resolved)) != resolved)
            std::abort();
    } catch (const std::invalid_argument&) {
    }
    return 0;
}
