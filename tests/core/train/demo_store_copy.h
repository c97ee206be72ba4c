// A private copy of the shipped demo store (resources/demo: the default pipeline's trained ARI
// runs), for tests that need models that took minutes to train. The store is opened for
// writing (WAL, migrations), so tests use a copy, never the source tree; the copy is removed
// with this object.
#pragma once

#include <filesystem>
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

} // namespace relay::test
