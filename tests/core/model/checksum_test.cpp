// CRC-32 against published check values (the "123456789" check value of the CRC catalogue,
// and values computed independently with zlib.crc32).
#include "model/checksum.h"

#include <gtest/gtest.h>

#include <string>

namespace relay {
namespace {

TEST(Checksum, MatchesTheCatalogueCheckValue) {
    EXPECT_EQ(crc32("123456789"), 0xCBF43926u);
}

TEST(Checksum, MatchesZlibOnKnownInputs) {
    EXPECT_EQ(crc32(""), 0x00000000u);
    EXPECT_EQ(crc32("a"), 0xE8B7BE43u);
    EXPECT_EQ(crc32("The quick brown fox jumps over the lazy dog"), 0x414FA339u);
    EXPECT_EQ(crc32(std::string(1000000, 'a')), 0xDC25BFBCu);
    std::string everyByte;
    for (int value = 0; value < 256; ++value)
        everyByte.push_back(static_cast<char>(value));
    EXPECT_EQ(crc32(everyByte), 0x29058C73u);
}

TEST(Checksum, PiecesGiveTheSameValueAsTheWhole) {
    const std::string text = "The quick brown fox jumps over the lazy dog";
    for (std::size_t split = 0; split <= text.size(); split += 7) {
        Crc32 checksum;
        checksum.update(text.substr(0, split));
        checksum.update(text.substr(split));
        EXPECT_EQ(checksum.value(), 0x414FA339u) << "split at " << split;
    }
}

TEST(Checksum, NoticesOneFlippedBit) {
    std::string text = "123456789";
    text[4] = static_cast<char>(text[4] ^ 0x01);
    EXPECT_NE(crc32(text), 0xCBF43926u);
}

TEST(Checksum, HexIsEightLowerCaseDigits) {
    EXPECT_EQ(checksumHex(0xCBF43926u), "cbf43926");
    EXPECT_EQ(checksumHex(0u), "00000000");
    EXPECT_EQ(checksumHex(0x0000ABCDu), "0000abcd");
}

} // namespace
} // namespace relay
