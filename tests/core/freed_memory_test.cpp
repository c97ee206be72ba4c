// keepFreedMemoryForReuse: steps that free and allocate the same large blocks again touch no
// fresh pages, which glibc's default thresholds make them do (the kernel's page faults count).
#include "freed_memory.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <sys/resource.h>
#include <vector>

namespace {

long minorPageFaults() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_minflt;
}

constexpr std::size_t kPage = 4096;

// One "step": blocks of 1-24 MiB (about 110 MiB in all) allocated, every page written, freed.
// Returns the pages it wrote.
std::size_t oneStep() {
    std::vector<char*> blocks;
    std::size_t pages = 0;
    for (std::size_t mebibytes : {24, 20, 16, 12, 8, 6, 4, 3, 2, 1, 24, 16, 8, 2, 1}) {
        const std::size_t size = mebibytes << 20;
        auto* block = static_cast<char*>(std::malloc(size));
        EXPECT_NE(block, nullptr);
        for (std::size_t offset = 0; offset < size; offset += kPage)
            block[offset] = 1;
        pages += size / kPage;
        blocks.push_back(block);
    }
    for (char* block : blocks)
        std::free(block);
    return pages;
}

} // namespace

TEST(FreedMemoryTest, RepeatedStepsReuseTheirPages) {
    const bool applied = relay::keepFreedMemoryForReuse();
#if defined(__SANITIZE_ADDRESS__)
    EXPECT_FALSE(applied); // the sanitizer's allocator ignores glibc's settings
#else
    ASSERT_TRUE(applied);
    oneStep(); // the first step maps its pages
    oneStep();
    const long before = minorPageFaults();
    std::size_t pages = 0;
    for (int step = 0; step < 4; ++step)
        pages += oneStep();
    const long faults = minorPageFaults() - before;
    // With glibc's defaults every step here faults in most of its pages again (the heap's free
    // top is trimmed, the larger blocks unmapped); kept, only stray pages fault.
    EXPECT_LT(static_cast<double>(faults), 0.02 * static_cast<double>(pages))
        << faults << " page faults over 4 steps writing " << pages << " pages";
#endif
}

// The allocator is the one this test binary was linked with (tests/CMakeLists.txt): a link that
// lost tcmalloc, or a check that cannot tell the two apart, fails here.
TEST(FreedMemoryTest, NamesTheAllocatorInUse) {
    EXPECT_EQ(relay::allocatorInUse(), RELAY_EXPECTED_ALLOCATOR);
}
