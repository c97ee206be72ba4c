// The error every dataset reader throws: a malformed line in a dataset file. It carries the
// 1-based line number so tools can point people at the exact line to fix.
#pragma once

#include <stdexcept>
#include <string>

namespace relay {

class FormatError : public std::runtime_error {
public:
    // what() reads "line N: message" (or "FILE:N: message" once a file reader adds the path).
    FormatError(const std::string& message, int lineNumber, const std::string& file = {})
        : std::runtime_error((file.empty() ? "line " : file + ":") + std::to_string(lineNumber) +
                             ": " + message),
          m_message(message), m_line(lineNumber), m_file(file) {}

    int line() const { return m_line; }
    const std::string& file() const { return m_file; }
    const std::string& message() const { return m_message; } // without the location

    // The same error, located in a file.
    FormatError inFile(const std::string& file) const { return {m_message, m_line, file}; }

private:
    std::string m_message;
    int m_line;
    std::string m_file;
};

} // namespace relay
