// Versions of the engine and the libraries it was built with (for --version and About boxes).
#pragma once

#include <string>

namespace relay {

std::string engineVersion();
std::string torchVersion();
std::string sqliteVersion();

} // namespace relay
