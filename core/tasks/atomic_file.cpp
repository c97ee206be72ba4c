#include "tasks/atomic_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <vector>

#include <fcntl.h>
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

} // namespace

void writeFileAtomically(const std::string& path, const std::string& content) {
    std::string pattern = path + ".tmp-XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    int descriptor = ::mkstemp(name.data());
    if (descriptor < 0)
        fail("create a temporary file next to", path, errno);
    const std::string temporary(name.data());
    try {
        writeAll(descriptor, content, temporary);
        // mkstemp creates 0600; a dataset should get the usual permissions (umask applies).
        mode_t mask = ::umask(0);
        ::umask(mask);
        if (::fchmod(descriptor, 0666 & ~mask) != 0)
            fail("set permissions of", temporary, errno);
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

} // namespace relay
