# Warnings for our own code; third-party headers come in as SYSTEM includes so they stay quiet.
function(relay_set_warnings target)
    # GCC 12 reports false -Wmaybe-uninitialized inside nlohmann-json templates.
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-unused-parameter
                                             -Wno-maybe-uninitialized)
endfunction()

# Every Qt target: Qt's `slots`/`signals` macros clash with LibTorch headers. Its sources
# compile in unity batches of eight: parsing Qt's headers is most of a widget source's time
# (chain_inspector.cpp: 71% of 20 s, QCustomPlot's header pulling in all of QtWidgets), and a
# batch parses them once. A precompiled header does not pay here: one holding QtWidgets is
# 400 MB, and loading it made the light sources three times slower (chain_detail.cpp: 2.4 s
# plain, 6.5 s with it; the Qt targets took 665 s instead of 350 s). As in the engine's
# batches (TorchSources.cmake), a name in a source's anonymous namespace must be unique
# within its target.
function(relay_qt_target target)
    target_compile_definitions(${target} PRIVATE QT_NO_KEYWORDS)
    set_target_properties(${target} PROPERTIES AUTOMOC ON UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
endfunction()
