# Checks on the LibTorch that find_package(Torch) found, run right after it (root
# CMakeLists.txt). Each one turns a failure that would otherwise show up late (a link error, a
# silent CPU-only build, a binary that cannot find its libraries) into a configure message.
#
# Which LibTorch to use:
#   - the cxx11-ABI download (libtorch-cxx11-abi-shared-with-deps-<version>+cu12x.zip for a
#     GPU, +cpu for a CPU), unpacked anywhere and named by -DCMAKE_PREFIX_PATH=/path/libtorch;
#     LibTorch 1.13 and 2.1 to 2.5 are known to compile;
#   - CUDA builds: cu121 or cu124 (CUDA 12.1 / 12.4). LibTorch's own CMake code then needs the
#     CUDA toolkit of that version at configure time, with nvcc on PATH or named by CUDACXX /
#     -DCMAKE_CUDA_COMPILER, and looks for cuDNN (CUDNN_ROOT or the toolkit folder; cuDNN 8.9
#     for LibTorch 2.1-2.3, cuDNN 9 for 2.4-2.5). packaging/gpu-smoke.sh checks such a build.
#   - a new LibTorch wants a new build folder (cmake -B build-cuda ...): Torch_DIR is cached,
#     so an old folder keeps the LibTorch it was first configured with (checked below).

# The pre-cxx11 ABI (older zips, pip wheels) compiles relay_core with
# -D_GLIBCXX_USE_CXX11_ABI=0, while the libraries without torch, GTest and CLI11 use the new
# ABI: every std::string crossing between them fails to link.
function(relay_check_torch_abi flags)
    if(flags MATCHES "_GLIBCXX_USE_CXX11_ABI=0")
        message(FATAL_ERROR
            "The LibTorch found at ${TORCH_INSTALL_PREFIX} uses the pre-cxx11 ABI "
            "(TORCH_CXX_FLAGS: ${flags}); relay_core would not link with the rest of the "
            "project. Use the cxx11-ABI LibTorch download "
            "(libtorch-cxx11-abi-shared-with-deps-<version>.zip), not the pre-cxx11 one or a "
            "pip wheel, in a fresh build folder.")
    endif()
endfunction()

# A Torch_DIR cached by an earlier configure wins over a CMAKE_PREFIX_PATH given now, so the
# build would quietly stay on the old LibTorch. Stop when a prefix holds a LibTorch that
# Torch_DIR is not inside.
function(relay_check_torch_dir torch_dir prefixes)
    if(NOT torch_dir)
        return()
    endif()
    file(REAL_PATH "${torch_dir}" found_dir)
    foreach(prefix IN LISTS prefixes)
        if(NOT IS_DIRECTORY "${prefix}")
            continue()
        endif()
        file(REAL_PATH "${prefix}" prefix_dir)
        set(holds_torch FALSE)
        foreach(candidate share/cmake/Torch lib/cmake/Torch Torch .)
            if(EXISTS "${prefix_dir}/${candidate}/TorchConfig.cmake")
                set(holds_torch TRUE)
            endif()
        endforeach()
        string(FIND "${found_dir}/" "${prefix_dir}/" position)
        if(holds_torch AND NOT position EQUAL 0)
            message(FATAL_ERROR
                "This build folder uses the LibTorch at Torch_DIR=${torch_dir} (cached by an "
                "earlier configure), but CMAKE_PREFIX_PATH names ${prefix}, which holds another "
                "LibTorch. Configure in a fresh build folder (cmake -B build-cuda "
                "-DCMAKE_PREFIX_PATH=${prefix} ...) or pass -DTorch_DIR explicitly.")
        endif()
    endforeach()
endfunction()

# Installed binaries find a LibTorch outside the system paths through their RPATH (the build
# tree's binaries get one from CMake anyway). Sets CMAKE_INSTALL_RPATH in the caller's scope,
# before any target exists.
function(relay_torch_install_rpath torch_library)
    if(torch_library)
        get_filename_component(library_dir "${torch_library}" DIRECTORY)
    else()
        set(library_dir "${TORCH_INSTALL_PREFIX}/lib")
    endif()
    file(REAL_PATH "${library_dir}" library_dir)
    set(system_dirs ${CMAKE_PLATFORM_IMPLICIT_LINK_DIRECTORIES}
                    ${CMAKE_CXX_IMPLICIT_LINK_DIRECTORIES})
    if(library_dir IN_LIST system_dirs)
        return()
    endif()
    set(rpath ${CMAKE_INSTALL_RPATH})
    list(APPEND rpath "${library_dir}")
    list(REMOVE_DUPLICATES rpath)
    set(CMAKE_INSTALL_RPATH "${rpath}" PARENT_SCOPE)
    message(STATUS "Installed binaries get RPATH ${library_dir} (LibTorch's libraries)")
endfunction()

# A CUDA LibTorch defines the torch_cuda target (and lists TORCH_CUDA_LIBRARIES).
function(relay_report_torch)
    if(TARGET torch_cuda OR TORCH_CUDA_LIBRARIES)
        set(cuda "CUDA build: yes")
    else()
        set(cuda "CUDA build: no (CPU only; device=cuda will be refused)")
    endif()
    message(STATUS "LibTorch ${Torch_VERSION} from ${Torch_DIR}; ${cuda}")
endfunction()

relay_check_torch_abi("${TORCH_CXX_FLAGS}")
relay_check_torch_dir("${Torch_DIR}" "${CMAKE_PREFIX_PATH}")
relay_report_torch()
relay_torch_install_rpath("${TORCH_LIBRARY}")
