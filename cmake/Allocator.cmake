# The allocator the `relay` engine links. A training step at small model sizes allocates and
# frees thousands of small tensors; gperftools' tcmalloc serves them from per-thread caches where
# glibc's malloc takes a lock and walks its bins (malloc and free were ~6% of a cpu-quick step
# under perf). Measured on the cpu-quick trainer (2 processes x 1 thread), runs interleaved:
# about 10% more examples/s and less spread between runs. Optional: without the library (or
# with RELAY_TCMALLOC=OFF, or under a sanitizer, which brings its own) the engine keeps glibc's.
option(RELAY_TCMALLOC "Link the relay engine with tcmalloc when it is installed" ON)

set(RELAY_ALLOCATOR "glibc malloc")
if(RELAY_TCMALLOC AND NOT CMAKE_CXX_FLAGS MATCHES "-fsanitize")
    find_package(PkgConfig QUIET)
    if(PkgConfig_FOUND)
        pkg_check_modules(RELAY_TCMALLOC_LIB QUIET IMPORTED_TARGET libtcmalloc_minimal)
    endif()
    if(RELAY_TCMALLOC_LIB_FOUND)
        set(RELAY_ALLOCATOR "tcmalloc")
    else()
        message(STATUS "tcmalloc not found (Debian: libgoogle-perftools-dev): relay uses glibc malloc")
    endif()
endif()
message(STATUS "relay allocator: ${RELAY_ALLOCATOR}")

# Links `target` with the allocator above. Nothing in the code calls tcmalloc by name (the
# engine only asks whether it is there), so the linker is told to keep it regardless.
function(relay_link_allocator target)
    if(RELAY_ALLOCATOR STREQUAL "tcmalloc")
        target_link_libraries(${target} PRIVATE "-Wl,--push-state,--no-as-needed"
                                                PkgConfig::RELAY_TCMALLOC_LIB "-Wl,--pop-state")
    endif()
endfunction()
