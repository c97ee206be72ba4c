// libFuzzer target: problems as people type them, for the three tasks. Text either parses into
// an input whose true chain verifies, or raises ParseError with a position; never anything
// else.
#include "tasks/task.h"

#include <cstdint>
#include <cstdlib>
#include <string>

using namespace relay;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    static const auto arithmetic = makeTask("ari");
    static const auto editDistance = makeTask("ed");
    static const auto subsequence = makeTask("lis");
    for (const Task* task : {arithmetic.get(), editDistance.get(), subsequence.get()}) {
        try {
            const Tokens input = task->parseInput(text);
            const Problem problem = task->solve(input);
            if (!task->verify(input, problem.steps, problem.answer).correct())
                std::abort(); // the exact solver's own chain must verify
        } catch (const ParseError& error) {
            if (error.position() < 0)
                std::abort();
        }
    }
    return 0;
}
