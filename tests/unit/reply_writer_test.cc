// resp::ReplyWriter: the exact bytes of every reply shape under RESP2 and RESP3. Clients parse
// these byte for byte, so each expectation is written out literally (doubles as C's "%.17g",
// checked with Python's '%.17g' % v).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>

#include "cardinal/resp/reply_writer.h"

using cardinal::resp::ReplyWriter;
using namespace std::string_literals;

namespace {

// The bytes one call appends under the given protocol.
std::string wire(int protocol, const std::function<void(ReplyWriter&)>& write) {
  std::string out;
  ReplyWriter w(out);
  w.set_protocol(protocol);
  write(w);
  return out;
}

struct ShapeCase {
  const char* name;
  std::function<void(ReplyWriter&)> write;
  std::string resp2;
  std::string resp3;
};

}  // namespace

TEST_CASE("ReplyWriter writes RESP2 and RESP3 shapes", "[reply_writer]") {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<ShapeCase> cases = {
      {"null", [](ReplyWriter& w) { w.null(); }, "$-1\r\n", "_\r\n"},
      {"null_array", [](ReplyWriter& w) { w.null_array(); }, "*-1\r\n", "_\r\n"},
      {"map", [](ReplyWriter& w) { w.map(2); }, "*4\r\n", "%2\r\n"},
      {"empty map", [](ReplyWriter& w) { w.map(0); }, "*0\r\n", "%0\r\n"},
      {"set", [](ReplyWriter& w) { w.set(3); }, "*3\r\n", "~3\r\n"},
      {"push", [](ReplyWriter& w) { w.push(2); }, "*2\r\n", ">2\r\n"},
      {"array", [](ReplyWriter& w) { w.array(12); }, "*12\r\n", "*12\r\n"},
      {"dbl inf", [&](ReplyWriter& w) { w.dbl(inf); }, "$3\r\ninf\r\n", ",inf\r\n"},
      {"dbl -inf", [&](ReplyWriter& w) { w.dbl(-inf); }, "$4\r\n-inf\r\n", ",-inf\r\n"},
      {"dbl 1.5", [](ReplyWriter& w) { w.dbl(1.5); }, "$3\r\n1.5\r\n", ",1.5\r\n"},
      {"dbl 0.1", [](ReplyWriter& w) { w.dbl(0.1); }, "$19\r\n0.10000000000000001\r\n",
       ",0.10000000000000001\r\n"},
      {"dbl 3", [](ReplyWriter& w) { w.dbl(3.0); }, "$1\r\n3\r\n", ",3\r\n"},
      {"dbl -0", [](ReplyWriter& w) { w.dbl(-0.0); }, "$2\r\n-0\r\n", ",-0\r\n"},
      {"dbl 1e300", [](ReplyWriter& w) { w.dbl(1e300); }, "$23\r\n1.0000000000000001e+300\r\n",
       ",1.0000000000000001e+300\r\n"},
      {"dbl denormal", [](ReplyWriter& w) { w.dbl(5e-324); }, "$23\r\n4.9406564584124654e-324\r\n",
       ",4.9406564584124654e-324\r\n"},
      {"true", [](ReplyWriter& w) { w.boolean(true); }, ":1\r\n", "#t\r\n"},
      {"false", [](ReplyWriter& w) { w.boolean(false); }, ":0\r\n", "#f\r\n"},
      {"verbatim", [](ReplyWriter& w) { w.verbatim("hello"); }, "$5\r\nhello\r\n",
       "=9\r\ntxt:hello\r\n"},
      {"verbatim mkd with CRLF", [](ReplyWriter& w) { w.verbatim("# a\r\nb", "mkd"); },
       "$6\r\n# a\r\nb\r\n", "=10\r\nmkd:# a\r\nb\r\n"},
      {"empty verbatim", [](ReplyWriter& w) { w.verbatim(""); }, "$0\r\n\r\n", "=4\r\ntxt:\r\n"},
      {"bulk", [](ReplyWriter& w) { w.bulk("a\0\r\nb"s); }, "$5\r\na\0\r\nb\r\n"s,
       "$5\r\na\0\r\nb\r\n"s},
      {"empty bulk", [](ReplyWriter& w) { w.bulk(""); }, "$0\r\n\r\n", "$0\r\n\r\n"},
      {"simple", [](ReplyWriter& w) { w.simple("PONG"); }, "+PONG\r\n", "+PONG\r\n"},
      {"ok", [](ReplyWriter& w) { w.ok(); }, "+OK\r\n", "+OK\r\n"},
  };
  for (const ShapeCase& c : cases) {
    INFO(c.name);
    REQUIRE(wire(2, c.write) == c.resp2);
    REQUIRE(wire(3, c.write) == c.resp3);
  }
}

TEST_CASE("ReplyWriter integers at the extremes", "[reply_writer]") {
  auto integer = [](int64_t v) { return wire(2, [v](ReplyWriter& w) { w.integer(v); }); };
  REQUIRE(integer(0) == ":0\r\n");
  REQUIRE(integer(-1) == ":-1\r\n");
  REQUIRE(integer(INT64_MAX) == ":9223372036854775807\r\n");
  REQUIRE(integer(INT64_MIN) == ":-9223372036854775808\r\n");
  REQUIRE(wire(3, [](ReplyWriter& w) { w.integer(INT64_MIN); }) == ":-9223372036854775808\r\n");
  // The largest aggregate length still fits the header buffer.
  REQUIRE(wire(2, [](ReplyWriter& w) { w.array(SIZE_MAX); }) == "*18446744073709551615\r\n");
}

TEST_CASE("ReplyWriter errors turn CR and LF into spaces", "[reply_writer]") {
  for (int proto : {2, 3}) {
    INFO("protocol " << proto);
    REQUIRE(wire(proto, [](ReplyWriter& w) { w.error("ERR bad\r\nthing"); }) ==
            "-ERR bad  thing\r\n");
    REQUIRE(wire(proto, [](ReplyWriter& w) { w.error("WRONGTYPE x\ny\rz"); }) ==
            "-WRONGTYPE x y z\r\n");
    REQUIRE(wire(proto, [](ReplyWriter& w) { w.error("ERR plain"); }) == "-ERR plain\r\n");
  }
}

TEST_CASE("ReplyWriter appends after existing bytes and switches protocol", "[reply_writer]") {
  std::string out = "+already\r\n";
  ReplyWriter w(out);
  REQUIRE(w.protocol() == 2);  // connections start in RESP2
  REQUIRE_FALSE(w.resp3());
  w.error("ERR a\nb");  // sanitising must only touch the new bytes
  w.null();
  w.set_protocol(3);
  REQUIRE(w.resp3());
  w.null();
  w.map(1);
  w.bulk("k");
  w.dbl(2.5);
  w.set_protocol(2);
  w.boolean(true);
  REQUIRE(out == "+already\r\n-ERR a b\r\n$-1\r\n_\r\n%1\r\n$1\r\nk\r\n,2.5\r\n:1\r\n");
  REQUIRE(w.size() == out.size());
  REQUIRE(&w.buffer() == &out);
}

TEST_CASE("ReplyWriter inserts a set header before elements already written", "[reply_writer]") {
  for (int protocol : {2, 3}) {
    for (size_t n : {0, 1, 12}) {
      std::string out = ":7\r\n";  // an earlier reply of the same batch must stay in front
      ReplyWriter w(out);
      w.set_protocol(protocol);
      size_t at = w.size();
      for (size_t i = 0; i < n; ++i) w.bulk("m" + std::to_string(i));
      w.insert_set_header(at, n);
      std::string expected = wire(protocol, [&](ReplyWriter& r) {
        r.integer(7);
        r.set(n);
        for (size_t i = 0; i < n; ++i) r.bulk("m" + std::to_string(i));
      });
      REQUIRE(out == expected);
    }
  }
}
