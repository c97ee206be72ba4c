// Closed sets of choices (a rule, a run kind, a status) are enums in the code and text only
// where they cross a boundary: JSON, SQL, the command line and the screen. Each enum lists its
// names once, in a ClosedSet specialisation next to its declaration; the conversions and the
// list of choices a config key or a CLI flag offers all derive from it.
#pragma once

#include <array>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace relay {

// Specialise for each enum: `static constexpr const char* what` (how an error names the set)
// and `static constexpr std::array<std::pair<Enum, const char*>, N> names`.
template <class Enum> struct ClosedSet;

// "a, b, c": the names in declaration order.
template <class Enum> std::string closedSetList() {
    std::string list;
    for (const auto& [value, name] : ClosedSet<Enum>::names)
        list += (list.empty() ? "" : ", ") + std::string(name);
    return list;
}

template <class Enum> std::vector<std::string> closedSetNames() {
    std::vector<std::string> names;
    for (const auto& [value, name] : ClosedSet<Enum>::names)
        names.emplace_back(name);
    return names;
}

template <class Enum> std::string textOf(Enum value) {
    for (const auto& [member, name] : ClosedSet<Enum>::names)
        if (member == value)
            return name;
    // Only an enum value cast from an out-of-range integer gets here: a programming error.
    throw std::logic_error(std::string(ClosedSet<Enum>::what) + ": value without a name");
}

// Throws std::invalid_argument naming the set and the choices.
template <class Enum> Enum parseClosedSet(const std::string& text) {
    for (const auto& [member, name] : ClosedSet<Enum>::names)
        if (text == name)
            return member;
    throw std::invalid_argument(std::string(ClosedSet<Enum>::what) + " '" + text +
                                "' is not one of " + closedSetList<Enum>());
}

} // namespace relay
