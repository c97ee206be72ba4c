#include "model/checksum.h"

#include <array>

namespace relay {
namespace {

// The reflected form of the polynomial 0x04C11DB7, as zlib and PNG use it.
constexpr std::uint32_t kReflectedPolynomial = 0xEDB88320u;

// One table entry per byte value: the register's change after shifting that byte through.
std::array<std::uint32_t, 256> makeTable() {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t byte = 0; byte < 256; ++byte) {
        std::uint32_t value = byte;
        for (int bit = 0; bit < 8; ++bit)
            value = (value & 1u) ? (value >> 1) ^ kReflectedPolynomial : value >> 1;
        table[byte] = value;
    }
    return table;
}

const std::array<std::uint32_t, 256>& table() {
    static const std::array<std::uint32_t, 256> instance = makeTable();
    return instance;
}

} // namespace

void Crc32::update(const void* data, std::size_t size) {
    const auto& lookup = table();
    const auto* bytes = static_cast<const unsigned char*>(data);
    std::uint32_t crc = m_register;
    for (std::size_t index = 0; index < size; ++index)
        crc = lookup[(crc ^ bytes[index]) & 0xFFu] ^ (crc >> 8);
    m_register = crc;
}

std::uint32_t crc32(std::string_view bytes) {
    Crc32 checksum;
    checksum.update(bytes);
    return checksum.value();
}

std::string checksumHex(std::uint32_t checksum) {
    static const char digits[] = "0123456789abcdef";
    std::string text(8, '0');
    for (int position = 7; position >= 0; --position) {
        text[static_cast<std::size_t>(position)] = digits[checksum & 0xFu];
        checksum >>= 4;
    }
    return text;
}

} // namespace relay
