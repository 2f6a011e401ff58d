#include <catch2/catch.hpp>

#include "harness.h"

using namespace cardinal::test;

TEST_CASE("SET and GET round trip, with NX/XX and GET", "[strings]") {
  Harness h;
  CHECK(h("SET k v") == Ok());
  CHECK(h("GET k") == Bulk("v"));
  CHECK(h("SET k w NX") == Nil());
  CHECK(h("SET k w XX GET") == Bulk("v"));
  CHECK(h("GET k") == Bulk("w"));
  CHECK(h("SET k v NX XX") == Err("ERR syntax error"));
  CHECK(h("GET missing") == Nil());
  CHECK(h("GET") == Err("ERR wrong number of arguments for 'get' command"));
}

TEST_CASE("expiry follows the manual clock", "[strings][expire]") {
  Harness h;
  CHECK(h("SET k v PX 100") == Ok());
  CHECK(h("PTTL k") == Int(100));
  h.clock.advance_ms(100);
  CHECK(h("GET k") == Bulk("v"));  // expired only once now > deadline
  h.clock.advance_ms(1);
  CHECK(h("GET k") == Nil());
  CHECK(h("TTL k") == Int(-2));
}

TEST_CASE("counters overflow and reject non-integers like Redis", "[strings]") {
  Harness h;
  CHECK(h("INCR n") == Int(1));
  CHECK(h("INCRBY n 9223372036854775806") == Int(INT64_MAX));
  CHECK(h("INCR n") == Err("ERR increment or decrement would overflow"));
  CHECK(h("SET s 007") == Ok());
  CHECK(h("INCR s") == Err("ERR value is not an integer or out of range"));
  CHECK(h("SET f 10.50") == Ok());
  CHECK(h("INCRBYFLOAT f 0.1") == Bulk("10.6"));
  // long double arithmetic shows its last digits exactly as redis-server 7.0 does
  CHECK(h("INCRBYFLOAT f 5.0e3") == Bulk("5010.60000000000000009"));
}

TEST_CASE("LCS refuses a table larger than the machine's memory with Redis's error", "[strings]") {
  Harness h;
  // 300k x 300k counters would need about 360 GB.
  CHECK(h.run({"SET", "a", std::string(300'000, 'x')}) == Ok());
  CHECK(h.run({"SET", "b", std::string(300'000, 'y')}) == Ok());
  CHECK(h("LCS a b") == Err("ERR Insufficient memory, failed allocating transient memory for LCS"));
  CHECK(h("LCS a b LEN") ==
        Err("ERR Insufficient memory, failed allocating transient memory for LCS"));
}
