// The run store's schema as an ordered list of migrations: migration i takes a store from
// version i to i + 1. Never edit a released migration; append a new one.
#pragma once

#include <string>
#include <vector>

namespace relay {

const std::vector<std::string>& storeMigrations();

inline int currentSchemaVersion() {
    return static_cast<int>(storeMigrations().size());
}

} // namespace relay
