#include "freed_memory.h"

#include <cstdlib> // defines __GLIBC__ where the C library is glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

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

} // namespace relay
