// util::siphash / hash_bytes. The SipHash-2-4 reference vectors (key 00..0f, message 00 01 ..
// of length 0..63, from the SipHash paper's vectors.h) prove the round function, message
// padding and finalisation; hash_bytes is SipHash-1-3 with the same machinery under the
// process secret. The constants below were also recomputed with an independent Python
// SipHash written for this test (it reproduces the paper's appendix value a129ca6149be45e5).
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "cardinal/util/hash.h"

using cardinal::util::hash_bytes;
using cardinal::util::HashSecret;
using cardinal::util::set_hash_secret;
using cardinal::util::siphash;

namespace {

// The first n bytes of 00 01 02 ...
std::string counting(size_t n, int first = 0) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>(first + static_cast<int>(i));
  return s;
}

// Restores the default secret (00..0f) when a test that changes it ends, so tables built by
// later tests hash consistently.
struct SecretGuard {
  SecretGuard() { set_hash_secret(HashSecret{}); }
  ~SecretGuard() { set_hash_secret(HashSecret{}); }
};

}  // namespace

TEST_CASE("SipHash-2-4 reference vectors", "[siphash]") {
  // vectors.h lists the outputs as little-endian bytes; here they are the 64-bit values.
  const uint64_t kVectors[16] = {
      0x726fdb47dd0e0e31ULL, 0x74f839c593dc67fdULL, 0x0d6c8009d9a94f5aULL, 0x85676696d7fb7e2dULL,
      0xcf2794e0277187b7ULL, 0x18765564cd99a68dULL, 0xcbc9466e58fee3ceULL, 0xab0200f58b01d137ULL,
      0x93f5f5799a932462ULL, 0x9e0082df0ba9e4b0ULL, 0x7a5dbbc594ddb9f3ULL, 0xf4b32f46226bada7ULL,
      0x751e8fbc860ee5fbULL, 0x14ea5627c0843d90ULL, 0xf723ca908e7af2eeULL, 0xa129ca6149be45e5ULL,
  };
  HashSecret key;  // defaults to the reference key 00 01 .. 0f
  REQUIRE(key.k0 == 0x0706050403020100ULL);
  REQUIRE(key.k1 == 0x0f0e0d0c0b0a0908ULL);
  for (size_t n = 0; n < 16; ++n) {
    INFO("message length " << n);
    REQUIRE(siphash(counting(n), key, 2, 4) == kVectors[n]);
  }
  // The last vector: 63 bytes, seven full blocks and a seven-byte tail.
  REQUIRE(siphash(counting(63), key, 2, 4) == 0x958a324ceb064572ULL);
}

TEST_CASE("SipHash reads bytes >= 0x80 as unsigned and any alignment", "[siphash]") {
  HashSecret key;
  // Values from the independent Python implementation.
  REQUIRE(siphash(counting(7, 0xf9), key, 2, 4) == 0x6ed55720c7570169ULL);
  REQUIRE(siphash(counting(16, 0xf0) + "\xab", key, 2, 4) == 0x1ef97dfbea3ddd5aULL);
  // An unaligned view hashes like an aligned copy.
  std::string buf = "x" + counting(40);
  std::string copy = buf.substr(1);
  REQUIRE(siphash(std::string_view(buf).substr(1), key, 2, 4) == siphash(copy, key, 2, 4));
}

TEST_CASE("hash_bytes is SipHash-1-3 under the process secret", "[siphash]") {
  SecretGuard guard;
  // SipHash-1-3 values for key 00..0f from the independent Python implementation.
  REQUIRE(hash_bytes("") == 0xabac0158050fc4dcULL);
  REQUIRE(hash_bytes(counting(1)) == 0xc9f49bf37d57ca93ULL);
  REQUIRE(hash_bytes(counting(7)) == 0xd3927d989bb11140ULL);
  REQUIRE(hash_bytes(counting(8)) == 0x369095118d299a8eULL);
  REQUIRE(hash_bytes(counting(9)) == 0x25a48eb36c063de4ULL);
  REQUIRE(hash_bytes(counting(15)) == 0xd320d86d2a519956ULL);
  REQUIRE(hash_bytes(counting(16)) == 0xcc4fdd1a7d908b66ULL);
  REQUIRE(hash_bytes(counting(17)) == 0x9cf2689063dbd80cULL);
  REQUIRE(hash_bytes("hello") == 0xb6be2b8cd61385b7ULL);
}

TEST_CASE("set_hash_secret changes every hash", "[siphash]") {
  SecretGuard guard;
  const std::string inputs[] = {"", "a", "hello", counting(8), counting(33)};
  uint64_t before[5];
  for (int i = 0; i < 5; ++i) before[i] = hash_bytes(inputs[i]);

  HashSecret other{0x1122334455667788ULL, 0x99aabbccddeeff00ULL};
  set_hash_secret(other);
  for (int i = 0; i < 5; ++i) {
    INFO("input " << i);
    REQUIRE(hash_bytes(inputs[i]) != before[i]);
    REQUIRE(hash_bytes(inputs[i]) == siphash(inputs[i], other, 1, 3));
  }
  // Only k1 differs: still a different function.
  set_hash_secret(HashSecret{HashSecret{}.k0, 1});
  REQUIRE(hash_bytes("hello") != before[2]);

  cardinal::util::randomize_hash_secret();
  REQUIRE(hash_bytes("hello") != before[2]);  // 2^-64 chance of a false failure

  set_hash_secret(HashSecret{});
  for (int i = 0; i < 5; ++i) REQUIRE(hash_bytes(inputs[i]) == before[i]);
}
