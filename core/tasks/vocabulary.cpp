#include "tasks/vocabulary.h"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace relay {
namespace {

// Fixed part, in id order. Never reorder: checkpoints store ids.
const std::vector<std::string>& fixedTokens() {
    static const std::vector<std::string> tokens = [] {
        std::vector<std::string> list = {
            kPadToken, kSepToken, kBosToken, kEosToken, "[ARI]", "[ED]", "[LIS]", "+",
            "-",       "*",       "/",       "(",       ")",     "=",    "|",     ","};
        for (char letter = 'a'; letter <= 'z'; ++letter)
            list.emplace_back(1, letter);
        return list;
    }();
    return tokens;
}

} // namespace

Vocabulary::Vocabulary(int numberCount) : m_numberCount(numberCount) {
    if (numberCount < 1)
        throw std::invalid_argument("vocabulary: number count must be at least 1");
    m_tokens = fixedTokens();
    for (int number = 0; number < numberCount; ++number)
        m_tokens.push_back(std::to_string(number));
    for (std::size_t index = 0; index < m_tokens.size(); ++index)
        m_ids.emplace(m_tokens[index], static_cast<std::int64_t>(index));
}

Vocabulary Vocabulary::ofSize(std::int64_t size) {
    auto fixed = static_cast<std::int64_t>(fixedTokens().size());
    if (size <= fixed)
        throw std::invalid_argument("vocabulary: size " + std::to_string(size) +
                                    " leaves no room for numbers");
    return Vocabulary(static_cast<int>(size - fixed));
}

std::int64_t Vocabulary::id(const std::string& token) const {
    auto found = m_ids.find(token);
    if (found == m_ids.end())
        throw std::out_of_range("token '" + token + "' is not in the vocabulary");
    return found->second;
}

bool Vocabulary::contains(const std::string& token) const {
    return m_ids.count(token) > 0;
}

const std::string& Vocabulary::token(std::int64_t id) const {
    if (id < 0 || id >= size())
        throw std::out_of_range("token id " + std::to_string(id) + " is outside the vocabulary");
    return m_tokens[static_cast<std::size_t>(id)];
}

std::vector<std::int64_t> Vocabulary::ids(const Tokens& tokens) const {
    std::vector<std::int64_t> result;
    result.reserve(tokens.size());
    for (const auto& token : tokens)
        result.push_back(id(token));
    return result;
}

Tokens Vocabulary::tokens(const std::vector<std::int64_t>& ids) const {
    Tokens result;
    result.reserve(ids.size());
    for (auto value : ids)
        result.push_back(token(value));
    return result;
}

std::string Vocabulary::toJson() const {
    return nlohmann::json(m_tokens).dump();
}

Vocabulary Vocabulary::fromJson(const std::string& json) {
    std::vector<std::string> tokens;
    try {
        tokens = nlohmann::json::parse(json).get<std::vector<std::string>>();
    } catch (const nlohmann::json::exception& error) {
        throw std::invalid_argument(std::string("vocabulary: not a JSON list of tokens: ") +
                                    error.what());
    }
    const auto& fixed = fixedTokens();
    if (tokens.size() <= fixed.size())
        throw std::invalid_argument("vocabulary: too few tokens (" + std::to_string(tokens.size()) +
                                    ")");
    Vocabulary vocabulary(static_cast<int>(tokens.size() - fixed.size()));
    if (vocabulary.m_tokens != tokens)
        throw std::invalid_argument("vocabulary: token list does not match this version's ids");
    return vocabulary;
}

} // namespace relay
