// Reads the archives LibTorch's torch::save and serialize::OutputArchive write (a zip holding a
// pickle of the saved objects, one data record per tensor storage, and TorchScript source of the
// objects' classes) without handing LibTorch any of the archive's own source or pickle. A
// damaged source record under a correct checksum crashed LibTorch's TorchScript parser
// (SIGSEGV), and its unpickler indexes its stack unchecked on malformed input; a checkpoint from
// elsewhere must reach neither. So the pickle is interpreted here, by a reader that knows only
// the instructions and globals those writers emit and checks each before acting on it, and the
// source records are never read.
#pragma once

#include <ATen/core/Dict.h>
#include <ATen/core/ivalue.h>

#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace relay {

// What is wrong with an archive; checkpoint.cpp adds the file and section.
class ArchiveError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// One saved object (the archive's root, or an archive written into it): its attributes in
// the order they were written, from name to value. A value is an int, float, bool, string,
// None, a tuple of those, a CPU tensor, or another ArchiveObject (a GenericDict).
using ArchiveObject = c10::impl::GenericDict;

// The root object of the archive `bytes`. Every tensor is a CPU tensor backed by a copy of its
// data record, which must hold every byte the tensor's shape reaches. Throws ArchiveError.
ArchiveObject readArchive(std::string_view bytes);

// `root` written again by serialize::OutputArchive, so that LibTorch reads back only source and
// pickle it wrote itself (tensors as parameters, other values as attributes, objects as nested
// archives). Attribute names become identifiers in that source: each must pass `nameAllowed`,
// or ArchiveError names it.
std::string rewrittenArchive(const ArchiveObject& root,
                             const std::function<bool(const std::string&)>& nameAllowed);

// Every tensor in `object` and the objects below it, depth first.
void forEachTensor(const ArchiveObject& object,
                   const std::function<void(const std::string& name, const at::Tensor&)>& visit);

} // namespace relay
