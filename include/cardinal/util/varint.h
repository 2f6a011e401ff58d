// LEB128 varints: 7 bits per byte, low bits first, high bit set on every byte but the last.
// Compact nodes prefix their byte strings with one, so a short key costs one length byte.
// Pure functions; any thread.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cardinal::util {

constexpr size_t varint_size(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

inline char* varint_put(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

inline const char* varint_get(const char* p, uint64_t& v) {
  v = 0;
  for (int shift = 0;; shift += 7) {
    auto byte = static_cast<unsigned char>(*p++);
    v |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if (byte < 0x80) return p;
  }
}

}  // namespace cardinal::util
