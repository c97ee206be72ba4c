#include "freed_memory.h"

#include <cstddef>
#include <cstdlib> // defines __GLIBC__ where the C library is glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

// Declared weak: it resolves only where tcmalloc is in the process, and is otherwise null.
extern "C" int MallocExtension_GetNumericProperty(const char* property, std::size_t* value)
    __attribute__((weak));

namespace relay {

bool keepFreedMemoryForReuse() {
#if defined(__GLIBC__)
    // The largest threshold glibc accepts on 64-bit systems (half its 64 MiB heap): blocks
    // below it come from the heap and are reused. Blocks above it are rare at these model sizes
    // and still mapped per use.
    constexpr int kLargestMmapThreshold = 32 << 20;
    // Setting either threshold also stops glibc from adjusting them itself.
    constexpr int kTrimThreshold = 1 << 30;
    return mallopt(M_MMAP_THRESHOLD, kLargestMmapThreshold) == 1 &&
           mallopt(M_TRIM_THRESHOLD, kTrimThreshold) == 1;
#else
    return false;
#endif
}

std::string allocatorInUse() {
    if (&MallocExtension_GetNumericProperty != nullptr) {
        std::size_t bytes = 0; // answered only by the allocator that serves this process
        if (MallocExtension_GetNumericProperty("generic.current_allocated_bytes", &bytes) == 1)
            return "tcmalloc";
    }
#if defined(__GLIBC__)
    return "glibc malloc";
#else
    return "malloc";
#endif
}

} // namespace relay
