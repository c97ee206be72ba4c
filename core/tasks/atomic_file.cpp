#include "tasks/atomic_file.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

namespace relay {
namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path, int error) {
    throw std::runtime_error("cannot " + what + " '" + path + "': " + std::strerror(error));
}

std::string folderOf(const std::string& path) {
    auto slash = path.find_last_of('/');
    if (slash == std::string::npos)
        return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

void writeAll(int descriptor, const std::string& content, const std::string& path) {
    const char* data = content.data();
    std::size_t left = content.size();
    while (left > 0) {
        ssize_t written = ::write(descriptor, data, left);
        if (written < 0) {
            if (errno == EINTR)
                continue;
            fail("write", path, errno);
        }
        data += written;
        left -= static_cast<std::size_t>(written);
    }
}

// A temporary file is named "<path>.tmp-<process id>-<counter>-<random>".
constexpr const char* kTemporaryMark = ".tmp-";

// A fresh temporary file next to `path`. Created with mode 0666 so the kernel applies the
// process umask itself (mkstemp's 0600 would need the umask read, and reading it means setting
// it, process-wide, while other threads create files).
int createTemporary(const std::string& path, std::string& temporary) {
    static std::atomic<unsigned> counter{0};
    std::random_device entropy;
    for (int attempt = 0; attempt < 100; ++attempt) {
        temporary = path + kTemporaryMark + std::to_string(::getpid()) + "-" +
                    std::to_string(counter.fetch_add(1)) + "-" + std::to_string(entropy() % 100000);
        int descriptor = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (descriptor >= 0 || errno != EEXIST)
            return descriptor;
    }
    errno = EEXIST;
    return -1;
}

} // namespace

void writeFileAtomically(const std::string& path, const std::string& content) {
    std::string temporary;
    int descriptor = createTemporary(path, temporary);
    if (descriptor < 0)
        fail("create a temporary file next to", path, errno);
    try {
        writeAll(descriptor, content, temporary);
        if (::fsync(descriptor) != 0)
            fail("flush", temporary, errno);
    } catch (...) {
        ::close(descriptor);
        ::unlink(temporary.c_str());
        throw;
    }
    if (::close(descriptor) != 0) {
        int error = errno;
        ::unlink(temporary.c_str());
        fail("close", temporary, error);
    }
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
        int error = errno;
        ::unlink(temporary.c_str());
        fail("replace", path, error);
    }
    // Makes the rename itself durable; failing to open the folder is not worth an error.
    int folder = ::open(folderOf(path).c_str(), O_RDONLY | O_DIRECTORY);
    if (folder >= 0) {
        ::fsync(folder);
        ::close(folder);
    }
}

int removeStaleTemporaries(const std::string& folder) {
    int removed = 0;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
        const std::string name = entry.path().filename().string();
        const auto mark = name.rfind(kTemporaryMark);
        if (mark == std::string::npos)
            continue;
        const long process =
            std::strtol(name.c_str() + mark + std::strlen(kTemporaryMark), nullptr, 10);
        // EPERM: the process exists but is someone else's, so it may still be writing.
        if (process <= 0 || process == ::getpid() || ::kill(static_cast<pid_t>(process), 0) == 0 ||
            errno == EPERM)
            continue;
        if (std::filesystem::remove(entry.path(), error))
            ++removed;
    }
    return removed;
}

} // namespace relay
