# Shared by the configure-check tests (sourced): a scratch folder $work removed on exit, fail,
# and fake_torch, which writes a LibTorch package config laid out as the LibTorch zips are.

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# fake_torch FOLDER VERSION ABI(0|1) CUDA(yes|no)
fake_torch() {
    local config="$1/share/cmake/Torch"
    mkdir -p "$config" "$1/lib"
    cat >"$config/TorchConfigVersion.cmake" <<CONFIG
set(PACKAGE_VERSION "$2")
set(PACKAGE_VERSION_COMPATIBLE TRUE)
CONFIG
    cat >"$config/TorchConfig.cmake" <<CONFIG
get_filename_component(TORCH_INSTALL_PREFIX "\${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
set(TORCH_CXX_FLAGS "-D_GLIBCXX_USE_CXX11_ABI=$3")
set(TORCH_LIBRARY "\${TORCH_INSTALL_PREFIX}/lib/libtorch.so")
if("$4" STREQUAL "yes")
    add_library(torch_cuda INTERFACE IMPORTED)
endif()
set(Torch_FOUND TRUE)
CONFIG
}
