# Installation beyond the two executables, and the Debian package: `cpack -G DEB` in the build
# folder writes relay-workbench_<version>_<arch>.deb. Included from the root CMakeLists.txt
# before any target exists, because the RPATH settings below apply to targets created later.
#
# Installed layout (prefix /usr):
#   bin/relay, bin/relay-workbench
#   share/relay-workbench/presets/*.json           the presets relay looks up when installed
#   share/relay-workbench/demo/                     the demo store and its final checkpoints
#   share/applications, share/metainfo, share/icons/hicolor/scalable/apps
#   share/man/man1/relay*.1.gz                      generated from relay's own --help
#   share/bash-completion/completions/relay
#   share/doc/relay-workbench/{copyright,changelog.gz}

# The package installs under /usr, and the installed relay looks for presets under
# <prefix>/share (a path compiled in), so a tree that never chose a prefix gets /usr instead of
# CMake's /usr/local. Checked once per build tree, so a prefix chosen later is kept.
if(NOT RELAY_INSTALL_PREFIX_CHECKED)
    if(CMAKE_INSTALL_PREFIX_INITIALIZED_TO_DEFAULT OR CMAKE_INSTALL_PREFIX STREQUAL "/usr/local")
        set(CMAKE_INSTALL_PREFIX "/usr" CACHE PATH "Install prefix" FORCE)
    endif()
    set(RELAY_INSTALL_PREFIX_CHECKED ON CACHE INTERNAL "")
endif()

# Installed binaries find a LibTorch outside the system's library folders (e.g. a CUDA
# LibTorch given with -DCMAKE_PREFIX_PATH) through an RPATH; system libraries get none.
set(CMAKE_INSTALL_RPATH_USE_LINK_PATH ON)

# `cmake --install` and `cpack` package what is built and build nothing themselves: without
# this they would first build every target, the whole test suite included.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

set(RELAY_RELEASE_DATE "2026-11-30") # of PROJECT_VERSION: metainfo, changelog, man pages
set(RELAY_SHARE_DIR share/relay-workbench)
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(relay_packaging_dir "${PROJECT_SOURCE_DIR}/packaging")
set(relay_generated_dir "${PROJECT_BINARY_DIR}/packaging")
set(relay_app_id org.relayworkbench.RelayWorkbench)
file(MAKE_DIRECTORY "${relay_generated_dir}")

install(DIRECTORY "${PROJECT_SOURCE_DIR}/resources/presets/" DESTINATION ${RELAY_SHARE_DIR}/presets
        FILES_MATCHING PATTERN "*.json")
# The demo store (packaging/make-demo.sh): the workbench's "Open the demo" copies it from here.
if(EXISTS "${PROJECT_SOURCE_DIR}/resources/demo/runs.db")
    install(DIRECTORY "${PROJECT_SOURCE_DIR}/resources/demo/" DESTINATION ${RELAY_SHARE_DIR}/demo)
endif()

# Debian wants man pages and the changelog compressed without a timestamp (gzip -n).
function(relay_gzip_file input output)
    add_custom_command(OUTPUT "${output}" COMMAND gzip -9n -c "${input}" > "${output}"
                       DEPENDS "${input}" VERBATIM)
endfunction()

if(RELAY_BUILD_ENGINE)
    add_custom_command(
        OUTPUT "${relay_generated_dir}/man/relay.1.gz"
        COMMAND bash "${relay_packaging_dir}/make-man-pages.sh" $<TARGET_FILE:relay>
                "${relay_generated_dir}/man" "${PROJECT_VERSION}" "${RELAY_RELEASE_DATE}"
        DEPENDS relay "${relay_packaging_dir}/make-man-pages.sh"
        COMMENT "Writing relay's man pages from its --help" VERBATIM)
    add_custom_target(relay_man_pages ALL DEPENDS "${relay_generated_dir}/man/relay.1.gz")
    install(DIRECTORY "${relay_generated_dir}/man/" DESTINATION share/man/man1
            FILES_MATCHING PATTERN "relay*.1.gz")
    install(FILES "${relay_packaging_dir}/relay.bash-completion"
            DESTINATION share/bash-completion/completions RENAME relay)
endif()

if(RELAY_BUILD_GUI)
    configure_file("${relay_packaging_dir}/relay-workbench.1.in"
                   "${relay_generated_dir}/relay-workbench.1" @ONLY)
    relay_gzip_file("${relay_generated_dir}/relay-workbench.1"
                    "${relay_generated_dir}/relay-workbench.1.gz")
    configure_file("${relay_packaging_dir}/${relay_app_id}.metainfo.xml"
                   "${relay_generated_dir}/${relay_app_id}.metainfo.xml" @ONLY)
    add_custom_target(relay_workbench_man_page ALL
                      DEPENDS "${relay_generated_dir}/relay-workbench.1.gz")
    install(FILES "${relay_generated_dir}/relay-workbench.1.gz" DESTINATION share/man/man1)
    install(FILES "${relay_packaging_dir}/${relay_app_id}.desktop" DESTINATION share/applications)
    install(FILES "${relay_generated_dir}/${relay_app_id}.metainfo.xml" DESTINATION share/metainfo)
    install(FILES "${PROJECT_SOURCE_DIR}/resources/icons/relay-workbench.svg"
            DESTINATION share/icons/hicolor/scalable/apps)
endif()

# The package.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME relay-workbench)
set(CPACK_PACKAGE_VENDOR "RELAY Workbench authors")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "workbench for looped Transformers aligned with Chain-of-Thought (RELAY)")
# Debian wants the extended description in lines of at most 80 characters.
string(JOIN "\n" CPACK_PACKAGE_DESCRIPTION
       "RELAY trains a looped Transformer whose loop iterations follow the steps of a"
       "Chain-of-Thought, lets it write chains for problems longer than any seen in"
       "training, and fine-tunes an auto-regressive model on them."
       "."
       "This package holds the headless engine, relay (data, training, Stage II"
       "chains, evaluation, a resumable pipeline of the whole method), and the Qt"
       "desktop workbench, relay-workbench, which runs the engine's jobs and shows"
       "live training curves, every loop iteration's read-out beside the true step,"
       "hit matrices, verified chains and run comparisons from one SQLite store.")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "RELAY Workbench authors <relay-workbench@example.org>"
    CACHE STRING "Maintainer field of the Debian package")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# OpenBLAS: without it LibTorch multiplies matrices many times slower. Qt's SVG plugin draws
# the icon.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libopenblas0-openmp | libopenblas0")
if(RELAY_BUILD_GUI)
    string(APPEND CPACK_DEBIAN_PACKAGE_RECOMMENDS ", libqt6svg6")
endif()
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS ${CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS})
set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
set(CPACK_STRIP_FILES ON)

execute_process(COMMAND date -u -R -d "${RELAY_RELEASE_DATE} 12:00"
                OUTPUT_VARIABLE RELAY_RELEASE_DATE_RFC2822 OUTPUT_STRIP_TRAILING_WHITESPACE)
configure_file("${relay_packaging_dir}/debian/changelog.in" "${relay_generated_dir}/changelog"
               @ONLY)
relay_gzip_file("${relay_generated_dir}/changelog" "${relay_generated_dir}/changelog.gz")
add_custom_target(relay_package_changelog ALL DEPENDS "${relay_generated_dir}/changelog.gz")
install(FILES "${relay_packaging_dir}/debian/copyright" "${relay_generated_dir}/changelog.gz"
        DESTINATION share/doc/relay-workbench)

include(CPack)
