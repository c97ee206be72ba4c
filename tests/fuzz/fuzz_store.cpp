// libFuzzer target: the store opener on arbitrary file contents. Anything may only raise
// StoreError; a file refused as no run store must be left byte for byte as it was; one that
// opens is read in full. Seeds: a header alone, an empty store and a store with one tiny
// trained run (page size 512, so that whole stores fit the target's input size).
#include "store/run_store.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

using namespace relay;

namespace {

std::string contents(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // In the temporary folder (run.sh points TMPDIR at /dev/shm: a store that opens is written
    // and synced, and on a disk that would cost most of each execution).
    static const std::string path = (std::filesystem::temp_directory_path() /
                                     ("relay-fuzz-store-" + std::to_string(getpid()) + ".db"))
                                        .string();
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
        std::remove((path + suffix).c_str());
    std::ofstream(path, std::ios::binary) << bytes;
    try {
        RunStore store(path);
        for (const auto& run : store.runs()) {
            store.metrics(run.id);
            store.evals(run.id);
            store.checkpoints(run.id);
            store.chains(run.id);
        }
    } catch (const StoreError& error) {
        // A file refused as no run store says it was left untouched, and it was.
        if (std::string(error.what()).find("left untouched") != std::string::npos &&
            contents(path) != bytes)
            std::abort();
    }
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
        std::remove((path + suffix).c_str());
    return 0;
}
