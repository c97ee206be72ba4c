// glibc's malloc hands large freed blocks back to the kernel: blocks above its mmap threshold
// are unmapped on free, and a heap whose free top grows past the trim threshold is shrunk. A
// training or decoding step frees tensors of the shapes the next step allocates again, so each
// step then maps fresh pages and the kernel zero-fills them on first touch. Measured with
// `relay bench` (2 cores, cpu-quick): AR training ran at 350-500 examples/s and chain writing at
// 500-1,180 problems/s, varying from run to run with the heap's history; kept in the process
// they ran at 1,170-1,360 and 1,070-1,460. The cost: the process keeps the memory of its
// largest step until it exits, as PyTorch's own caching allocator on a GPU does.
// The `relay` engine links tcmalloc where it is installed (cmake/Allocator.cmake); tcmalloc
// keeps freed spans for reuse by itself and accepts these settings without acting on them.
#pragma once

#include <string>

namespace relay {

// Keeps freed memory in the process for reuse (see above). Call first thing in main, before any
// thread starts. Returns false where the allocator is not glibc's or ignores the settings (a
// sanitizer's, for one), and then changes nothing.
bool keepFreedMemoryForReuse();

// The allocator malloc resolves to in this process: "tcmalloc" (linked or preloaded) or
// "glibc malloc"; benchmark figures depend on it, so `relay bench` and --version name it.
std::string allocatorInUse();

} // namespace relay
