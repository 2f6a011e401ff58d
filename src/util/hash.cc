#include "cardinal/util/hash.h"

#include <bit>
#include <cstring>
#include <random>

namespace cardinal::util {

namespace {

HashSecret g_secret;

struct SipState {
  uint64_t v0, v1, v2, v3;

  void round() {
    v0 += v1;
    v1 = std::rotl(v1, 13);
    v1 ^= v0;
    v0 = std::rotl(v0, 32);
    v2 += v3;
    v3 = std::rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = std::rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = std::rotl(v1, 17);
    v1 ^= v2;
    v2 = std::rotl(v2, 32);
  }

  void absorb(uint64_t m, int rounds) {
    v3 ^= m;
    for (int i = 0; i < rounds; ++i) round();
    v0 ^= m;
  }
};

uint64_t load_le64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}

}  // namespace

void set_hash_secret(const HashSecret& secret) {
  g_secret = secret;
}

void randomize_hash_secret() {
  std::random_device rd;
  HashSecret s;
  s.k0 = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  s.k1 = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  set_hash_secret(s);
}

uint64_t siphash(std::string_view data, const HashSecret& key, int c_rounds, int d_rounds) {
  SipState s{key.k0 ^ 0x736f6d6570736575ULL, key.k1 ^ 0x646f72616e646f6dULL,
             key.k0 ^ 0x6c7967656e657261ULL, key.k1 ^ 0x7465646279746573ULL};
  const char* p = data.data();
  size_t full_blocks = data.size() / 8;
  for (size_t i = 0; i < full_blocks; ++i, p += 8) s.absorb(load_le64(p), c_rounds);
  uint64_t last = static_cast<uint64_t>(data.size()) << 56;
  size_t tail = data.size() & 7;
  for (size_t i = 0; i < tail; ++i)
    last |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  s.absorb(last, c_rounds);
  s.v2 ^= 0xff;
  for (int i = 0; i < d_rounds; ++i) s.round();
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

uint64_t hash_bytes(std::string_view data) {
  return siphash(data, g_secret, 1, 3);
}

}  // namespace cardinal::util
