// CRC-64 with the Jones polynomial (0xad93d23594c935a9, reflected form 0x95ac9329ac4bc9b5, init 0,
// no final xor): the checksum that trails a Redis RDB file. Pure functions; any thread.
// crc64(0, "123456789") == 0xe9c6d914c4b8d9ca.
#pragma once

#include <cstdint>
#include <string_view>

namespace cardinal::persist {

// Continues a running checksum `crc` over `bytes` (start with 0).
uint64_t crc64(uint64_t crc, std::string_view bytes);

}  // namespace cardinal::persist
