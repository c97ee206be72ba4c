#include "tasks/tokens.h"

#include <algorithm>

#include <cctype>

namespace relay {

Tokens splitTokens(std::string_view text) {
    Tokens tokens;
    std::size_t position = 0;
    while (position < text.size()) {
        while (position < text.size() && std::isspace(static_cast<unsigned char>(text[position])))
            ++position;
        std::size_t end = position;
        while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])))
            ++end;
        if (end > position)
            tokens.emplace_back(text.substr(position, end - position));
        position = end;
    }
    return tokens;
}

std::string joinTokens(const Tokens& tokens) {
    std::string text;
    for (const auto& token : tokens) {
        if (!text.empty())
            text += ' ';
        text += token;
    }
    return text;
}

Tokens flattenSteps(const std::vector<Tokens>& steps) {
    Tokens flat;
    for (const auto& step : steps)
        flat.insert(flat.end(), step.begin(), step.end());
    return flat;
}

bool isNumberToken(const std::string& token) {
    return !token.empty() && std::all_of(token.begin(), token.end(), [](char character) {
        return character >= '0' && character <= '9';
    });
}

} // namespace relay
