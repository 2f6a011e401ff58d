#include "cardinal/persist/crc64.h"

#include <array>

namespace cardinal::persist {

namespace {

constexpr uint64_t kReflectedPoly = 0x95ac9329ac4bc9b5ULL;

// Slicing by 8: table[k][b] is the CRC of byte b followed by k zero bytes, so eight input
// bytes fold in with eight lookups instead of eight dependent shifts per byte.
struct Tables {
  std::array<std::array<uint64_t, 256>, 8> t{};
  constexpr Tables() {
    for (uint64_t b = 0; b < 256; ++b) {
      uint64_t c = b;
      for (int i = 0; i < 8; ++i) c = (c & 1) ? (c >> 1) ^ kReflectedPoly : c >> 1;
      t[0][b] = c;
    }
    for (size_t k = 1; k < 8; ++k)
      for (size_t b = 0; b < 256; ++b) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xff];
  }
};

constexpr Tables kTables;

}  // namespace

uint64_t crc64(uint64_t crc, std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t n = bytes.size();
  const auto& t = kTables.t;
  while (n >= 8) {
    uint64_t v = crc;
    for (int i = 0; i < 8; ++i) v ^= uint64_t{p[i]} << (8 * i);
    crc = t[7][v & 0xff] ^ t[6][(v >> 8) & 0xff] ^ t[5][(v >> 16) & 0xff] ^ t[4][(v >> 24) & 0xff] ^
          t[3][(v >> 32) & 0xff] ^ t[2][(v >> 40) & 0xff] ^ t[1][(v >> 48) & 0xff] ^ t[0][v >> 56];
    p += 8;
    n -= 8;
  }
  while (n--) crc = t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return crc;
}

}  // namespace cardinal::persist
