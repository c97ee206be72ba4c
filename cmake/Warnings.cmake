# Warnings for our own code; third-party headers come in as SYSTEM includes so they stay quiet.
function(relay_set_warnings target)
    # GCC 12 reports false -Wmaybe-uninitialized inside nlohmann-json templates.
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-unused-parameter
                                             -Wno-maybe-uninitialized)
endfunction()

# Every Qt target: Qt's `slots`/`signals` macros clash with LibTorch headers.
function(relay_qt_target target)
    target_compile_definitions(${target} PRIVATE QT_NO_KEYWORDS)
    set_target_properties(${target} PROPERTIES AUTOMOC ON)
endfunction()
