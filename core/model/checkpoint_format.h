// The checkpoint container: a fixed header, named byte sections and a CRC-32 trailer. Knows
// nothing about tensors; checkpoint.cpp fills the sections.
//
// Layout of format version 1 (integers little-endian):
//   offset 0   8 bytes   magic "RELAYCKP"
//   offset 8   u32       format version
//   offset 12  u64       size of the whole file in bytes, trailer included
//   offset 20  u32       number of sections
//   offset 24  sections, each: u32 name length, name, u64 payload length, payload
//   last 4     u32       CRC-32 of every byte before it
// Sections of version 1: "metadata" (JSON, always first), "model" (torch::save of the
// parameters and buffers in the order the metadata lists them, on the CPU), "optimizer"
// (torch::save of the optimizer, optional), "torch-cpu-generator" (raw generator state) and
// "torch-cuda-generator-N" (one per CUDA device, optional).
#pragma once

#include "model/checkpoint_metadata.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relay {

inline constexpr std::string_view kCheckpointMagic = "RELAYCKP";

inline constexpr const char* kMetadataSection = "metadata";
inline constexpr const char* kModelSection = "model";
inline constexpr const char* kOptimizerSection = "optimizer";
inline constexpr const char* kCpuGeneratorSection = "torch-cpu-generator";
inline constexpr const char* kCudaGeneratorSectionPrefix = "torch-cuda-generator-";

struct CheckpointSection {
    std::string name;
    std::string payload;
};

// A verified file's sections, as views into the caller's bytes (which must outlive it).
class DecodedCheckpoint {
public:
    struct View {
        std::string_view name;
        std::string_view payload;
    };

    DecodedCheckpoint(std::vector<View> sections, std::uint32_t checksum)
        : m_sections(std::move(sections)), m_checksum(checksum) {}

    // Null when the file has no section of that name.
    const std::string_view* find(std::string_view name) const;
    std::uint32_t checksum() const { return m_checksum; }

private:
    std::vector<View> m_sections;
    std::uint32_t m_checksum;
};

// The whole file's bytes, checksum included.
std::string encodeCheckpoint(const std::vector<CheckpointSection>& sections);

// The checksum stored in the trailer of an encoded file (no verification).
std::uint32_t storedChecksum(const std::string& bytes);

// Verifies magic, size, checksum and version before reading the section table; throws
// CheckpointError naming `path` and what is wrong.
DecodedCheckpoint decodeCheckpoint(const std::string& bytes, const std::string& path);

// The file's bytes; CheckpointError names the file when it cannot be opened or read.
std::string readCheckpointBytes(const std::string& path);

// The metadata section's JSON, and back (checks every field's presence and type).
std::string encodeMetadata(const CheckpointMetadata& metadata);
CheckpointMetadata decodeMetadata(std::string_view json, const std::string& path);

// The verified metadata of a decoded file, with its checksum filled in.
CheckpointMetadata metadataOf(const DecodedCheckpoint& checkpoint, const std::string& path);

} // namespace relay
