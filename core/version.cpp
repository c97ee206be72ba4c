#include "version.h"

#include <sqlite3.h>
#include <torch/version.h>

namespace relay {

std::string engineVersion() {
    return RELAY_VERSION;
}

std::string torchVersion() {
    return TORCH_VERSION;
}

std::string sqliteVersion() {
    return sqlite3_libversion();
}

} // namespace relay
