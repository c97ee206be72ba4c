// Independent reference computations for the arithmetic tests: a recursive-descent evaluator
// over plain string tokens and a one-step rewrite check, written without the production code
// so the tests compare two separate implementations.
#pragma once

#include "tasks/tokens.h"

#include <optional>
#include <string>

namespace relay::reference {

inline bool isOperatorToken(const std::string& token) {
    return token == "+" || token == "-" || token == "*" || token == "/";
}

inline int countOperators(const Tokens& tokens) {
    int count = 0;
    for (const auto& token : tokens)
        count += isOperatorToken(token) ? 1 : 0;
    return count;
}

inline Tokens withoutEquals(Tokens tokens) {
    if (!tokens.empty() && tokens.back() == "=")
        tokens.pop_back();
    return tokens;
}

// expression := term (("+" | "-") term)*; term := factor (("*" | "/") factor)*;
// factor := number | "(" expression ")". Nothing on a syntax error or a zero divisor.
class Evaluator {
public:
    Evaluator(Tokens tokens, long long modulus)
        : m_tokens(withoutEquals(std::move(tokens))), m_modulus(modulus) {}

    std::optional<long long> run() {
        const auto value = expression();
        if (!value || m_position != m_tokens.size())
            return std::nullopt;
        return value;
    }

private:
    const std::string* peek() const {
        return m_position < m_tokens.size() ? &m_tokens[m_position] : nullptr;
    }

    // Slow on purpose: a search, not the extended Euclid the production code uses.
    std::optional<long long> inverse(long long value) const {
        for (long long candidate = 1; candidate < m_modulus; ++candidate) {
            if (value * candidate % m_modulus == 1)
                return candidate;
        }
        return std::nullopt;
    }

    std::optional<long long> expression() {
        auto value = term();
        while (value && peek() && (*peek() == "+" || *peek() == "-")) {
            const bool plus = *peek() == "+";
            ++m_position;
            const auto right = term();
            if (!right)
                return std::nullopt;
            value =
                ((plus ? *value + *right : *value - *right) % m_modulus + m_modulus) % m_modulus;
        }
        return value;
    }

    std::optional<long long> term() {
        auto value = factor();
        while (value && peek() && (*peek() == "*" || *peek() == "/")) {
            const bool times = *peek() == "*";
            ++m_position;
            auto right = factor();
            if (!right)
                return std::nullopt;
            if (!times) {
                right = inverse(*right);
                if (!right)
                    return std::nullopt;
            }
            value = *value * *right % m_modulus;
        }
        return value;
    }

    std::optional<long long> factor() {
        const std::string* token = peek();
        if (!token)
            return std::nullopt;
        if (*token == "(") {
            ++m_position;
            const auto value = expression();
            if (!value || !peek() || *peek() != ")")
                return std::nullopt;
            ++m_position;
            return value;
        }
        if (token->empty() || token->size() > 9 || (token->size() > 1 && (*token)[0] == '0'))
            return std::nullopt;
        for (char character : *token) {
            if (character < '0' || character > '9')
                return std::nullopt;
        }
        const long long value = std::stoll(*token);
        if (value >= m_modulus)
            return std::nullopt;
        ++m_position;
        return value;
    }

    Tokens m_tokens;
    long long m_modulus;
    std::size_t m_position = 0;
};

inline std::optional<long long> evaluate(const Tokens& tokens, long long modulus) {
    return Evaluator(tokens, modulus).run();
}

// True when `next` is `previous` with one "a op b" (two numbers) replaced by its value and
// every pair of parentheses left around that single value removed.
inline bool isOneEvaluation(const Tokens& previousStep, const Tokens& nextStep, long long modulus) {
    const Tokens previous = withoutEquals(previousStep);
    const Tokens next = withoutEquals(nextStep);
    for (std::size_t position = 1; position + 1 < previous.size(); ++position) {
        if (!isOperatorToken(previous[position]))
            continue;
        const Tokens operation{previous[position - 1], previous[position], previous[position + 1]};
        const auto value = evaluate(operation, modulus);
        if (!value)
            continue;
        std::size_t first = position - 1;
        std::size_t last = position + 1;
        while (first > 0 && last + 1 < previous.size() && previous[first - 1] == "(" &&
               previous[last + 1] == ")") {
            --first;
            ++last;
        }
        Tokens candidate(previous.begin(), previous.begin() + first);
        candidate.push_back(std::to_string(*value));
        candidate.insert(candidate.end(), previous.begin() + last + 1, previous.end());
        if (candidate == next)
            return true;
    }
    return false;
}

} // namespace relay::reference
