// The shared vocabulary of all three tasks: special tokens, task tokens, symbols, letters and
// the numbers 0..numberCount-1. Ids are stable: a token's id never depends on numberCount,
// except that larger vocabularies append more numbers. Saved with every model.
#pragma once

#include "tasks/tokens.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace relay {

class Vocabulary {
public:
    static constexpr std::int64_t kPad = 0;

    explicit Vocabulary(int numberCount = 256);

    // The vocabulary a model needs for these tasks up to these complexities.
    static Vocabulary forLargestNumber(int largestNumber) { return Vocabulary(largestNumber + 1); }
    // The vocabulary with exactly this many tokens (a model config records only the size).
    static Vocabulary ofSize(std::int64_t size);

    std::int64_t id(const std::string& token) const; // throws std::out_of_range naming the token
    bool contains(const std::string& token) const;
    const std::string& token(std::int64_t id) const; // throws std::out_of_range
    std::vector<std::int64_t> ids(const Tokens& tokens) const;
    Tokens tokens(const std::vector<std::int64_t>& ids) const;

    std::int64_t size() const { return static_cast<std::int64_t>(m_tokens.size()); }
    int numberCount() const { return m_numberCount; }
    const std::vector<std::string>& allTokens() const { return m_tokens; }

    // One line of JSON (the token list in id order), and back; fromJson checks the fixed part.
    std::string toJson() const;
    static Vocabulary fromJson(const std::string& json);

    bool operator==(const Vocabulary& other) const { return m_tokens == other.m_tokens; }

private:
    int m_numberCount;
    std::vector<std::string> m_tokens;
    std::unordered_map<std::string, std::int64_t> m_ids;
};

// Special and task tokens, spelled once.
inline constexpr const char* kPadToken = "<pad>";
inline constexpr const char* kSepToken = "<sep>";
inline constexpr const char* kBosToken = "<bos>";
inline constexpr const char* kEosToken = "<eos>";

inline bool isPadToken(const std::string& token) {
    return token == kPadToken;
}

} // namespace relay
