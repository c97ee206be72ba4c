#include "tasks/arithmetic_generator.h"

#include <limits>
#include <stdexcept>

namespace relay {

int randomBelow(int bound, std::mt19937_64& random) {
    if (bound <= 0)
        throw std::invalid_argument("randomBelow: bound " + std::to_string(bound) +
                                    " is not positive");
    // Rejection sampling removes the bias of a plain modulo.
    const std::uint64_t range = static_cast<std::uint64_t>(bound);
    const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() -
                                std::numeric_limits<std::uint64_t>::max() % range;
    std::uint64_t draw = random();
    while (draw >= limit)
        draw = random();
    return static_cast<int>(draw % range);
}

namespace {

struct Split {
    int left = 0;
    ExpressionSymbol symbol = ExpressionSymbol::Plus;
    int right = 0;
};

// `left op right` with value `target`: choose `left` and the operator at random, solve for
// `right`, and draw again when no nonzero-safe `right` exists (as CoT_benchmark does).
Split randomSplit(int target, const ModularField& field, std::mt19937_64& random) {
    static constexpr ExpressionSymbol kOperators[] = {
        ExpressionSymbol::Plus, ExpressionSymbol::Minus, ExpressionSymbol::Times,
        ExpressionSymbol::Divide};
    const int modulus = field.modulus();
    while (true) {
        const int left = randomBelow(modulus, random);
        const ExpressionSymbol symbol = kOperators[randomBelow(4, random)];
        switch (symbol) {
        case ExpressionSymbol::Plus:
            return {left, symbol, field.subtract(target, left)};
        case ExpressionSymbol::Minus:
            return {left, symbol, field.subtract(left, target)};
        case ExpressionSymbol::Times:
            if (left == 0 && target != 0)
                continue;
            if (left == 0)
                return {left, symbol, randomBelow(modulus, random)};
            return {left, symbol, field.divide(target, left)};
        default:
            if (target == 0 && left == 0) {
                const int right = randomBelow(modulus, random);
                if (right == 0)
                    continue;
                return {left, symbol, right};
            }
            if (target == 0 || left == 0)
                continue;
            return {left, symbol, field.divide(left, target)};
        }
    }
}

// CoT_benchmark's rule: after "/" always; next to "*" or before "*"/"/" when the new operator
// is + or -; after "-" when the new operator is + or -.
bool needsParentheses(const Expression& expression, int position, ExpressionSymbol symbol) {
    const ExpressionSymbol previous =
        position > 0 ? expression[position - 1].symbol : ExpressionSymbol::Open;
    const ExpressionSymbol next = position + 1 < static_cast<int>(expression.size())
                                      ? expression[position + 1].symbol
                                      : ExpressionSymbol::Close;
    const bool additive = precedence(symbol) == 1;
    if (previous == ExpressionSymbol::Divide)
        return true;
    if (previous == ExpressionSymbol::Times || precedence(next) == 2)
        return additive;
    return previous == ExpressionSymbol::Minus && additive;
}

} // namespace

Expression buildRandomExpression(int operatorCount, const ModularField& field,
                                 std::mt19937_64& random) {
    if (operatorCount < 0)
        throw std::invalid_argument("operator count " + std::to_string(operatorCount) +
                                    " is negative");
    Expression expression{{ExpressionSymbol::Number, randomBelow(field.modulus(), random)}};
    std::vector<int> numberPositions;
    for (int step = 0; step < operatorCount; ++step) {
        numberPositions.clear();
        for (int position = 0; position < static_cast<int>(expression.size()); ++position) {
            if (expression[position].symbol == ExpressionSymbol::Number)
                numberPositions.push_back(position);
        }
        const int position =
            numberPositions[randomBelow(static_cast<int>(numberPositions.size()), random)];
        const Split split = randomSplit(expression[position].value, field, random);
        Expression replacement{{ExpressionSymbol::Number, split.left},
                               {split.symbol, 0},
                               {ExpressionSymbol::Number, split.right}};
        if (needsParentheses(expression, position, split.symbol)) {
            replacement.insert(replacement.begin(), {ExpressionSymbol::Open, 0});
            replacement.push_back({ExpressionSymbol::Close, 0});
        }
        expression.erase(expression.begin() + position);
        expression.insert(expression.begin() + position, replacement.begin(), replacement.end());
    }
    return expression;
}

} // namespace relay
