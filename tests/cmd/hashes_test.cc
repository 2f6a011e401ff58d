// Hash commands in process. Every expected reply below was first taken from redis-server
// 7.0.15. Listpack-encoded hashes reply in insertion order, so those replies are compared
// byte for byte; replies whose order Redis leaves unspecified (hashtable hashes, random picks
// from several fields) are parsed and compared as sets or multisets instead.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "harness.h"

using namespace cardinal::test;

namespace {

std::string WrongType() {
  return Err("WRONGTYPE Operation against a key holding the wrong kind of value");
}
std::string Arity(const std::string& cmd) {
  return Err("ERR wrong number of arguments for '" + cmd + "' command");
}
std::string Null3() {
  return "_\r\n";
}
// Already-encoded replies wrapped in a '*' array.
std::string Arr(const std::vector<std::string>& items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (const std::string& s : items) out += s;
  return out;
}
// An array of bulk strings.
std::string Bulks(const std::vector<std::string>& items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (const std::string& s : items) out += Bulk(s);
  return out;
}
// A RESP3 map of bulk strings from a flat field, value, field, value... list.
std::string Map3(const std::vector<std::string>& flat) {
  std::string out = "%" + std::to_string(flat.size() / 2) + "\r\n";
  for (const std::string& s : flat) out += Bulk(s);
  return out;
}
// An HSCAN reply: [cursor, [field, value, ...]].
std::string Scan(const std::string& cursor, const std::vector<std::string>& flat) {
  return "*2\r\n" + Bulk(cursor) + Bulks(flat);
}

// A parsed reply: type byte, text (bulk, simple, integer, error) and children (aggregates).
struct Node {
  char type = 0;
  std::string text;
  std::vector<Node> items;
};

// Parses one reply from r[pos...]; REQUIREs well-formed RESP.
Node parse(const std::string& r, size_t& pos) {
  size_t e = r.find("\r\n", pos);
  REQUIRE(e != std::string::npos);
  Node n;
  n.type = r[pos];
  std::string head = r.substr(pos + 1, e - pos - 1);
  pos = e + 2;
  switch (n.type) {
    case '$': {
      long len = std::stol(head);
      if (len < 0) break;
      REQUIRE(pos + static_cast<size_t>(len) + 2 <= r.size());
      n.text = r.substr(pos, static_cast<size_t>(len));
      pos += static_cast<size_t>(len) + 2;
      break;
    }
    case '*':
    case '%': {
      long count = std::stol(head) * (n.type == '%' ? 2 : 1);
      for (long i = 0; i < count; ++i) n.items.push_back(parse(r, pos));
      break;
    }
    default:
      n.text = head;
  }
  return n;
}
Node parse(const std::string& r) {
  size_t pos = 0;
  Node n = parse(r, pos);
  REQUIRE(pos == r.size());
  return n;
}
std::vector<std::string> texts(const Node& n) {
  std::vector<std::string> out;
  for (const Node& c : n.items) {
    REQUIRE(c.type == '$');
    out.push_back(c.text);
  }
  return out;
}
// A flat field, value, ... list as a map, REQUIRE-ing that no field repeats.
std::map<std::string, std::string> as_map(const std::vector<std::string>& flat) {
  REQUIRE(flat.size() % 2 == 0);
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < flat.size(); i += 2) REQUIRE(out.emplace(flat[i], flat[i + 1]).second);
  return out;
}

}  // namespace

TEST_CASE("HSET, HMSET and HSETNX; an odd pair count is an arity error", "[hashes]") {
  Harness h;
  CHECK(h("HSET h a 1 b 2 c 3") == Int(3));
  CHECK(h("HSET h a 10 d 4") == Int(1));  // counts new fields only
  CHECK(h("HSET h a") == Arity("hset"));
  CHECK(h("HSET h a 1 b") == Arity("hset"));
  CHECK(h("HSET h") == Arity("hset"));
  CHECK(h("HMSET h a 1 b") == Arity("hmset"));
  CHECK(h("HMSET h x 1 y 2") == Ok());
  CHECK(h("HSETNX h a zz") == Int(0));
  CHECK(h("HSETNX h new v") == Int(1));
  CHECK(h("HSETNX h2 f v") == Int(1));
  CHECK(h("HSETNX h a") == Arity("hsetnx"));
  CHECK(h("HGET h a") == Bulk("10"));
  CHECK(h("HGET h new") == Bulk("v"));
  CHECK(h("HGET h2 f") == Bulk("v"));
  CHECK(h("HGETALL h") ==
        Bulks({"a", "10", "b", "2", "c", "3", "d", "4", "x", "1", "y", "2", "new", "v"}));
  CHECK(h("HSET odd a 1 b") == Arity("hset"));
  CHECK(h("EXISTS odd") == Int(0));               // the arity error creates nothing
  CHECK(h("HSET h3 a 1 b 2 c 3 a 5") == Int(3));  // a repeated field counts once, last wins
  CHECK(h("HGETALL h3") == Bulks({"a", "5", "b", "2", "c", "3"}));
  CHECK(h("HSET e \"\" \"\"") == Int(1));
  CHECK(h("HGET e \"\"") == Bulk(""));
  CHECK(h("HSTRLEN e \"\"") == Int(0));
}

TEST_CASE("HGET, HMGET, HEXISTS, HSTRLEN and HLEN; missing fields and keys", "[hashes]") {
  Harness h;
  CHECK(h("HSET h a 10 b 2 c 3") == Int(3));
  CHECK(h("HSET big f 12345678901") == Int(1));
  CHECK(h("HGET h a") == Bulk("10"));
  CHECK(h("HGET h nosuch") == Nil());
  CHECK(h("HGET nokey a") == Nil());
  CHECK(h("HMGET h a nosuch b") == Arr({Bulk("10"), Nil(), Bulk("2")}));
  CHECK(h("HMGET nokey a b") == Arr({Nil(), Nil()}));
  CHECK(h("HLEN h") == Int(3));
  CHECK(h("HLEN nokey") == Int(0));
  CHECK(h("HEXISTS h c") == Int(1));
  CHECK(h("HEXISTS h C") == Int(0));
  CHECK(h("HEXISTS nokey a") == Int(0));
  CHECK(h("HSTRLEN h a") == Int(2));
  CHECK(h("HSTRLEN h nosuch") == Int(0));
  CHECK(h("HSTRLEN nokey a") == Int(0));
  CHECK(h("HSTRLEN big f") == Int(11));
  CHECK(h("HGET h") == Arity("hget"));
  CHECK(h("HMGET h") == Arity("hmget"));
  CHECK(h("HLEN") == Arity("hlen"));
  CHECK(h("HEXISTS h") == Arity("hexists"));
  CHECK(h("HSTRLEN h") == Arity("hstrlen"));
  CHECK(h("EXISTS nokey") == Int(0));  // reads create nothing
}

TEST_CASE("HDEL removes fields and deletes an emptied hash", "[hashes]") {
  Harness h;
  CHECK(h("HSET h a 1 b 2 c 3 d 4") == Int(4));
  CHECK(h("HDEL h a nosuch b") == Int(2));
  CHECK(h("HDEL h a") == Int(0));
  CHECK(h("HGETALL h") == Bulks({"c", "3", "d", "4"}));
  CHECK(h("HLEN h") == Int(2));
  CHECK(h("HDEL nokey a") == Int(0));
  CHECK(h("HDEL h") == Arity("hdel"));
  CHECK(h("HDEL h c d c") == Int(2));  // a repeated field counts once
  CHECK(h("EXISTS h") == Int(0));
  CHECK(h("TYPE h") == Simple("none"));
  CHECK(h("HSET one f v") == Int(1));
  CHECK(h("HDEL one f") == Int(1));
  CHECK(h("EXISTS one") == Int(0));
  CHECK(h("HSET one g w") == Int(1));  // a fresh hash again
  CHECK(h("HGETALL one") == Bulks({"g", "w"}));
}

TEST_CASE("HINCRBY: arithmetic, overflow and non-integer errors", "[hashes]") {
  Harness h;
  CHECK(h("HINCRBY h n 5") == Int(5));
  CHECK(h("HINCRBY h n -7") == Int(-2));
  CHECK(h("HGET h n") == Bulk("-2"));
  CHECK(h("HINCRBY h n abc") == Err("ERR value is not an integer or out of range"));
  CHECK(h("HINCRBY h n 1.5") == Err("ERR value is not an integer or out of range"));
  CHECK(h("HINCRBY h n 99999999999999999999") ==
        Err("ERR value is not an integer or out of range"));
  CHECK(h("HINCRBY h n +5") == Err("ERR value is not an integer or out of range"));
  CHECK(h("HINCRBY h n -0") == Err("ERR value is not an integer or out of range"));
  CHECK(h("HGET h n") == Bulk("-2"));
  // Stored values must be canonical integers.
  CHECK(h("HSET h s1 hello s2 \" 1\" s3 007 s4 1.5 s5 \"\" s6 -0 s7 +1 s8 1e3") == Int(8));
  CHECK(h("HINCRBY h s1 1") == Err("ERR hash value is not an integer"));
  CHECK(h("HINCRBY h s2 1") == Err("ERR hash value is not an integer"));
  CHECK(h("HINCRBY h s3 1") == Err("ERR hash value is not an integer"));
  CHECK(h("HINCRBY h s4 1") == Err("ERR hash value is not an integer"));
  CHECK(h("HINCRBY h s5 1") == Err("ERR hash value is not an integer"));
  CHECK(h("HINCRBY h s6 1") == Err("ERR hash value is not an integer"));
  CHECK(h("HINCRBY h s7 1") == Err("ERR hash value is not an integer"));
  CHECK(h("HINCRBY h s8 1") == Err("ERR hash value is not an integer"));
  CHECK(h("HGET h s3") == Bulk("007"));
  // The increment is checked before the stored value.
  CHECK(h("HINCRBY h s1 notint") == Err("ERR value is not an integer or out of range"));
  // Overflow in both directions leaves the value alone.
  CHECK(h("HSET h m 9223372036854775806") == Int(1));
  CHECK(h("HINCRBY h m 1") == Int(INT64_MAX));
  CHECK(h("HINCRBY h m 1") == Err("ERR increment or decrement would overflow"));
  CHECK(h("HGET h m") == Bulk("9223372036854775807"));
  CHECK(h("HSET h mn -9223372036854775807") == Int(1));
  CHECK(h("HINCRBY h mn -1") == Int(INT64_MIN));
  CHECK(h("HINCRBY h mn -1") == Err("ERR increment or decrement would overflow"));
  CHECK(h("HINCRBY h mn 9223372036854775807") == Int(-1));
  CHECK(h("HINCRBY h e 9223372036854775807") == Int(INT64_MAX));
  CHECK(h("HINCRBY h e 1") == Err("ERR increment or decrement would overflow"));
  CHECK(h("HINCRBY h2 x -9223372036854775808") == Int(INT64_MIN));
  CHECK(h("HINCRBY h2 x -1") == Err("ERR increment or decrement would overflow"));
  CHECK(h("HINCRBY nokey f abc") == Err("ERR value is not an integer or out of range"));
  CHECK(h("EXISTS nokey") == Int(0));
  CHECK(h("HINCRBY h n") == Arity("hincrby"));
}

TEST_CASE("HINCRBYFLOAT: long double arithmetic and its errors", "[hashes]") {
  Harness h;
  CHECK(h("HSET h f 10.50") == Int(1));
  CHECK(h("HINCRBYFLOAT h f 0.1") == Bulk("10.6"));
  CHECK(h("HINCRBYFLOAT h f 5.0e3") == Bulk("5010.60000000000000009"));
  CHECK(h("HGET h f") == Bulk("5010.60000000000000009"));
  CHECK(h("HINCRBYFLOAT h g 1") == Bulk("1"));
  CHECK(h("HINCRBYFLOAT h g 2.5") == Bulk("3.5"));
  CHECK(h("HINCRBYFLOAT h g -3.5") == Bulk("0"));
  CHECK(h("HINCRBYFLOAT h g 1.0e2") == Bulk("100"));
  CHECK(h("HINCRBYFLOAT h k 3.0") == Bulk("3"));
  CHECK(h("HINCRBYFLOAT h k -1.5e1") == Bulk("-12"));
  CHECK(h("HINCRBYFLOAT h k 0.1") == Bulk("-11.9"));
  CHECK(h("HINCRBYFLOAT h k 0.2") == Bulk("-11.7"));
  CHECK(h("HINCRBYFLOAT h z 1.23e-5") == Bulk("0.0000123"));
  CHECK(h("HINCRBYFLOAT h big 1e20") == Bulk("100000000000000000000"));
  CHECK(h("HINCRBYFLOAT h neg -0.0") == Bulk("0"));
  CHECK(h("HINCRBYFLOAT h third 0.333333333333333333333333") == Bulk("0.33333333333333333"));
  CHECK(h("HSET h e 1e3") == Int(1));
  CHECK(h("HINCRBYFLOAT h e 1") == Bulk("1001"));
  CHECK(h("HSET h half 5") == Int(1));
  CHECK(h("HINCRBYFLOAT h half .5") == Bulk("5.5"));
  CHECK(h("HINCRBYFLOAT h half 5.") == Bulk("10.5"));
  // Bad increments.
  CHECK(h("HINCRBYFLOAT h i abc") == Err("ERR value is not a valid float"));
  CHECK(h("HINCRBYFLOAT h i nan") == Err("ERR value is not a valid float"));
  CHECK(h("HINCRBYFLOAT h i 1e5000") == Err("ERR value is not a valid float"));
  CHECK(h("HINCRBYFLOAT h i \"\"") == Err("ERR value is not a valid float"));
  CHECK(h("HINCRBYFLOAT h i \" 1\"") == Err("ERR value is not a valid float"));
  CHECK(h("HINCRBYFLOAT h i \"1 \"") == Err("ERR value is not a valid float"));
  CHECK(h("HINCRBYFLOAT h i inf") == Err("ERR value is NaN or Infinity"));
  CHECK(h("HINCRBYFLOAT h i -inf") == Err("ERR value is NaN or Infinity"));
  CHECK(h("HINCRBYFLOAT h i +inf") == Err("ERR value is NaN or Infinity"));
  CHECK(h("HINCRBYFLOAT h i infinity") == Err("ERR value is NaN or Infinity"));
  CHECK(h("HEXISTS h i") == Int(0));
  // Bad stored values.
  CHECK(h("HSET h s hello sp \" 1.5\" tr \"2.5 \" em \"\"") == Int(4));
  CHECK(h("HINCRBYFLOAT h s 1") == Err("ERR hash value is not a float"));
  CHECK(h("HINCRBYFLOAT h sp 1") == Err("ERR hash value is not a float"));
  CHECK(h("HINCRBYFLOAT h tr 1") == Err("ERR hash value is not a float"));
  CHECK(h("HINCRBYFLOAT h em 1") == Err("ERR hash value is not a float"));
  CHECK(h("HINCRBYFLOAT h s x") == Err("ERR value is not a valid float"));
  // A stored "inf" parses, and the sum is refused.
  CHECK(h("HSET h hinf inf") == Int(1));
  CHECK(h("HINCRBYFLOAT h hinf 1") == Err("ERR increment would produce NaN or Infinity"));
  CHECK(h("HGET h hinf") == Bulk("inf"));
  // A float result is no longer an integer for HINCRBY.
  CHECK(h("HINCRBYFLOAT h fi 1.5") == Bulk("1.5"));
  CHECK(h("HINCRBY h fi 1") == Err("ERR hash value is not an integer"));
  CHECK(h("HSTRLEN h fi") == Int(3));
  CHECK(h("HINCRBYFLOAT nokey f abc") == Err("ERR value is not a valid float"));
  CHECK(h("EXISTS nokey") == Int(0));
  CHECK(h("HINCRBYFLOAT h i") == Arity("hincrbyfloat"));
}

TEST_CASE("HINCRBYFLOAT: increments are parsed like strtold", "[hashes]") {
  Harness h;
  CHECK(h("HINCRBYFLOAT h i 3") == Bulk("3"));
  CHECK(h("HINCRBYFLOAT h i 0x10") == Bulk("19"));
  CHECK(h("HINCRBYFLOAT h j 12345678901234567890") == Bulk("12345678901234567890"));
}

TEST_CASE("HINCRBYFLOAT: a result near LDBL_MAX is written out in full", "[hashes]") {
  Harness h;
  CHECK(h("HSET h hbig 1e4931") == Int(1));
  std::string r = h("HINCRBYFLOAT h hbig 1e4931");
  CHECK(r.substr(0, 40) == "$4932\r\n200000000000000000001203789877592");
  CHECK(r.size() == 4932 + 9);
  CHECK(h("HSTRLEN h hbig") == Int(4932));
  CHECK(h("OBJECT ENCODING h") == Bulk("hashtable"));
}

TEST_CASE("HKEYS, HVALS and HGETALL follow listpack insertion order in RESP2", "[hashes]") {
  Harness h;
  CHECK(h("HSET lp c 3 a 1 b 2") == Int(3));
  CHECK(h("HSET lp c 33") == Int(0));  // an overwrite keeps the position
  CHECK(h("HGETALL lp") == Bulks({"c", "33", "a", "1", "b", "2"}));
  CHECK(h("HDEL lp a") == Int(1));
  CHECK(h("HSET lp a 11") == Int(1));  // a re-added field goes to the end
  CHECK(h("HGETALL lp") == Bulks({"c", "33", "b", "2", "a", "11"}));
  CHECK(h("HKEYS lp") == Bulks({"c", "b", "a"}));
  CHECK(h("HVALS lp") == Bulks({"33", "2", "11"}));
  CHECK(h("HGETALL nokey") == Bulks({}));
  CHECK(h("HKEYS nokey") == Bulks({}));
  CHECK(h("HVALS nokey") == Bulks({}));
  CHECK(h("HGETALL") == Arity("hgetall"));
  CHECK(h("HKEYS") == Arity("hkeys"));
  CHECK(h("HVALS") == Arity("hvals"));
  CHECK(h("HGETALL lp extra") == Arity("hgetall"));
}

TEST_CASE("RESP3: HGETALL is a map and a missing field is _", "[hashes]") {
  Harness h;
  h("HELLO 3");
  CHECK(h("HSET h b 2 a 1") == Int(2));
  CHECK(h("HGETALL h") == Map3({"b", "2", "a", "1"}));
  CHECK(h("HGETALL nokey") == Map3({}));
  CHECK(h("HKEYS h") == Bulks({"b", "a"}));
  CHECK(h("HVALS h") == Bulks({"2", "1"}));
  CHECK(h("HGET h zz") == Null3());
  CHECK(h("HGET nokey zz") == Null3());
  CHECK(h("HMGET h a zz") == Arr({Bulk("1"), Null3()}));
  CHECK(h("HSCAN h 0") == Scan("0", {"b", "2", "a", "1"}));
  CHECK(h("HINCRBYFLOAT h a 1.5") == Bulk("2.5"));
  CHECK(h("HINCRBY h b 1") == Int(3));
}

TEST_CASE("HRANDFIELD on a single-field hash: count forms and WITHVALUES in RESP2", "[hashes]") {
  Harness h;
  CHECK(h("HSET one f v") == Int(1));
  CHECK(h("HRANDFIELD one") == Bulk("f"));
  CHECK(h("HRANDFIELD one 1") == Bulks({"f"}));
  CHECK(h("HRANDFIELD one 5") == Bulks({"f"}));
  CHECK(h("HRANDFIELD one 9223372036854775807") == Bulks({"f"}));
  CHECK(h("HRANDFIELD one -3") == Bulks({"f", "f", "f"}));
  CHECK(h("HRANDFIELD one 0") == Bulks({}));
  CHECK(h("HRANDFIELD one 1 WITHVALUES") == Bulks({"f", "v"}));
  CHECK(h("HRANDFIELD one 1 withvalues") == Bulks({"f", "v"}));
  CHECK(h("HRANDFIELD one -2 WITHVALUES") == Bulks({"f", "v", "f", "v"}));
  CHECK(h("HRANDFIELD one 0 WITHVALUES") == Bulks({}));
  CHECK(h("HRANDFIELD one 4611686018427387903 WITHVALUES") == Bulks({"f", "v"}));
  CHECK(h("HRANDFIELD nokey") == Nil());
  CHECK(h("HRANDFIELD nokey 5") == Bulks({}));
  CHECK(h("HRANDFIELD nokey -5 WITHVALUES") == Bulks({}));
  // When the count covers the whole listpack hash, it is returned in order.
  CHECK(h("HSET two a 1 b 2") == Int(2));
  CHECK(h("HRANDFIELD two 2") == Bulks({"a", "b"}));
  CHECK(h("HRANDFIELD two 10 WITHVALUES") == Bulks({"a", "1", "b", "2"}));
}

TEST_CASE("HRANDFIELD in RESP3: WITHVALUES replies are [field, value] pairs", "[hashes]") {
  Harness h;
  h("HELLO 3");
  CHECK(h("HSET one f v") == Int(1));
  CHECK(h("HRANDFIELD one") == Bulk("f"));
  CHECK(h("HRANDFIELD one 3") == Bulks({"f"}));
  CHECK(h("HRANDFIELD one 1 WITHVALUES") == Arr({Bulks({"f", "v"})}));
  CHECK(h("HRANDFIELD one -2 WITHVALUES") == Arr({Bulks({"f", "v"}), Bulks({"f", "v"})}));
  CHECK(h("HRANDFIELD one 0 WITHVALUES") == Bulks({}));
  CHECK(h("HRANDFIELD nokey") == Null3());
  CHECK(h("HRANDFIELD nokey 3") == Bulks({}));
  CHECK(h("HRANDFIELD nokey 3 WITHVALUES") == Bulks({}));
  CHECK(h("HSET two b 2 a 1") == Int(2));
  CHECK(h("HRANDFIELD two 5 WITHVALUES") == Arr({Bulks({"b", "2"}), Bulks({"a", "1"})}));
}

TEST_CASE("HRANDFIELD argument errors", "[hashes]") {
  Harness h;
  CHECK(h("HSET one f v") == Int(1));
  CHECK(h("HRANDFIELD one -4611686018427387904 WITHVALUES") == Err("ERR value is out of range"));
  CHECK(h("HRANDFIELD one 4611686018427387904 WITHVALUES") == Err("ERR value is out of range"));
  CHECK(h("HRANDFIELD one 9223372036854775807 WITHVALUES") == Err("ERR value is out of range"));
  CHECK(h("HRANDFIELD one -9223372036854775807 WITHVALUES") == Err("ERR value is out of range"));
  CHECK(h("HRANDFIELD nokey -4611686018427387904 WITHVALUES") == Err("ERR value is out of range"));
  CHECK(h("HRANDFIELD one -9223372036854775808") ==
        Err("ERR value is out of range, value must between -9223372036854775807 and "
            "9223372036854775807"));
  CHECK(h("HRANDFIELD one -9223372036854775808 WITHVALUES") ==
        Err("ERR value is out of range, value must between -9223372036854775807 and "
            "9223372036854775807"));
  CHECK(h("HRANDFIELD one 1 WITHVALUES extra") == Err("ERR syntax error"));
  CHECK(h("HRANDFIELD one 1 foo") == Err("ERR syntax error"));
  CHECK(h("HRANDFIELD one 0 foo") == Err("ERR syntax error"));
  CHECK(h("HRANDFIELD one -1 foo") == Err("ERR syntax error"));
  CHECK(h("HRANDFIELD nokey 5 foo") == Err("ERR syntax error"));
  CHECK(h("HRANDFIELD one abc") == Err("ERR value is not an integer or out of range"));
  CHECK(h("HRANDFIELD one 1.5") == Err("ERR value is not an integer or out of range"));
  CHECK(h("HRANDFIELD nokey abc") == Err("ERR value is not an integer or out of range"));
  CHECK(h("HRANDFIELD") == Arity("hrandfield"));
}

TEST_CASE("HRANDFIELD with a count picks distinct fields; a negative count may repeat",
          "[hashes]") {
  Harness h;
  // "small" (10 fields) stays a listpack; "large" (200 fields) becomes a hashtable.
  CHECK(h("CONFIG SET hash-max-listpack-entries 16") == Ok());
  std::map<std::string, std::string> small, large;
  for (int i = 0; i < 10; ++i) {
    std::string f = "f" + std::to_string(i);
    std::string v = "v" + std::to_string(i * 3);
    REQUIRE(h("HSET small " + f + " " + v) == Int(1));
    small[f] = v;
  }
  for (int i = 0; i < 200; ++i) {
    std::string f = "g" + std::to_string(i);
    std::string v = std::to_string(i);
    REQUIRE(h("HSET large " + f + " " + v) == Int(1));
    large[f] = v;
  }
  REQUIRE(h("OBJECT ENCODING small") == Bulk("listpack"));
  REQUIRE(h("OBJECT ENCODING large") == Bulk("hashtable"));
  for (int resp : {2, 3}) {
    CAPTURE(resp);
    if (resp == 3) h("HELLO 3");
    for (const auto* which : {&small, &large}) {
      const std::string key = which == &small ? "small" : "large";
      CAPTURE(key);
      const std::map<std::string, std::string>& want = *which;
      for (long count : {1L, 3L, 9L, 60L, 150L}) {
        CAPTURE(count);
        long expect = std::min<long>(count, static_cast<long>(want.size()));
        // Without values: distinct fields of the hash.
        Node r = parse(h("HRANDFIELD " + key + " " + std::to_string(count)));
        REQUIRE(r.type == '*');
        std::vector<std::string> got = texts(r);
        CHECK(static_cast<long>(got.size()) == expect);
        std::set<std::string> distinct(got.begin(), got.end());
        CHECK(distinct.size() == got.size());
        for (const std::string& f : got) CHECK(want.count(f) == 1);
        // With values: distinct fields with their own values.
        Node rv = parse(h("HRANDFIELD " + key + " " + std::to_string(count) + " WITHVALUES"));
        REQUIRE(rv.type == '*');
        std::vector<std::string> flat;
        if (resp == 2) {
          flat = texts(rv);
        } else {
          for (const Node& pair : rv.items) {
            REQUIRE(pair.type == '*');
            std::vector<std::string> fv = texts(pair);
            REQUIRE(fv.size() == 2);
            flat.insert(flat.end(), fv.begin(), fv.end());
          }
        }
        CHECK(static_cast<long>(flat.size()) == 2 * expect);
        for (const auto& [f, v] : as_map(flat)) {
          auto it = want.find(f);
          REQUIRE(it != want.end());
          CHECK(it->second == v);
        }
        // A negative count returns exactly |count| picks, repeats allowed.
        Node rn = parse(h("HRANDFIELD " + key + " -" + std::to_string(count)));
        std::vector<std::string> picks = texts(rn);
        CHECK(static_cast<long>(picks.size()) == count);
        for (const std::string& f : picks) CHECK(want.count(f) == 1);
      }
      // Single picks are fields of the hash, and repeated picks reach several of them.
      std::set<std::string> seen;
      for (int i = 0; i < 60; ++i) {
        Node one = parse(h("HRANDFIELD " + key));
        REQUIRE(one.type == '$');
        CHECK(want.count(one.text) == 1);
        seen.insert(one.text);
      }
      CHECK(seen.size() > 1);
    }
  }
}

TEST_CASE("HSCAN: a listpack is returned whole with cursor 0; options and errors", "[hashes]") {
  Harness h;
  CHECK(h("HSET lp c 33 b 2 a 11") == Int(3));
  CHECK(h("HSCAN lp 0") == Scan("0", {"c", "33", "b", "2", "a", "11"}));
  CHECK(h("HSCAN lp 0 COUNT 1") == Scan("0", {"c", "33", "b", "2", "a", "11"}));
  CHECK(h("HSCAN lp 123") == Scan("0", {"c", "33", "b", "2", "a", "11"}));
  CHECK(h("HSCAN lp 0 MATCH a*") == Scan("0", {"a", "11"}));
  CHECK(h("HSCAN lp 0 MATCH z*") == Scan("0", {}));
  CHECK(h("HSCAN lp 0 match * count 10") == Scan("0", {"c", "33", "b", "2", "a", "11"}));
  CHECK(h("HSCAN lp -1") == Scan("0", {"c", "33", "b", "2", "a", "11"}));
  CHECK(h("HSCAN lp 18446744073709551615") == Scan("0", {"c", "33", "b", "2", "a", "11"}));
  CHECK(h("HSCAN lp 0 TYPE string") == Err("ERR syntax error"));
  CHECK(h("HSCAN lp 0 NOVALUES") == Err("ERR syntax error"));
  CHECK(h("HSCAN lp 0 FOO bar") == Err("ERR syntax error"));
  CHECK(h("HSCAN lp 0 MATCH") == Err("ERR syntax error"));
  CHECK(h("HSCAN lp 0 COUNT 0") == Err("ERR syntax error"));
  CHECK(h("HSCAN lp 0 COUNT -1") == Err("ERR syntax error"));
  CHECK(h("HSCAN lp 0 COUNT abc") == Err("ERR value is not an integer or out of range"));
  CHECK(h("HSCAN lp abc") == Err("ERR invalid cursor"));
  CHECK(h("HSCAN lp 18446744073709551616") == Err("ERR invalid cursor"));
  // A missing key is an empty scan, even with options that would be refused otherwise.
  CHECK(h("HSCAN nokey 0") == Scan("0", {}));
  CHECK(h("HSCAN nokey 0 TYPE string") == Scan("0", {}));
  CHECK(h("HSCAN nokey 0 COUNT 0") == Scan("0", {}));
  CHECK(h("HSCAN nokey abc") == Err("ERR invalid cursor"));
  CHECK(h("HSCAN lp") == Arity("hscan"));
}

TEST_CASE("HSCAN over a hashtable reaches cursor 0 and reports every field", "[hashes]") {
  Harness h;
  CHECK(h("CONFIG SET hash-max-listpack-entries 128") == Ok());
  std::map<std::string, std::string> want;
  for (int i = 0; i < 300; ++i) {
    std::string f = "field:" + std::to_string(i);
    std::string v = "value-" + std::to_string(i * 11);
    REQUIRE(h("HSET big " + f + " " + v) == Int(1));
    want[f] = v;
  }
  REQUIRE(h("OBJECT ENCODING big") == Bulk("hashtable"));

  for (const char* opts : {"", " COUNT 3", " COUNT 1000", " MATCH field:1*"}) {
    CAPTURE(opts);
    std::map<std::string, std::string> seen;
    std::string cursor = "0";
    int calls = 0;
    do {
      Node r = parse(h("HSCAN big " + cursor + opts));
      REQUIRE(r.type == '*');
      REQUIRE(r.items.size() == 2);
      cursor = r.items[0].text;
      std::vector<std::string> flat = texts(r.items[1]);
      REQUIRE(flat.size() % 2 == 0);
      for (size_t i = 0; i < flat.size(); i += 2) seen[flat[i]] = flat[i + 1];
      REQUIRE(++calls < 10000);
    } while (cursor != "0");
    std::map<std::string, std::string> expect;
    for (const auto& [f, v] : want)
      if (std::string(opts) != " MATCH field:1*" || f.rfind("field:1", 0) == 0) expect[f] = v;
    CHECK(seen == expect);
    if (std::string(opts) == " COUNT 3") CHECK(calls > 10);
  }
  // HGETALL of a hashtable: every field once, order unspecified.
  Node all = parse(h("HGETALL big"));
  CHECK(as_map(texts(all)) == want);
  CHECK(h("HLEN big") == Int(static_cast<int64_t>(want.size())));
}

TEST_CASE("Hash commands against a string key reply WRONGTYPE", "[hashes]") {
  Harness h;
  CHECK(h("SET s x") == Ok());
  CHECK(h("HSET s a 1") == WrongType());
  CHECK(h("HSET s a") == Arity("hset"));  // the arity check comes first
  CHECK(h("HMSET s a 1") == WrongType());
  CHECK(h("HSETNX s a 1") == WrongType());
  CHECK(h("HGET s a") == WrongType());
  CHECK(h("HMGET s a") == WrongType());
  CHECK(h("HDEL s a") == WrongType());
  CHECK(h("HLEN s") == WrongType());
  CHECK(h("HEXISTS s a") == WrongType());
  CHECK(h("HSTRLEN s a") == WrongType());
  CHECK(h("HINCRBY s a 1") == WrongType());
  CHECK(h("HINCRBY s a x") == Err("ERR value is not an integer or out of range"));
  CHECK(h("HINCRBYFLOAT s a 1") == WrongType());
  CHECK(h("HINCRBYFLOAT s a x") == Err("ERR value is not a valid float"));
  CHECK(h("HKEYS s") == WrongType());
  CHECK(h("HVALS s") == WrongType());
  CHECK(h("HGETALL s") == WrongType());
  CHECK(h("HRANDFIELD s") == WrongType());
  CHECK(h("HRANDFIELD s 1") == WrongType());
  CHECK(h("HRANDFIELD s 1 WITHVALUES") == WrongType());
  CHECK(h("HRANDFIELD s x") == Err("ERR value is not an integer or out of range"));
  CHECK(h("HRANDFIELD s 1 foo") == Err("ERR syntax error"));
  CHECK(h("HSCAN s 0") == WrongType());
  CHECK(h("HSCAN s 0 TYPE string") == WrongType());
  CHECK(h("HSCAN s x") == Err("ERR invalid cursor"));
  CHECK(h("GET s") == Bulk("x"));
  // And a string command against a hash.
  CHECK(h("HSET hh f v") == Int(1));
  CHECK(h("GET hh") == WrongType());
  CHECK(h("TYPE hh") == Simple("hash"));
}

TEST_CASE("OBJECT ENCODING: more than hash-max-listpack-entries converts", "[hashes]") {
  Harness h;
  CHECK(h("CONFIG SET hash-max-listpack-entries 3") == Ok());
  CHECK(h("HSET h a 1 b 2 c 3") == Int(3));
  CHECK(h("OBJECT ENCODING h") == Bulk("listpack"));
  CHECK(h("HSET h a 11") == Int(0));
  CHECK(h("OBJECT ENCODING h") == Bulk("listpack"));
  CHECK(h("HSET h d 4") == Int(1));
  CHECK(h("OBJECT ENCODING h") == Bulk("hashtable"));
  CHECK(h("HDEL h a b c") == Int(3));  // never converts back
  CHECK(h("OBJECT ENCODING h") == Bulk("hashtable"));
  CHECK(h("HGETALL h") == Bulks({"d", "4"}));
  CHECK(h("HSET h2 a 1 b 2 c 3 d 4") == Int(4));  // one HSET past the limit
  CHECK(h("OBJECT ENCODING h2") == Bulk("hashtable"));
  CHECK(h("HSET h3 a 1 b 2 c 3 a 5") == Int(3));  // three distinct fields
  CHECK(h("OBJECT ENCODING h3") == Bulk("listpack"));
  CHECK(h("HSET m a 1 b 2") == Int(2));
  CHECK(h("HMSET m c 3 d 4") == Ok());
  CHECK(h("OBJECT ENCODING m") == Bulk("hashtable"));
  CHECK(h("HSET n a 1") == Int(1));
  CHECK(h("HSETNX n b 2") == Int(1));
  CHECK(h("HSETNX n c 3") == Int(1));
  CHECK(h("OBJECT ENCODING n") == Bulk("listpack"));
  CHECK(h("HSETNX n d 4") == Int(1));
  CHECK(h("OBJECT ENCODING n") == Bulk("hashtable"));
  CHECK(h("HSET q a 1 b 2 c 3") == Int(3));
  CHECK(h("HINCRBY q d 1") == Int(1));
  CHECK(h("OBJECT ENCODING q") == Bulk("hashtable"));
  CHECK(h("HSET q2 a 1 b 2 c 3") == Int(3));
  CHECK(h("HINCRBYFLOAT q2 d 1") == Bulk("1"));
  CHECK(h("OBJECT ENCODING q2") == Bulk("hashtable"));
  CHECK(h("CONFIG SET hash-max-listpack-entries 0") == Ok());
  CHECK(h("HSET t a 1") == Int(1));
  CHECK(h("OBJECT ENCODING t") == Bulk("hashtable"));
  CHECK(h("OBJECT ENCODING nokey") == Nil());
}

TEST_CASE("OBJECT ENCODING: a field or value longer than hash-max-listpack-value converts",
          "[hashes]") {
  Harness h;
  CHECK(h("CONFIG SET hash-max-listpack-value 4") == Ok());
  CHECK(h("HSET v abcd 1234") == Int(1));  // exactly the limit
  CHECK(h("OBJECT ENCODING v") == Bulk("listpack"));
  CHECK(h("HSET v f 12345") == Int(1));
  CHECK(h("OBJECT ENCODING v") == Bulk("hashtable"));
  CHECK(h("HSET w abcde 1") == Int(1));  // a long field on a new hash
  CHECK(h("OBJECT ENCODING w") == Bulk("hashtable"));
  CHECK(h("HDEL w abcde") == Int(1));
  CHECK(h("EXISTS w") == Int(0));
  CHECK(h("HSET ow a 1 b 2") == Int(2));
  CHECK(h("HSET ow a 123456") == Int(0));  // an overwrite with a long value converts too
  CHECK(h("OBJECT ENCODING ow") == Bulk("hashtable"));
  // HSETNX converts only when it stores.
  CHECK(h("HSET w2 a 1") == Int(1));
  CHECK(h("HSETNX w2 a 12345") == Int(0));
  CHECK(h("OBJECT ENCODING w2") == Bulk("listpack"));
  CHECK(h("HSETNX w2 b 12345") == Int(1));
  CHECK(h("OBJECT ENCODING w2") == Bulk("hashtable"));
  CHECK(h("HSETNX w3 abcde x") == Int(1));
  CHECK(h("OBJECT ENCODING w3") == Bulk("hashtable"));
  // HINCRBY: the new value's length counts, and so does the field's.
  CHECK(h("HSET x2 a 1") == Int(1));
  CHECK(h("HINCRBY x2 a 999") == Int(1000));
  CHECK(h("OBJECT ENCODING x2") == Bulk("listpack"));
  CHECK(h("HINCRBY x2 a 11345") == Int(12345));
  CHECK(h("OBJECT ENCODING x2") == Bulk("hashtable"));
  CHECK(h("HGET x2 a") == Bulk("12345"));
  CHECK(h("HSET x3 a 1") == Int(1));
  CHECK(h("HINCRBY x3 longfield 1") == Int(1));
  CHECK(h("OBJECT ENCODING x3") == Bulk("hashtable"));
  // HINCRBYFLOAT likewise.
  CHECK(h("HSET y a 1") == Int(1));
  CHECK(h("HINCRBYFLOAT y a 0.5") == Bulk("1.5"));
  CHECK(h("HINCRBYFLOAT y a 0.25") == Bulk("1.75"));
  CHECK(h("OBJECT ENCODING y") == Bulk("listpack"));
  CHECK(h("HINCRBYFLOAT y a 0.125") == Bulk("1.875"));
  CHECK(h("OBJECT ENCODING y") == Bulk("hashtable"));
  CHECK(h("HSET z a 1") == Int(1));
  CHECK(h("HINCRBYFLOAT z longfield 1") == Bulk("1"));
  CHECK(h("OBJECT ENCODING z") == Bulk("hashtable"));
  CHECK(h("CONFIG SET hash-max-listpack-value 0") == Ok());
  CHECK(h("HSET u \"\" \"\"") == Int(1));
  CHECK(h("OBJECT ENCODING u") == Bulk("listpack"));
  CHECK(h("HSET u a \"\"") == Int(1));
  CHECK(h("OBJECT ENCODING u") == Bulk("hashtable"));
}

TEST_CASE("HINCRBYFLOAT producing a value longer than 64 bytes converts by default", "[hashes]") {
  Harness h;
  CHECK(h("HSET h a 1") == Int(1));
  CHECK(h("HINCRBYFLOAT h f 1e64") ==
        Bulk("9999999999999999999830660035002966504798826279980126578522718208"));
  CHECK(h("OBJECT ENCODING h") == Bulk("listpack"));  // 64 bytes is still allowed
  CHECK(h("HINCRBYFLOAT h g 1e70") ==
        Bulk("10000000000000000000222479489586148259025995410601157579323600873193472"));
  CHECK(h("OBJECT ENCODING h") == Bulk("hashtable"));
  CHECK(h("HSTRLEN h g") == Int(71));
}

TEST_CASE("CONFIG SET hash-max-ziplist-* are aliases of hash-max-listpack-*", "[hashes]") {
  Harness h;
  CHECK(h("CONFIG GET hash-max-listpack-entries") == Bulks({"hash-max-listpack-entries", "512"}));
  CHECK(h("CONFIG GET hash-max-listpack-value") == Bulks({"hash-max-listpack-value", "64"}));
  CHECK(h("CONFIG SET hash-max-ziplist-entries 5") == Ok());
  CHECK(h("CONFIG GET hash-max-listpack-entries") == Bulks({"hash-max-listpack-entries", "5"}));
  CHECK(h("CONFIG GET hash-max-ziplist-entries") == Bulks({"hash-max-ziplist-entries", "5"}));
  CHECK(h("CONFIG SET hash-max-ziplist-value 10") == Ok());
  CHECK(h("CONFIG GET hash-max-listpack-value") == Bulks({"hash-max-listpack-value", "10"}));
  CHECK(h("CONFIG GET hash-max-ziplist-value") == Bulks({"hash-max-ziplist-value", "10"}));
  CHECK(h("HSET r a 1 b 2 c 3 d 4 e 5") == Int(5));
  CHECK(h("OBJECT ENCODING r") == Bulk("listpack"));
  CHECK(h("HSET r f 6") == Int(1));
  CHECK(h("OBJECT ENCODING r") == Bulk("hashtable"));
  CHECK(h("HSET s f 0123456789") == Int(1));
  CHECK(h("OBJECT ENCODING s") == Bulk("listpack"));
  CHECK(h("HSET s g 01234567890") == Int(1));
  CHECK(h("OBJECT ENCODING s") == Bulk("hashtable"));
}

// Redis 7.0 checks the entry count after every listpack write, overwrites included, so a
// hash built under a larger limit converts on its next HSET/HINCRBY/HINCRBYFLOAT once the
// limit is lowered below its size. HSETNX on an existing field and HDEL write nothing.
TEST_CASE("a lowered hash-max-listpack-entries converts on the next overwrite", "[hashes]") {
  Harness h;
  CHECK(h("HSET h1 a 1 b 2 c 3") == Int(3));
  CHECK(h("HSET h2 a 1 b 2 c 3") == Int(3));
  CHECK(h("HSET h3 a 1 b 2 c 3") == Int(3));
  CHECK(h("HSET h4 a 1 b 2 c 3") == Int(3));
  CHECK(h("HSET h5 a 1 b 2 c 3") == Int(3));
  CHECK(h("CONFIG SET hash-max-listpack-entries 2") == Ok());
  CHECK(h("OBJECT ENCODING h1") == Bulk("listpack"));
  CHECK(h("HSETNX h2 a 6") == Int(0));
  CHECK(h("OBJECT ENCODING h2") == Bulk("listpack"));
  CHECK(h("HDEL h3 a") == Int(1));
  CHECK(h("OBJECT ENCODING h3") == Bulk("listpack"));
  CHECK(h("HSET h1 a 5") == Int(0));
  CHECK(h("OBJECT ENCODING h1") == Bulk("hashtable"));
  CHECK(h("HINCRBY h4 a 1") == Int(2));
  CHECK(h("OBJECT ENCODING h4") == Bulk("hashtable"));
  CHECK(h("HINCRBYFLOAT h5 a 1") == Bulk("2"));
  CHECK(h("OBJECT ENCODING h5") == Bulk("hashtable"));
  CHECK(h("HLEN h5") == Int(3));
}
