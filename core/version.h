// Versions of the engine and the libraries it was built with (for --version and About boxes).
#pragma once

#include <string>

namespace relay {

std::string engineVersion();
// The git commit of the source tree at configure time ("unknown" outside git).
std::string engineCommit();
std::string torchVersion();
std::string sqliteVersion();

} // namespace relay
