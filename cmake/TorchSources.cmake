# LibTorch's headers cost ~40 s per translation unit here. The engine's targets therefore
# compile <torch/torch.h> once as a precompiled header, and compile their LibTorch sources in
# unity batches: even with the header precompiled, a translation unit that includes it spends
# ~20 s instantiating LibTorch's templates before reaching its own code (an empty source: 26 s),
# once per unit, so eight sources in one unit pay it once. Measured here: relay_core_tests' 26
# LibTorch sources took ~1,000 s of compiler time one by one and 75 s as one unit.
# A source whose includes, followed through the project's headers, reach no LibTorch header
# gets neither: loading the 700 MB header alone costs it ~25 s, three times what it takes
# without (pipeline_report.cpp: 13 s plain, 43 s with the header). A source that uses LibTorch
# only through the forced header, without including it, fails to compile here: it should
# include what it uses. Sources in one unity batch share one translation unit, so two of them
# cannot define the same name in an anonymous namespace.

# Sets `out` to TRUE when `file` or a project header it includes (recursively) includes a
# LibTorch header. Answers are kept per file for the whole configure run.
function(_relay_reaches_torch file out)
    get_property(known GLOBAL PROPERTY "relay_reaches_torch:${file}" SET)
    if(NOT known)
        # An include cycle reads FALSE for the file being scanned; include guards make the
        # cycle's files reach LibTorch only through their other includes anyway.
        set_property(GLOBAL PROPERTY "relay_reaches_torch:${file}" FALSE)
        file(STRINGS "${file}" lines REGEX "^[ \t]*#[ \t]*include")
        get_filename_component(directory "${file}" DIRECTORY)
        set(reaches FALSE)
        foreach(line IN LISTS lines)
            if(line MATCHES "<(torch|ATen|c10)/")
                set(reaches TRUE)
            elseif(line MATCHES "\"([^\"]+)\"")
                set(name "${CMAKE_MATCH_1}")
                foreach(base "${directory}" "${PROJECT_SOURCE_DIR}/core")
                    if(EXISTS "${base}/${name}")
                        _relay_reaches_torch("${base}/${name}" included)
                        if(included)
                            set(reaches TRUE)
                        endif()
                        break()
                    endif()
                endforeach()
            endif()
            if(reaches)
                break()
            endif()
        endforeach()
        set_property(GLOBAL PROPERTY "relay_reaches_torch:${file}" ${reaches})
    endif()
    get_property(value GLOBAL PROPERTY "relay_reaches_torch:${file}")
    set(${out} ${value} PARENT_SCOPE)
endfunction()

# Gives `target` the LibTorch precompiled header (its own, or with REUSE_FROM another target's)
# and unity batches of eight for the sources that include LibTorch; the others compile alone
# and without the header. A source with its own compile options (SKIP_UNITY_BUILD_INCLUSION
# set before this call, e.g. for its flags) keeps them and compiles alone.
function(relay_torch_sources target)
    cmake_parse_arguments(PARSE_ARGV 1 arg "" "REUSE_FROM" "")
    if(arg_REUSE_FROM)
        target_precompile_headers(${target} REUSE_FROM ${arg_REUSE_FROM})
    else()
        target_precompile_headers(${target} PRIVATE <torch/torch.h>)
    endif()
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
    get_target_property(sources ${target} SOURCES)
    foreach(source IN LISTS sources)
        get_filename_component(source "${source}" ABSOLUTE)
        _relay_reaches_torch("${source}" reaches)
        if(NOT reaches)
            set_source_files_properties("${source}" PROPERTIES SKIP_PRECOMPILE_HEADERS ON
                                                               SKIP_UNITY_BUILD_INCLUSION ON)
        endif()
    endforeach()
endfunction()
