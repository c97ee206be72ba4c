#include "tasks/length_list.h"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <stdexcept>

namespace relay {
namespace {

constexpr long long kMaximumLength = 100000;

int parseLength(const std::string& text, const std::string& part) {
    if (text.empty() || text.size() > 6 ||
        !std::all_of(text.begin(), text.end(),
                     [](unsigned char character) { return std::isdigit(character); }))
        throw std::invalid_argument("lengths: '" + part + "' is not a length or a range a-b");
    const long long value = std::stoll(text);
    if (value < 1 || value > kMaximumLength)
        throw std::invalid_argument("lengths: " + text + " is outside 1.." +
                                    std::to_string(kMaximumLength));
    return static_cast<int>(value);
}

std::string trimmed(const std::string& text) {
    auto begin = text.find_first_not_of(" \t");
    if (begin == std::string::npos)
        return {};
    return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

} // namespace

std::vector<int> parseLengthList(const std::string& text) {
    std::vector<int> lengths;
    std::stringstream stream(text);
    std::string part;
    while (std::getline(stream, part, ',')) {
        part = trimmed(part);
        auto dash = part.find('-');
        if (dash == std::string::npos) {
            lengths.push_back(parseLength(part, part));
            continue;
        }
        const int first = parseLength(trimmed(part.substr(0, dash)), part);
        const int last = parseLength(trimmed(part.substr(dash + 1)), part);
        if (first > last)
            throw std::invalid_argument("lengths: range '" + part + "' runs backwards");
        for (int length = first; length <= last; ++length)
            lengths.push_back(length);
    }
    if (lengths.empty() || text.empty() || trimmed(text).back() == ',')
        throw std::invalid_argument("lengths: '" + text + "' names no lengths (e.g. 1-6 or 3,5)");
    std::sort(lengths.begin(), lengths.end());
    lengths.erase(std::unique(lengths.begin(), lengths.end()), lengths.end());
    return lengths;
}

} // namespace relay
