// How `relay` words an exception for a user: LibTorch appends "Exception raised from ... (most
// recent call first):" and a stack of frames to its messages; a user needs the part before,
// a developer asks for the rest with --verbose.
#include "commands.h"

#include <atomic>
#include <new>

namespace relay::cli {
namespace {

std::atomic<bool> verboseErrors{false};

} // namespace

void setVerboseErrors(bool verbose) {
    verboseErrors = verbose;
}

std::string errorText(const std::exception& error) {
    if (dynamic_cast<const std::bad_alloc*>(&error) != nullptr)
        return "out of memory (a flag or config value, such as a sample count, batch size or "
               "model size, asks for more than this machine has)";
    const std::string message = error.what();
    if (verboseErrors)
        return message;
    const auto backtrace = message.find("Exception raised from ");
    std::string text = backtrace == std::string::npos ? message : message.substr(0, backtrace);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    return text;
}

} // namespace relay::cli
