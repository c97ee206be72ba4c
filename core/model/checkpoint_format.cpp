#include "model/checkpoint_format.h"

#include "model/checksum.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace relay {
namespace {

constexpr std::size_t kHeaderSize = 24; // magic, version, file size, section count
constexpr std::size_t kTrailerSize = 4; // CRC-32
constexpr std::size_t kVersionOffset = 8;
constexpr std::size_t kFileSizeOffset = 12;
constexpr std::size_t kSectionCountOffset = 20;

void appendInteger(std::string& bytes, std::uint64_t value, int byteCount) {
    for (int index = 0; index < byteCount; ++index)
        bytes.push_back(static_cast<char>((value >> (8 * index)) & 0xFFu));
}

std::uint64_t readInteger(std::string_view bytes, std::size_t offset, int byteCount) {
    std::uint64_t value = 0;
    for (int index = byteCount - 1; index >= 0; --index)
        value = (value << 8) |
                static_cast<unsigned char>(bytes[offset + static_cast<std::size_t>(index)]);
    return value;
}

std::string where(const std::string& path) {
    return "checkpoint '" + path + "'";
}

CheckpointError corrupted(const std::string& path, const std::string& what) {
    return CheckpointError(where(path) + " is corrupted: " + what);
}

void checkHeader(const std::string& bytes, const std::string& path) {
    if (bytes.empty())
        throw CheckpointError(where(path) + " is empty (truncated when it was written?)");
    const std::string_view start(bytes.data(), std::min(bytes.size(), kCheckpointMagic.size()));
    if (start != kCheckpointMagic.substr(0, start.size()))
        throw CheckpointError("'" + path + "' is not a RELAY checkpoint (it does not start with " +
                              std::string(kCheckpointMagic) + ")");
    if (bytes.size() < kHeaderSize + kTrailerSize)
        throw CheckpointError(where(path) + " is truncated: " + std::to_string(bytes.size()) +
                              " bytes, shorter than its header");
    const std::uint64_t declaredSize = readInteger(bytes, kFileSizeOffset, 8);
    if (declaredSize != bytes.size())
        throw CheckpointError(where(path) + " is truncated or corrupted: its header says " +
                              std::to_string(declaredSize) + " bytes but the file has " +
                              std::to_string(bytes.size()));
}

} // namespace

const std::string_view* DecodedCheckpoint::find(std::string_view name) const {
    for (const auto& section : m_sections)
        if (section.name == name)
            return &section.payload;
    return nullptr;
}

std::string encodeCheckpoint(const std::vector<CheckpointSection>& sections) {
    std::size_t totalSize = kHeaderSize + kTrailerSize;
    for (const auto& section : sections)
        totalSize += 4 + section.name.size() + 8 + section.payload.size();

    std::string bytes;
    bytes.reserve(totalSize);
    bytes.append(kCheckpointMagic);
    appendInteger(bytes, kCheckpointFormatVersion, 4);
    appendInteger(bytes, totalSize, 8);
    appendInteger(bytes, sections.size(), 4);
    for (const auto& section : sections) {
        appendInteger(bytes, section.name.size(), 4);
        bytes.append(section.name);
        appendInteger(bytes, section.payload.size(), 8);
        bytes.append(section.payload);
    }
    appendInteger(bytes, crc32(bytes), 4);
    return bytes;
}

std::uint32_t storedChecksum(const std::string& bytes) {
    if (bytes.size() < kTrailerSize)
        return 0;
    return static_cast<std::uint32_t>(readInteger(bytes, bytes.size() - kTrailerSize, 4));
}

DecodedCheckpoint decodeCheckpoint(const std::string& bytes, const std::string& path) {
    checkHeader(bytes, path);

    // Nothing past the size field is trusted before the checksum matches.
    const std::size_t bodySize = bytes.size() - kTrailerSize;
    const std::uint32_t stored = storedChecksum(bytes);
    const std::uint32_t computed = crc32(std::string_view(bytes.data(), bodySize));
    if (stored != computed)
        throw corrupted(path, "checksum mismatch (stored " + checksumHex(stored) + ", computed " +
                                  checksumHex(computed) + ")");

    const auto version = readInteger(bytes, kVersionOffset, 4);
    if (version != static_cast<std::uint64_t>(kCheckpointFormatVersion))
        throw CheckpointError(where(path) + " has format version " + std::to_string(version) +
                              "; this build reads version " +
                              std::to_string(kCheckpointFormatVersion));

    // A correct checksum over a bad table can only come from a writer bug; still bounds-check.
    const std::string_view body(bytes.data(), bodySize);
    const auto sectionCount = readInteger(body, kSectionCountOffset, 4);
    std::vector<DecodedCheckpoint::View> sections;
    std::size_t offset = kHeaderSize;
    for (std::uint64_t index = 0; index < sectionCount; ++index) {
        if (body.size() - offset < 4)
            throw corrupted(path, "section table runs past the end");
        const auto nameSize = readInteger(body, offset, 4);
        offset += 4;
        if (body.size() - offset < nameSize + 8)
            throw corrupted(path, "section table runs past the end");
        const std::string_view name = body.substr(offset, nameSize);
        offset += nameSize;
        const auto payloadSize = readInteger(body, offset, 8);
        offset += 8;
        if (body.size() - offset < payloadSize)
            throw corrupted(path, "section '" + std::string(name) + "' runs past the end");
        sections.push_back({name, body.substr(offset, payloadSize)});
        offset += payloadSize;
    }
    if (offset != body.size())
        throw corrupted(path, "unexpected bytes after the last section");
    return DecodedCheckpoint(std::move(sections), computed);
}

std::string encodeMetadata(const CheckpointMetadata& metadata) {
    nlohmann::json tensors = nlohmann::json::array();
    for (const auto& tensor : metadata.tensors)
        tensors.push_back({{"name", tensor.name},
                           {"shape", tensor.shape},
                           {"dataType", tensor.dataType},
                           {"buffer", tensor.isBuffer}});
    const nlohmann::json json = {
        {"formatVersion", kCheckpointFormatVersion},
        {"engineVersion", metadata.engineVersion},
        {"step", metadata.step},
        {"scheduler",
         {{"step", metadata.scheduler.step},
          {"baseLearningRate", metadata.scheduler.baseLearningRate},
          {"warmupSteps", metadata.scheduler.warmupSteps},
          {"totalSteps", metadata.scheduler.totalSteps}}},
        {"curriculum",
         {{"length", metadata.curriculum.length},
          {"lossSum", metadata.curriculum.lossSum},
          {"steps", metadata.curriculum.steps}}},
        {"randomState", metadata.randomState},
        {"config", metadata.configJson},
        {"vocabulary", metadata.vocabularyJson},
        {"tensors", tensors},
        {"optimizer", metadata.hasOptimizerState},
    };
    return json.dump();
}

CheckpointMetadata decodeMetadata(std::string_view text, const std::string& path) {
    try {
        const auto json = nlohmann::json::parse(text);
        CheckpointMetadata metadata;
        metadata.formatVersion = json.at("formatVersion").get<int>();
        metadata.engineVersion = json.at("engineVersion").get<std::string>();
        metadata.step = json.at("step").get<std::int64_t>();
        const auto& scheduler = json.at("scheduler");
        metadata.scheduler.step = scheduler.at("step").get<std::int64_t>();
        metadata.scheduler.baseLearningRate = scheduler.at("baseLearningRate").get<double>();
        metadata.scheduler.warmupSteps = scheduler.at("warmupSteps").get<std::int64_t>();
        metadata.scheduler.totalSteps = scheduler.at("totalSteps").get<std::int64_t>();
        if (json.contains("curriculum")) { // absent in checkpoints from before the gate
            const auto& curriculum = json.at("curriculum");
            metadata.curriculum.length = curriculum.at("length").get<int>();
            metadata.curriculum.lossSum = curriculum.at("lossSum").get<double>();
            metadata.curriculum.steps = curriculum.at("steps").get<std::int64_t>();
            if (metadata.curriculum.length < 0 || metadata.curriculum.steps < 0 ||
                !std::isfinite(metadata.curriculum.lossSum))
                throw corrupted(path, "curriculum state out of range");
        }
        metadata.randomState = json.at("randomState").get<std::string>();
        metadata.configJson = json.at("config").get<std::string>();
        metadata.vocabularyJson = json.at("vocabulary").get<std::string>();
        for (const auto& tensor : json.at("tensors"))
            metadata.tensors.push_back({tensor.at("name").get<std::string>(),
                                        tensor.at("shape").get<std::vector<std::int64_t>>(),
                                        tensor.at("dataType").get<std::string>(),
                                        tensor.at("buffer").get<bool>()});
        metadata.hasOptimizerState = json.at("optimizer").get<bool>();
        return metadata;
    } catch (const nlohmann::json::exception& error) {
        throw corrupted(path, std::string("unreadable metadata: ") + error.what());
    }
}

CheckpointMetadata metadataOf(const DecodedCheckpoint& checkpoint, const std::string& path) {
    const auto* section = checkpoint.find(kMetadataSection);
    if (section == nullptr)
        throw corrupted(path, "no metadata section");
    auto metadata = decodeMetadata(*section, path);
    metadata.checksumHex = checksumHex(checkpoint.checksum());
    return metadata;
}

std::string readCheckpointBytes(const std::string& path) {
    std::error_code error;
    if (!std::filesystem::exists(path, error))
        throw CheckpointError("checkpoint '" + path + "' does not exist");
    if (!std::filesystem::is_regular_file(path, error))
        throw CheckpointError("'" + path + "' is not a checkpoint: not a regular file");
    std::ifstream stream(path, std::ios::binary);
    if (!stream)
        throw CheckpointError("cannot open checkpoint '" + path + "': " + std::strerror(errno));
    std::ostringstream contents;
    contents << stream.rdbuf(); // an empty file sets failbit on `contents`, which is fine
    if (stream.bad())
        throw CheckpointError("cannot read checkpoint '" + path + "': " + std::strerror(errno));
    return contents.str();
}

CheckpointMetadata readCheckpointMetadata(const std::string& path) {
    const std::string bytes = readCheckpointBytes(path);
    return metadataOf(decodeCheckpoint(bytes, path), path);
}

} // namespace relay
