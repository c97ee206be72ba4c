# The git commit of the source tree, read once at configure time, so `relay --version` and the
# workbench's About box say exactly which code a binary was built from. "-dirty" marks a tree
# with uncommitted changes; "unknown" a tree outside git (a source tarball).
find_package(Git QUIET)
set(RELAY_GIT_COMMIT "unknown")
if(GIT_FOUND AND EXISTS "${PROJECT_SOURCE_DIR}/.git")
    execute_process(COMMAND "${GIT_EXECUTABLE}" rev-parse --short=12 HEAD
                    WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
                    OUTPUT_VARIABLE relay_commit OUTPUT_STRIP_TRAILING_WHITESPACE
                    RESULT_VARIABLE relay_commit_result ERROR_QUIET)
    if(relay_commit_result EQUAL 0 AND relay_commit)
        set(RELAY_GIT_COMMIT "${relay_commit}")
        execute_process(COMMAND "${GIT_EXECUTABLE}" diff --quiet HEAD --
                        WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
                        RESULT_VARIABLE relay_dirty ERROR_QUIET)
        if(NOT relay_dirty EQUAL 0)
            string(APPEND RELAY_GIT_COMMIT "-dirty")
        endif()
    endif()
endif()
message(STATUS "RELAY Workbench ${PROJECT_VERSION}, commit ${RELAY_GIT_COMMIT}")
