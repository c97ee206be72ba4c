// The checkpoint container on its own: the documented byte layout and its verification.
#include "model/checkpoint_format.h"
#include "model/checksum.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace relay {
namespace {

std::uint64_t littleEndian(const std::string& bytes, std::size_t offset, int size) {
    std::uint64_t value = 0;
    for (int index = size - 1; index >= 0; --index)
        value = (value << 8) |
                static_cast<unsigned char>(bytes[offset + static_cast<std::size_t>(index)]);
    return value;
}

std::vector<CheckpointSection> twoSections() {
    return {{"metadata", "{}"}, {"blob", std::string("\0\1\2\3", 4)}};
}

TEST(CheckpointFormat, WritesTheDocumentedLayout) {
    const std::string bytes = encodeCheckpoint(twoSections());
    EXPECT_EQ(bytes.substr(0, 8), "RELAYCKP");
    EXPECT_EQ(littleEndian(bytes, 8, 4), static_cast<std::uint64_t>(kCheckpointFormatVersion));
    EXPECT_EQ(littleEndian(bytes, 12, 8), bytes.size());
    EXPECT_EQ(littleEndian(bytes, 20, 4), 2u);
    // First section: u32 name length, name, u64 payload length, payload.
    EXPECT_EQ(littleEndian(bytes, 24, 4), 8u);
    EXPECT_EQ(bytes.substr(28, 8), "metadata");
    EXPECT_EQ(littleEndian(bytes, 36, 8), 2u);
    EXPECT_EQ(bytes.substr(44, 2), "{}");
    const std::size_t bodySize = bytes.size() - 4;
    EXPECT_EQ(littleEndian(bytes, bodySize, 4), crc32(std::string_view(bytes.data(), bodySize)));
    EXPECT_EQ(bytes.size(), 24u + (4 + 8 + 8 + 2) + (4 + 4 + 8 + 4) + 4);
}

TEST(CheckpointFormat, DecodesWhatItEncodes) {
    const std::string bytes = encodeCheckpoint(twoSections());
    const DecodedCheckpoint decoded = decodeCheckpoint(bytes, "memory");
    ASSERT_NE(decoded.find("blob"), nullptr);
    EXPECT_EQ(*decoded.find("blob"), std::string_view("\0\1\2\3", 4));
    EXPECT_EQ(*decoded.find("metadata"), "{}");
    EXPECT_EQ(decoded.find("absent"), nullptr);
    EXPECT_EQ(decoded.checksum(), storedChecksum(bytes));
}

TEST(CheckpointFormat, RejectsEveryFlippedByte) {
    const std::string bytes = encodeCheckpoint(twoSections());
    for (std::size_t offset = 0; offset < bytes.size(); ++offset) {
        std::string damaged = bytes;
        damaged[offset] = static_cast<char>(damaged[offset] ^ 0x40);
        EXPECT_THROW(decodeCheckpoint(damaged, "memory"), CheckpointError) << "offset " << offset;
    }
}

TEST(CheckpointFormat, RejectsEveryTruncation) {
    const std::string bytes = encodeCheckpoint(twoSections());
    for (std::size_t length = 0; length < bytes.size(); ++length) {
        try {
            decodeCheckpoint(bytes.substr(0, length), "short.ckpt");
            ADD_FAILURE() << "length " << length << " was accepted";
        } catch (const CheckpointError& error) {
            EXPECT_NE(std::string(error.what()).find("truncated"), std::string::npos)
                << error.what();
        }
    }
}

TEST(CheckpointFormat, RejectsANewerFormatVersionWithAValidChecksum) {
    std::string bytes = encodeCheckpoint(twoSections());
    bytes[8] = static_cast<char>(kCheckpointFormatVersion + 1);
    bytes.resize(bytes.size() - 4);
    const std::uint32_t checksum = crc32(bytes);
    for (int index = 0; index < 4; ++index)
        bytes.push_back(static_cast<char>((checksum >> (8 * index)) & 0xFFu));
    try {
        decodeCheckpoint(bytes, "new.ckpt");
        FAIL() << "a newer version was accepted";
    } catch (const CheckpointError& error) {
        EXPECT_NE(std::string(error.what()).find("format version 2"), std::string::npos)
            << error.what();
    }
}

TEST(CheckpointFormat, MetadataRoundTrips) {
    CheckpointMetadata metadata;
    metadata.step = 1234;
    metadata.configJson = R"({"model": {"width": 64}})";
    metadata.vocabularyJson = R"(["<pad>", "<sep>"])";
    metadata.randomState = "1 2 3";
    metadata.scheduler = {1234, 0.1 + 0.2, 100, 5000};
    metadata.engineVersion = "0.1.0";
    metadata.tensors = {{"head.weight", {11, 8}, "Float", false}, {"scale", {8}, "Float", true}};
    metadata.hasOptimizerState = true;
    const CheckpointMetadata back = decodeMetadata(encodeMetadata(metadata), "memory");
    EXPECT_EQ(back.step, 1234);
    EXPECT_EQ(back.configJson, metadata.configJson);
    EXPECT_EQ(back.vocabularyJson, metadata.vocabularyJson);
    EXPECT_EQ(back.randomState, metadata.randomState);
    EXPECT_EQ(back.scheduler, metadata.scheduler); // exact, including 0.30000000000000004
    EXPECT_EQ(back.engineVersion, "0.1.0");
    ASSERT_EQ(back.tensors.size(), 2u);
    EXPECT_EQ(back.tensors[0].name, "head.weight");
    EXPECT_EQ(back.tensors[0].shape, (std::vector<std::int64_t>{11, 8}));
    EXPECT_TRUE(back.tensors[1].isBuffer);
    EXPECT_TRUE(back.hasOptimizerState);
}

} // namespace
} // namespace relay
