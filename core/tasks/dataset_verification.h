// Checking every claimed chain of a dataset with its task's verifier (what `relay data verify`
// reports): counts of correct and wrong chains, how many correct ones are canonical, and the
// first wrong ones with their file lines.
#pragma once

#include "tasks/dataset_example.h"

#include <cstddef>
#include <vector>

namespace relay {

struct WrongChain {
    int line = 0;  // 1-based file line; 0 for generated examples
    int index = 0; // 0-based position in the dataset
    TaskKind task = TaskKind::Arithmetic;
    Verdict verdict;
};

struct VerificationSummary {
    int total = 0;
    int correct = 0;
    int wrong = 0;
    int wrongChain = 0;                 // a step is wrong
    int wrongAnswerOnly = 0;            // every step is right but the answer is not
    int canonical = 0;                  // correct chains equal to the canonical one
    int nonCanonical = 0;               // correct chains that take another valid order (ARI)
    std::vector<WrongChain> firstWrong; // at most the requested number, in file order

    bool allCorrect() const { return wrong == 0; }
};

// Verifies each example with a task built from its options. Throws FormatError naming the
// example's line when its input is not a valid problem (a malformed file, not a wrong chain).
VerificationSummary verifyExamples(const std::vector<DatasetExample>& examples,
                                   std::size_t wrongToKeep = 5);

} // namespace relay
