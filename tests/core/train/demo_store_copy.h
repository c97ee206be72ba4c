// A private copy of the shipped demo store (resources/demo: the default pipeline's trained ARI
// runs), for tests that need models that took minutes to train. The store is opened for
// writing (WAL, migrations), so tests use a copy, never the source tree; the copy is removed
// with this object.
#pragma once

#include "store/run_store.h"

#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace relay::test {

class DemoStoreCopy {
public:
    explicit DemoStoreCopy(const std::string& purpose)
        : m_folder(std::filesystem::temp_directory_path() /
                   ("relay-" + purpose + "-" + std::to_string(getpid()))) {
        std::filesystem::remove_all(m_folder);
        std::filesystem::copy(RELAY_DEMO_DIR, m_folder, std::filesystem::copy_options::recursive);
    }
    ~DemoStoreCopy() { std::filesystem::remove_all(m_folder); }
    DemoStoreCopy(const DemoStoreCopy&) = delete;
    DemoStoreCopy& operator=(const DemoStoreCopy&) = delete;

    std::string storeFile() const { return (m_folder / "runs.db").string(); }

private:
    std::filesystem::path m_folder;
};

// The demo's run of one pipeline stage ("looped", "looped-vanilla", ...), found by the stage tag
// the pipeline gives it: run ids follow the order the side-by-side stages happened to start in.
inline std::int64_t demoStageRun(RunStore& store, const std::string& stage) {
    for (const auto& run : store.runs()) {
        std::stringstream tags(run.tags);
        for (std::string tag; std::getline(tags, tag, ',');)
            if (tag == "stage:" + stage)
                return run.id;
    }
    throw std::runtime_error("the demo store has no run of stage " + stage);
}

} // namespace relay::test
