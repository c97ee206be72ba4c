#include "version.h"

#include <sqlite3.h>
#ifdef RELAY_HAVE_TORCH
#include <torch/version.h>
#endif

namespace relay {

std::string engineVersion() {
    return RELAY_VERSION;
}

std::string engineCommit() {
    return RELAY_COMMIT;
}

std::string torchVersion() {
#ifdef RELAY_HAVE_TORCH
    return TORCH_VERSION;
#else
    return "not built (GUI-only build tree)";
#endif
}

std::string sqliteVersion() {
    return sqlite3_libversion();
}

} // namespace relay
