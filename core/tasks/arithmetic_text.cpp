#include "tasks/arithmetic_text.h"

#include <cctype>
#include <cstring>

namespace relay {

namespace {

struct Spelling {
    const char* text;
    const char* token;
};

// Multi-byte spellings people paste from papers and calculators (UTF-8).
constexpr Spelling kUnicodeOperators[] = {
    {"\xC3\x97", "*"},     // × multiplication sign
    {"\xC3\xB7", "/"},     // ÷ division sign
    {"\xE2\x88\x92", "-"}, // − minus sign
};

bool isSingleCharacterToken(char character) {
    return std::strchr("+-*/()=", character) != nullptr && character != '\0';
}

std::string withoutLeadingZeros(const std::string& word) {
    for (char character : word) {
        if (character < '0' || character > '9')
            return word;
    }
    const std::size_t first = word.find_first_not_of('0');
    return first == std::string::npos ? "0" : word.substr(first);
}

} // namespace

Tokens splitArithmeticText(const std::string& text, int maximumTokens) {
    Tokens tokens;
    std::string word;
    auto endWord = [&] {
        if (!word.empty())
            tokens.push_back(withoutLeadingZeros(word));
        word.clear();
    };
    std::size_t position = 0;
    while (position < text.size() && static_cast<int>(tokens.size()) <= maximumTokens) {
        const char character = text[position];
        if (std::isspace(static_cast<unsigned char>(character))) {
            endWord();
            ++position;
            continue;
        }
        if (isSingleCharacterToken(character)) {
            endWord();
            tokens.emplace_back(1, character);
            ++position;
            continue;
        }
        bool matched = false;
        for (const auto& spelling : kUnicodeOperators) {
            const std::size_t length = std::strlen(spelling.text);
            if (text.compare(position, length, spelling.text) == 0) {
                endWord();
                tokens.emplace_back(spelling.token);
                position += length;
                matched = true;
                break;
            }
        }
        if (!matched) {
            word += character;
            ++position;
        }
    }
    endWord();
    return tokens;
}

} // namespace relay
