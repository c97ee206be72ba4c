// Shared fuzz check for typed problems: random strings over an alphabet either parse into a
// problem whose true chain verifies, or raise a ParseError with a position; never a crash.
#pragma once

#include "tasks/task.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

inline void expectRandomGarbageNeverCrashes(const relay::Task& task, const std::string& alphabet) {
    std::mt19937_64 random(2024);
    int accepted = 0;
    for (int sample = 0; sample < 5000; ++sample) {
        std::string text;
        const int length = static_cast<int>(random() % 40);
        for (int i = 0; i < length; ++i)
            text += alphabet[random() % alphabet.size()];
        try {
            const relay::Tokens input = task.parseInput(text);
            const relay::Problem problem = task.solve(input);
            ASSERT_TRUE(task.verify(input, problem.steps, problem.answer).correct());
            ++accepted;
        } catch (const relay::ParseError& error) {
            ASSERT_GE(error.position(), 0) << text;
        }
    }
    EXPECT_GT(accepted, 0);
}
