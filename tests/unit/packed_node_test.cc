// ds::PackedNode and util varints: the byte layout every set member, hash field and keyspace
// key relies on. Lengths straddle each varint width, and parts hold arbitrary bytes.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "cardinal/ds/packed_node.h"
#include "cardinal/util/varint.h"

using cardinal::ds::PackedNode;

TEST_CASE("varint: round-trips and sizes at every width boundary", "[packed]") {
  for (uint64_t v : {0ULL, 1ULL, 127ULL, 128ULL, 16383ULL, 16384ULL, 2097151ULL, 2097152ULL,
                     (1ULL << 32) - 1, 1ULL << 32, ~0ULL}) {
    char buf[10];
    char* end = cardinal::util::varint_put(buf, v);
    REQUIRE(static_cast<size_t>(end - buf) == cardinal::util::varint_size(v));
    uint64_t back = 0;
    REQUIRE(cardinal::util::varint_get(buf, back) == end);
    REQUIRE(back == v);
  }
}

TEST_CASE("PackedNode: parts of any length and content come back exactly", "[packed]") {
  std::mt19937_64 rng(3);
  for (size_t a : {0, 1, 127, 128, 300, 16384}) {
    for (size_t b : {0, 1, 127, 128, 20000}) {
      std::string first(a, '\0'), second(b, '\0');
      for (char& c : first) c = static_cast<char>(rng());
      for (char& c : second) c = static_cast<char>(rng());
      auto* node = PackedNode<2>::make({first, second});
      REQUIRE(node->key() == first);
      REQUIRE(node->part(1) == second);
      REQUIRE(node->requested_bytes() == sizeof(void*) + cardinal::util::varint_size(a) + a +
                                             cardinal::util::varint_size(b) + b);
      std::string same_length(b, 'z');
      node->overwrite(1, same_length);
      REQUIRE(node->part(1) == same_length);
      REQUIRE(node->key() == first);
      PackedNode<2>::destroy(node);
    }
  }
  // A 16-byte set member takes 8 + 1 + 16 bytes: one jemalloc 32-byte block.
  auto* member = PackedNode<1>::make({"0123456789abcdef"});
  REQUIRE(member->requested_bytes() == 25);
  PackedNode<1>::destroy(member);
}
