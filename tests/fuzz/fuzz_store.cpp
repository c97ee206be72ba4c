// libFuzzer target: the store opener on arbitrary file contents. Anything may only raise
// StoreError; a file refused as no run store must be left byte for byte as it was; one that
// opens is read in full.
#include "store/run_store.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
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
    static const std::string path = "/tmp/relay-fuzz-store-" + std::to_string(getpid()) + ".db";
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
