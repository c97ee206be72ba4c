// CRC-32 (the IEEE 802.3 / zlib polynomial) for checkpoint files: plain C++ so that anything
// that only reads checkpoint metadata can verify a file without LibTorch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace relay {

// Incremental CRC-32: feed the bytes in any number of pieces, then read value().
class Crc32 {
public:
    void update(const void* data, std::size_t size);
    void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
    std::uint32_t value() const { return m_register ^ 0xFFFFFFFFu; }

private:
    std::uint32_t m_register = 0xFFFFFFFFu;
};

std::uint32_t crc32(std::string_view bytes);

// Eight lower-case hex digits, as the run store records a checkpoint's checksum.
std::string checksumHex(std::uint32_t checksum);

} // namespace relay
