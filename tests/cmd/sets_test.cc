// Set commands in process. Every expected reply below was first taken from redis-server
// 7.0.15; replies whose order Redis leaves unspecified (hashtable sets, random picks) are
// parsed and compared as multisets instead.
#include <catch2/catch.hpp>

#include <cstdint>
#include <initializer_list>
#include <set>
#include <string>
#include <vector>

#include "harness.h"

using namespace cardinal::test;

namespace {

using Bag = std::multiset<std::string>;

const std::string kWrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";

std::string WrongType() {
  return Err(kWrongType);
}
std::string Arity(const std::string& cmd) {
  return Err("ERR wrong number of arguments for '" + cmd + "' command");
}

// An aggregate of bulk strings in the given order: '*' array (RESP2 and SRANDMEMBER), '~' set.
std::string Bulks(std::initializer_list<std::string> items, char type = '*') {
  std::string out = type + std::to_string(items.size()) + "\r\n";
  for (const std::string& s : items) out += Bulk(s);
  return out;
}
std::string RSet(std::initializer_list<std::string> items) {
  return Bulks(items, '~');
}
std::string Ints(std::initializer_list<int64_t> items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (int64_t v : items) out += Int(v);
  return out;
}
// A SSCAN reply: [cursor, [members...]].
std::string ScanReply(const std::string& cursor, std::initializer_list<std::string> items) {
  return "*2\r\n" + Bulk(cursor) + Bulks(items);
}

// Reads one "<type><n>\r\n" header followed by n bulk strings starting at `pos`.
bool parse_bulks(const std::string& r, size_t& pos, char type, std::vector<std::string>& out) {
  auto line = [&](std::string& l) {
    size_t e = r.find("\r\n", pos);
    if (e == std::string::npos) return false;
    l = r.substr(pos, e - pos);
    pos = e + 2;
    return true;
  };
  std::string head;
  if (!line(head) || head.size() < 2 || head[0] != type) return false;
  long n = std::stol(head.substr(1));
  for (long i = 0; i < n; ++i) {
    std::string len;
    if (!line(len) || len.size() < 2 || len[0] != '$') return false;
    size_t l = std::stoul(len.substr(1));
    if (pos + l + 2 > r.size() || r.compare(pos + l, 2, "\r\n") != 0) return false;
    out.push_back(r.substr(pos, l));
    pos += l + 2;
  }
  return true;
}

// The members of an aggregate reply of bulk strings, order ignored.
Bag bag(const std::string& reply, char type = '*') {
  std::vector<std::string> items;
  size_t pos = 0;
  INFO("reply: " << reply);
  REQUIRE(parse_bulks(reply, pos, type, items));
  REQUIRE(pos == reply.size());
  return Bag(items.begin(), items.end());
}

struct Scan {
  std::string cursor;
  std::vector<std::string> items;
};
Scan parse_scan(const std::string& reply) {
  INFO("reply: " << reply);
  REQUIRE(reply.rfind("*2\r\n$", 0) == 0);
  size_t len_end = reply.find("\r\n", 5);
  REQUIRE(len_end != std::string::npos);
  size_t len = std::stoul(reply.substr(5, len_end - 5));
  Scan s;
  s.cursor = reply.substr(len_end + 2, len);
  size_t pos = len_end + 2 + len;
  REQUIRE(reply.compare(pos, 2, "\r\n") == 0);
  pos += 2;
  REQUIRE(parse_bulks(reply, pos, '*', s.items));
  REQUIRE(pos == reply.size());
  return s;
}

bool subset(const Bag& part, const Bag& whole) {
  for (const std::string& m : part)
    if (whole.count(m) == 0) return false;
  return true;
}
bool distinct(const Bag& b) {
  return std::set<std::string>(b.begin(), b.end()).size() == b.size();
}

}  // namespace

TEST_CASE("SADD, SREM, SCARD, SISMEMBER, SMISMEMBER", "[sets]") {
  Harness h;
  CHECK(h("SADD s 3 1 2 1") == Int(3));
  CHECK(h("OBJECT ENCODING s") == Bulk("intset"));
  CHECK(h("SMEMBERS s") == Bulks({"1", "2", "3"}));
  CHECK(h("SCARD s") == Int(3));
  CHECK(h("SISMEMBER s 1") == Int(1));
  CHECK(h("SISMEMBER s 01") == Int(0));
  CHECK(h("SISMEMBER s x") == Int(0));
  CHECK(h("SMISMEMBER s 1 x 3") == Ints({1, 0, 1}));
  CHECK(h("SADD s a") == Int(1));
  CHECK(h("OBJECT ENCODING s") == Bulk("hashtable"));
  CHECK(h("SCARD s") == Int(4));
  CHECK(bag(h("SMEMBERS s")) == Bag{"1", "2", "3", "a"});
  CHECK(h("SREM s a 1 2 3 zz") == Int(4));
  CHECK(h("EXISTS s") == Int(0));  // the emptied set is deleted
  CHECK(h("TYPE s") == Simple("none"));
  CHECK(h("SREM s a") == Int(0));

  // Duplicates within one command count once; the empty string is a member like any other.
  CHECK(h("SADD t a a b") == Int(2));
  CHECK(h("SREM t a a") == Int(1));
  CHECK(h("SMISMEMBER t b b zz") == Ints({1, 1, 0}));
  CHECK(h("SADD t b") == Int(0));
  CHECK(h("SISMEMBER t \"\"") == Int(0));
  CHECK(h("SADD t \"\"") == Int(1));
  CHECK(h("SISMEMBER t \"\"") == Int(1));
  CHECK(h("SCARD t") == Int(2));
  // Binary-safe members.
  CHECK(h.run({"SADD", "bin", std::string("a\0b", 3), "a"}) == Int(2));
  CHECK(h.run({"SISMEMBER", "bin", std::string("a\0b", 3)}) == Int(1));
  CHECK(h.run({"SISMEMBER", "bin", std::string("a\0c", 3)}) == Int(0));
  CHECK(h("SCARD bin") == Int(2));
}

TEST_CASE("set commands reject wrong arity with Redis's text", "[sets]") {
  Harness h;
  CHECK(h("SADD s") == Arity("sadd"));
  CHECK(h("SADD") == Arity("sadd"));
  CHECK(h("SREM s") == Arity("srem"));
  CHECK(h("SISMEMBER s") == Arity("sismember"));
  CHECK(h("SISMEMBER s a b") == Arity("sismember"));
  CHECK(h("SMISMEMBER s") == Arity("smismember"));
  CHECK(h("SMEMBERS") == Arity("smembers"));
  CHECK(h("SMEMBERS a b") == Arity("smembers"));
  CHECK(h("SCARD") == Arity("scard"));
  CHECK(h("SCARD a b") == Arity("scard"));
  CHECK(h("SPOP") == Arity("spop"));
  CHECK(h("SPOP s 1 2") == Err("ERR syntax error"));
  CHECK(h("SRANDMEMBER") == Arity("srandmember"));
  CHECK(h("SRANDMEMBER s 1 2") == Err("ERR syntax error"));
  CHECK(h("SMOVE a b") == Arity("smove"));
  CHECK(h("SMOVE a b c d") == Arity("smove"));
  CHECK(h("SINTER") == Arity("sinter"));
  CHECK(h("SINTERSTORE d") == Arity("sinterstore"));
  CHECK(h("SINTERCARD") == Arity("sintercard"));
  CHECK(h("SINTERCARD 1") == Arity("sintercard"));
  CHECK(h("SUNION") == Arity("sunion"));
  CHECK(h("SUNIONSTORE d") == Arity("sunionstore"));
  CHECK(h("SDIFF") == Arity("sdiff"));
  CHECK(h("SDIFFSTORE d") == Arity("sdiffstore"));
  CHECK(h("SSCAN s") == Arity("sscan"));
}

TEST_CASE("set commands on a string key reply WRONGTYPE, even when the result would be empty",
          "[sets]") {
  Harness h;
  CHECK(h("SET str v") == Ok());
  CHECK(h("SADD str a") == WrongType());
  CHECK(h("SREM str a") == WrongType());
  CHECK(h("SISMEMBER str a") == WrongType());
  CHECK(h("SMISMEMBER str a") == WrongType());
  CHECK(h("SMEMBERS str") == WrongType());
  CHECK(h("SCARD str") == WrongType());
  CHECK(h("SPOP str") == WrongType());
  CHECK(h("SPOP str 2") == WrongType());
  CHECK(h("SRANDMEMBER str") == WrongType());
  CHECK(h("SRANDMEMBER str 2") == WrongType());
  CHECK(h("SSCAN str 0") == WrongType());
  CHECK(h("SMOVE str d a") == WrongType());
  CHECK(h("SADD s a") == Int(1));
  CHECK(h("SMOVE s str a") == WrongType());
  CHECK(h("SMOVE s str zzz") == WrongType());  // type checked before membership
  CHECK(h("SMOVE missing str a") == Int(0));   // a missing source wins over a bad destination
  CHECK(h("SMOVE str missing a") == WrongType());
  CHECK(h("SISMEMBER s a") == Int(1));  // nothing moved

  CHECK(h("SINTER str") == WrongType());
  CHECK(h("SINTER missing str") == WrongType());
  CHECK(h("SINTER s missing str") == WrongType());
  CHECK(h("SINTERSTORE d missing str") == WrongType());
  CHECK(h("SINTERSTORE str str") == WrongType());
  CHECK(h("SINTERCARD 2 missing str") == WrongType());
  CHECK(h("SINTERCARD 1 str") == WrongType());
  CHECK(h("SINTERCARD 2 s str LIMIT 1") == WrongType());
  CHECK(h("SUNION missing str") == WrongType());
  CHECK(h("SUNION s str") == WrongType());
  CHECK(h("SUNIONSTORE d missing str") == WrongType());
  CHECK(h("SDIFF missing str") == WrongType());
  CHECK(h("SDIFF s str") == WrongType());
  CHECK(h("SDIFF str") == WrongType());
  CHECK(h("SDIFFSTORE d missing str") == WrongType());
  CHECK(h("EXISTS d") == Int(0));
  CHECK(h("GET str") == Bulk("v"));
}

TEST_CASE("set commands treat a missing key as the empty set", "[sets]") {
  Harness h;
  CHECK(h("SMISMEMBER missing a b") == Ints({0, 0}));
  CHECK(h("SISMEMBER missing a") == Int(0));
  CHECK(h("SCARD missing") == Int(0));
  CHECK(h("SMEMBERS missing") == "*0\r\n");
  CHECK(h("SREM missing a") == Int(0));
  CHECK(h("SPOP missing") == Nil());
  CHECK(h("SPOP missing 3") == "*0\r\n");
  CHECK(h("SRANDMEMBER missing") == Nil());
  CHECK(h("SRANDMEMBER missing 5") == "*0\r\n");
  CHECK(h("SRANDMEMBER missing -5") == "*0\r\n");
  CHECK(h("SMOVE missing d x") == Int(0));
  CHECK(h("SINTER missing") == "*0\r\n");
  CHECK(h("SINTERCARD 1 missing") == Int(0));
  CHECK(h("SINTERCARD 1 missing LIMIT 5") == Int(0));
  CHECK(h("SUNION missing") == "*0\r\n");
  CHECK(h("SDIFF missing") == "*0\r\n");
  CHECK(h("SSCAN missing 0") == ScanReply("0", {}));
  CHECK(h("OBJECT ENCODING missing") == Nil());
  CHECK(h("DBSIZE") == Int(0));
}

TEST_CASE("OBJECT ENCODING: intset only for canonical 64-bit integers", "[sets]") {
  Harness h;
  CHECK(h("SADD s -7 9223372036854775807 -9223372036854775808 0") == Int(4));
  CHECK(h("OBJECT ENCODING s") == Bulk("intset"));
  CHECK(h("SMEMBERS s") == Bulks({"-9223372036854775808", "-7", "0", "9223372036854775807"}));
  int i = 0;
  for (const char* m : {"-0", "007", "1.5", "\" 1\"", "\"1 \"", "+1", "9223372036854775808",
                        "-9223372036854775809", "100000000000000000000"}) {
    std::string key = "t" + std::to_string(i++);
    INFO(m);
    CHECK(h("SADD " + key + " " + m) == Int(1));
    CHECK(h("OBJECT ENCODING " + key) == Bulk("hashtable"));
  }
  CHECK(h("SISMEMBER t0 -0") == Int(1));
  CHECK(h("SISMEMBER t0 0") == Int(0));
  CHECK(h("SADD s 1.5") == Int(1));
  CHECK(h("OBJECT ENCODING s") == Bulk("hashtable"));
  CHECK(h("SREM s 1.5") == Int(1));
  CHECK(h("SREM s -7 0") == Int(2));
  CHECK(h("OBJECT ENCODING s") == Bulk("hashtable"));  // never converts back
  CHECK(h("SISMEMBER s 9223372036854775807") == Int(1));
  CHECK(h("SADD h a b c") == Int(3));
  CHECK(h("OBJECT ENCODING h") == Bulk("hashtable"));
}

TEST_CASE("CONFIG SET set-max-intset-entries governs conversion by size", "[sets]") {
  Harness h;
  CHECK(h("CONFIG SET set-max-intset-entries 2") == Ok());
  CHECK(h("SADD s 1 2") == Int(2));
  CHECK(h("OBJECT ENCODING s") == Bulk("intset"));
  CHECK(h("SADD s 3") == Int(1));
  CHECK(h("OBJECT ENCODING s") == Bulk("hashtable"));
  CHECK(h("SREM s 3 2") == Int(2));
  CHECK(h("OBJECT ENCODING s") == Bulk("hashtable"));
  CHECK(h("SADD t 1 2 3") == Int(3));
  CHECK(h("OBJECT ENCODING t") == Bulk("hashtable"));

  // STORE results are built like SADD builds them, under the current limit.
  CHECK(h("SADD a 1 2") == Int(2));
  CHECK(h("SADD b 3 4") == Int(2));
  CHECK(h("SUNIONSTORE u a b") == Int(4));
  CHECK(h("OBJECT ENCODING u") == Bulk("hashtable"));
  CHECK(h("SUNIONSTORE u a") == Int(2));
  CHECK(h("OBJECT ENCODING u") == Bulk("intset"));
  CHECK(h("SADD c 1 2 3") == Int(3));
  CHECK(h("OBJECT ENCODING c") == Bulk("hashtable"));
  CHECK(h("SINTERSTORE i c c") == Int(3));
  CHECK(h("OBJECT ENCODING i") == Bulk("hashtable"));
  CHECK(h("SDIFFSTORE df c a") == Int(1));
  CHECK(h("OBJECT ENCODING df") == Bulk("intset"));  // a hashtable input, an intset result

  CHECK(h("CONFIG SET set-max-intset-entries 0") == Ok());
  CHECK(h("SADD z 1") == Int(1));
  CHECK(h("OBJECT ENCODING z") == Bulk("hashtable"));
  CHECK(h("SUNIONSTORE u2 a") == Int(2));
  CHECK(h("OBJECT ENCODING u2") == Bulk("hashtable"));
  CHECK(h("SADD y 1 2") == Int(2));
  CHECK(h("SMOVE y w 1") == Int(1));
  CHECK(h("OBJECT ENCODING w") == Bulk("hashtable"));
  CHECK(h("CONFIG GET set-max-intset-entries") == Bulks({"set-max-intset-entries", "0"}));
  CHECK(h("CONFIG SET set-max-intset-entries -1") ==
        Err("ERR CONFIG SET failed (possibly related to argument 'set-max-intset-entries') - "
            "argument must be between 0 and 9223372036854775807 inclusive"));
  CHECK(h("CONFIG SET set-max-intset-entries x") ==
        Err("ERR CONFIG SET failed (possibly related to argument 'set-max-intset-entries') - "
            "argument couldn't be parsed into an integer"));
  CHECK(h("CONFIG GET set-max-intset-entries") == Bulks({"set-max-intset-entries", "0"}));

  CHECK(h("CONFIG SET set-max-intset-entries 512") == Ok());
  CHECK(h("SADD big 1 2 3 4 5 6 7 8 9 10 11 12") == Int(12));
  CHECK(h("CONFIG SET set-max-intset-entries 11") == Ok());
  CHECK(h("SADD big 12") == Int(0));  // over the new limit, but no add: still an intset
  CHECK(h("OBJECT ENCODING big") == Bulk("intset"));
  CHECK(h("SINTERCARD 1 big LIMIT 7") == Int(7));
  CHECK(h("SADD big 13") == Int(1));
  CHECK(h("OBJECT ENCODING big") == Bulk("hashtable"));
  CHECK(h("SINTERSTORE i2 big big") == Int(13));
  CHECK(h("OBJECT ENCODING i2") == Bulk("hashtable"));

  CHECK(h("CONFIG SET set-max-intset-entries 10") == Ok());
  CHECK(h("SADD v 1 2 3 4 5 6 7 8 9 10") == Int(10));
  CHECK(h("OBJECT ENCODING v") == Bulk("intset"));
  CHECK(h("SADD v 11") == Int(1));
  CHECK(h("OBJECT ENCODING v") == Bulk("hashtable"));
}

TEST_CASE("SPOP: single, counted, errors, and deletion of the emptied set", "[sets]") {
  Harness h;
  CHECK(h("SADD s 5") == Int(1));
  CHECK(h("SPOP s") == Bulk("5"));
  CHECK(h("EXISTS s") == Int(0));
  CHECK(h("SPOP s") == Nil());
  CHECK(h("SPOP s 0") == "*0\r\n");
  CHECK(h("SPOP s 3") == "*0\r\n");
  CHECK(h("SPOP s -1") == Err("ERR value is out of range, must be positive"));
  CHECK(h("SADD s 1 2 3") == Int(3));
  CHECK(h("SPOP s 0") == "*0\r\n");
  CHECK(h("SPOP s -1") == Err("ERR value is out of range, must be positive"));
  CHECK(h("SCARD s") == Int(3));
  CHECK(h("SPOP s 5") == Bulks({"1", "2", "3"}));
  CHECK(h("EXISTS s") == Int(0));
  CHECK(h("SADD s 1 2 3") == Int(3));
  CHECK(h("SPOP s 3") == Bulks({"1", "2", "3"}));
  CHECK(h("EXISTS s") == Int(0));
  CHECK(h("SADD s a") == Int(1));
  CHECK(h("SPOP s 1") == Bulks({"a"}));
  CHECK(h("EXISTS s") == Int(0));

  CHECK(h("SADD s 1 2 3 4 5") == Int(5));
  Bag popped = bag(h("SPOP s 2"));
  CHECK(popped.size() == 2);
  CHECK(distinct(popped));
  CHECK(subset(popped, {"1", "2", "3", "4", "5"}));
  CHECK(h("SCARD s") == Int(3));
  for (const std::string& m : popped) CHECK(h("SISMEMBER s " + m) == Int(0));

  // A hashtable set: sparse and dense counts, then the rest; every member popped exactly once.
  Bag all;
  for (int i = 0; i < 40; ++i) {
    CHECK(h("SADD h m" + std::to_string(i)) == Int(1));
    all.insert("m" + std::to_string(i));
  }
  Bag got;
  for (int n : {3, 20, 1}) {
    Bag b = bag(h("SPOP h " + std::to_string(n)));
    CHECK(b.size() == static_cast<size_t>(n));
    got.insert(b.begin(), b.end());
  }
  std::string one = h("SPOP h");
  REQUIRE(one.rfind("$", 0) == 0);
  got.insert(one.substr(one.find("\r\n") + 2, one.size() - one.find("\r\n") - 4));
  CHECK(h("SCARD h") == Int(15));
  Bag rest = bag(h("SPOP h 100"));
  CHECK(rest.size() == 15);
  got.insert(rest.begin(), rest.end());
  CHECK(got == all);
  CHECK(h("EXISTS h") == Int(0));
}

TEST_CASE("SPOP: any unparsable count gets Redis's 'must be positive' error", "[sets]") {
  Harness h;
  const std::string positive = Err("ERR value is out of range, must be positive");
  CHECK(h("SPOP s x") == positive);
  CHECK(h("SPOP s 1.5") == positive);
  CHECK(h("SADD s 1 2 3") == Int(3));
  for (const char* count : {"x", "1.5", "9223372036854775808", "00", "-0", "\" 1\"", "+1"}) {
    INFO("count " << count);
    CHECK(h(std::string("SPOP s ") + count) == positive);
  }
  CHECK(h("SCARD s") == Int(3));
}

TEST_CASE("SPOP and SRANDMEMBER: count errors, WRONGTYPE and huge counts", "[sets]") {
  Harness h;
  CHECK(h("SET str v") == Ok());
  CHECK(h("SPOP str 0") == WrongType());
  CHECK(h("SPOP str -1") == Err("ERR value is out of range, must be positive"));  // count first
  CHECK(h("SRANDMEMBER str 0") == WrongType());
  CHECK(h("SRANDMEMBER str x") == Err("ERR value is not an integer or out of range"));
  CHECK(h("SRANDMEMBER str -9223372036854775808") ==
        Err("ERR value is out of range, value must between -9223372036854775807 and "
            "9223372036854775807"));
  CHECK(h("SADD s 1 2 3") == Int(3));
  for (const char* count : {"00", "-0", "+1", "\" 1\""}) {
    INFO("count " << count);
    CHECK(h(std::string("SRANDMEMBER s ") + count) ==
          Err("ERR value is not an integer or out of range"));
  }
  CHECK(h("SMISMEMBER s 01 1 +1") == Ints({0, 1, 0}));
  CHECK(h("SMOVE str str a") == WrongType());
  CHECK(h("SPOP s 9223372036854775807") == Bulks({"1", "2", "3"}));
  CHECK(h("EXISTS s") == Int(0));
  CHECK(h("SRANDMEMBER s -9223372036854775807") == "*0\r\n");
}

TEST_CASE("SRANDMEMBER: counts, negative counts, and limits", "[sets]") {
  Harness h;
  CHECK(h("SADD s 7") == Int(1));
  CHECK(h("SRANDMEMBER s") == Bulk("7"));
  CHECK(h("SRANDMEMBER s 0") == "*0\r\n");
  CHECK(h("SRANDMEMBER s 3") == Bulks({"7"}));
  CHECK(h("SRANDMEMBER s -3") == Bulks({"7", "7", "7"}));
  CHECK(h("SRANDMEMBER s 1") == Bulks({"7"}));
  CHECK(h("SRANDMEMBER s -1") == Bulks({"7"}));
  CHECK(h("SRANDMEMBER s x") == Err("ERR value is not an integer or out of range"));
  CHECK(h("SRANDMEMBER s 1.0") == Err("ERR value is not an integer or out of range"));
  CHECK(h("SRANDMEMBER s 9223372036854775808") ==
        Err("ERR value is not an integer or out of range"));
  CHECK(h("SRANDMEMBER s -9223372036854775808") ==
        Err("ERR value is out of range, value must between -9223372036854775807 and "
            "9223372036854775807"));
  CHECK(h("SRANDMEMBER missing -9223372036854775808") ==
        Err("ERR value is out of range, value must between -9223372036854775807 and "
            "9223372036854775807"));
  CHECK(h("SRANDMEMBER missing x") == Err("ERR value is not an integer or out of range"));
  CHECK(h("SRANDMEMBER s 9223372036854775807") == Bulks({"7"}));
  CHECK(h("SADD s 1 2 3") == Int(3));
  CHECK(h("SRANDMEMBER s 10") == Bulks({"1", "2", "3", "7"}));
  CHECK(h("SRANDMEMBER s 4") == Bulks({"1", "2", "3", "7"}));
  CHECK(h("SCARD s") == Int(4));  // nothing removed

  Bag all;
  for (int i = 0; i < 30; ++i) {
    h("SADD h m" + std::to_string(i));
    all.insert("m" + std::to_string(i));
  }
  for (int n : {1, 5, 9, 10, 11, 25, 29}) {
    INFO("count " << n);
    Bag b = bag(h("SRANDMEMBER h " + std::to_string(n)));
    CHECK(b.size() == static_cast<size_t>(n));
    CHECK(distinct(b));
    CHECK(subset(b, all));
  }
  CHECK(bag(h("SRANDMEMBER h 30")) == all);
  CHECK(bag(h("SRANDMEMBER h 1000")) == all);
  Bag many = bag(h("SRANDMEMBER h -100"));
  CHECK(many.size() == 100);
  CHECK(subset(many, all));
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string r = h("SRANDMEMBER h");
    seen.insert(r.substr(r.find("\r\n") + 2, r.size() - r.find("\r\n") - 4));
  }
  CHECK(Bag(seen.begin(), seen.end()) == all);
  CHECK(h("SCARD h") == Int(30));
}

TEST_CASE("SMOVE", "[sets]") {
  Harness h;
  CHECK(h("SADD a 1 2") == Int(2));
  CHECK(h("SADD b x") == Int(1));
  CHECK(h("SMOVE a b 1") == Int(1));
  CHECK(h("SMEMBERS a") == Bulks({"2"}));
  CHECK(bag(h("SMEMBERS b")) == Bag{"1", "x"});
  CHECK(h("OBJECT ENCODING b") == Bulk("hashtable"));
  CHECK(h("SMOVE a b 9") == Int(0));
  CHECK(h("SMOVE a c 2") == Int(1));
  CHECK(h("EXISTS a") == Int(0));  // the emptied source is deleted
  CHECK(h("SMEMBERS c") == Bulks({"2"}));
  CHECK(h("OBJECT ENCODING c") == Bulk("intset"));  // created for an integer member
  CHECK(h("SMOVE c c 2") == Int(1));
  CHECK(h("SMOVE c c 3") == Int(0));
  CHECK(h("SMEMBERS c") == Bulks({"2"}));
  CHECK(h("SMOVE b d x") == Int(1));
  CHECK(h("OBJECT ENCODING d") == Bulk("hashtable"));  // created for a non-integer member
  CHECK(h("SMOVE d d missingmember") == Int(0));
  CHECK(h("SADD e 1") == Int(1));
  CHECK(h("SMOVE b e 1") == Int(1));
  CHECK(h("EXISTS b") == Int(0));
  CHECK(h("SMEMBERS e") == Bulks({"1"}));
  CHECK(h("OBJECT ENCODING e") == Bulk("intset"));
  CHECK(h("SMOVE c e 2") == Int(1));
  CHECK(h("SMEMBERS e") == Bulks({"1", "2"}));
  CHECK(h("EXISTS c") == Int(0));
  CHECK(h("SADD f 1 2") == Int(2));
  CHECK(h("SMOVE d f x") == Int(1));  // a non-integer converts the destination intset
  CHECK(h("OBJECT ENCODING f") == Bulk("hashtable"));
  CHECK(bag(h("SMEMBERS f")) == Bag{"1", "2", "x"});

  // Moving a member the destination already has still reports 1 and removes it from source.
  CHECK(h("SADD p 1") == Int(1));
  CHECK(h("SADD q 1") == Int(1));
  CHECK(h("SMOVE p q 1") == Int(1));
  CHECK(h("EXISTS p") == Int(0));
  CHECK(h("SMEMBERS q") == Bulks({"1"}));
}

TEST_CASE("SINTER and SINTERSTORE", "[sets]") {
  Harness h;
  CHECK(h("SADD a 1 2 3 4") == Int(4));
  CHECK(h("SADD b 2 3 4 5") == Int(4));
  CHECK(h("SADD c 3 4 x") == Int(3));
  CHECK(h("SINTER a b") == Bulks({"2", "3", "4"}));
  CHECK(bag(h("SINTER a b c")) == Bag{"3", "4"});
  CHECK(h("SINTER a") == Bulks({"1", "2", "3", "4"}));
  CHECK(h("SINTER a a") == Bulks({"1", "2", "3", "4"}));
  CHECK(h("SINTER a missing") == "*0\r\n");
  CHECK(h("SINTER missing a") == "*0\r\n");
  CHECK(bag(h("SINTER c c")) == Bag{"3", "4", "x"});
  CHECK(h("SINTERSTORE d a b") == Int(3));
  CHECK(h("OBJECT ENCODING d") == Bulk("intset"));
  CHECK(h("SMEMBERS d") == Bulks({"2", "3", "4"}));
  CHECK(h("SINTERSTORE d a b c") == Int(2));
  CHECK(h("OBJECT ENCODING d") == Bulk("intset"));  // built fresh: integers give an intset
  CHECK(h("SMEMBERS d") == Bulks({"3", "4"}));
  CHECK(h("SINTERSTORE d a missing") == Int(0));
  CHECK(h("EXISTS d") == Int(0));
  CHECK(h("SINTERSTORE h c") == Int(3));
  CHECK(h("OBJECT ENCODING h") == Bulk("hashtable"));
  // The destination may be one of the inputs.
  CHECK(h("SINTERSTORE a a b") == Int(3));
  CHECK(h("SMEMBERS a") == Bulks({"2", "3", "4"}));
}

TEST_CASE("SINTERCARD with LIMIT and its errors", "[sets]") {
  Harness h;
  CHECK(h("SADD a 1 2 3 4") == Int(4));
  CHECK(h("SADD b 2 3 4 5") == Int(4));
  CHECK(h("SADD c 3 4 x") == Int(3));
  CHECK(h("SINTERCARD 1 a") == Int(4));
  CHECK(h("SINTERCARD 2 a b") == Int(3));
  CHECK(h("SINTERCARD 2 a b LIMIT 1") == Int(1));
  CHECK(h("SINTERCARD 2 a b LIMIT 0") == Int(3));
  CHECK(h("SINTERCARD 2 a b LIMIT 2") == Int(2));
  CHECK(h("SINTERCARD 2 a b LIMIT 3") == Int(3));
  CHECK(h("SINTERCARD 2 a b LIMIT 100") == Int(3));
  CHECK(h("SINTERCARD 2 a b limit 1") == Int(1));
  CHECK(h("SINTERCARD 2 a b LIMIT 1 LIMIT 2") == Int(2));
  CHECK(h("SINTERCARD 3 a b c") == Int(2));
  CHECK(h("SINTERCARD 3 a b c LIMIT 1") == Int(1));
  CHECK(h("SINTERCARD 2 a missing") == Int(0));
  CHECK(h("SINTERCARD 0 a") == Err("ERR numkeys should be greater than 0"));
  CHECK(h("SINTERCARD -1 a") == Err("ERR numkeys should be greater than 0"));
  CHECK(h("SINTERCARD x a") == Err("ERR numkeys should be greater than 0"));
  CHECK(h("SINTERCARD 9223372036854775808 a") == Err("ERR numkeys should be greater than 0"));
  CHECK(h("SINTERCARD 3 a b") == Err("ERR Number of keys can't be greater than number of args"));
  CHECK(h("SINTERCARD 2 a b LIMIT") == Err("ERR syntax error"));
  CHECK(h("SINTERCARD 2 a b LIMIT -1") == Err("ERR LIMIT can't be negative"));
  CHECK(h("SINTERCARD 2 a b LIMIT x") == Err("ERR LIMIT can't be negative"));
  CHECK(h("SINTERCARD 2 a b FOO") == Err("ERR syntax error"));
  CHECK(h("SINTERCARD 1 a b") == Err("ERR syntax error"));
  CHECK(h("SINTERCARD 1 missing LIMIT -1") == Err("ERR LIMIT can't be negative"));
}

TEST_CASE("SUNION and SUNIONSTORE", "[sets]") {
  Harness h;
  CHECK(h("SADD a 1 2 3 4") == Int(4));
  CHECK(h("SADD b 2 3 4 5") == Int(4));
  CHECK(h("SADD c 3 4 x") == Int(3));
  CHECK(h("SUNION a b") == Bulks({"1", "2", "3", "4", "5"}));
  CHECK(h("SUNION a missing") == Bulks({"1", "2", "3", "4"}));
  CHECK(h("SUNION missing a") == Bulks({"1", "2", "3", "4"}));
  CHECK(bag(h("SUNION a c")) == Bag{"1", "2", "3", "4", "x"});
  CHECK(h("SUNIONSTORE u a b") == Int(5));
  CHECK(h("OBJECT ENCODING u") == Bulk("intset"));
  CHECK(h("SMEMBERS u") == Bulks({"1", "2", "3", "4", "5"}));
  CHECK(h("SUNIONSTORE u a c") == Int(5));
  CHECK(h("OBJECT ENCODING u") == Bulk("hashtable"));
  CHECK(bag(h("SMEMBERS u")) == Bag{"1", "2", "3", "4", "x"});
  CHECK(h("SUNIONSTORE u missing") == Int(0));
  CHECK(h("EXISTS u") == Int(0));
  CHECK(h("SUNIONSTORE a a b") == Int(5));
  CHECK(h("SMEMBERS a") == Bulks({"1", "2", "3", "4", "5"}));
}

TEST_CASE("SDIFF and SDIFFSTORE", "[sets]") {
  Harness h;
  CHECK(h("SADD a 1 2 3 4") == Int(4));
  CHECK(h("SADD b 2 3 4 5") == Int(4));
  CHECK(h("SADD c 3 4 x") == Int(3));
  CHECK(h("SDIFF a b") == Bulks({"1"}));
  CHECK(h("SDIFF a b c") == Bulks({"1"}));
  CHECK(h("SDIFF a missing") == Bulks({"1", "2", "3", "4"}));
  CHECK(h("SDIFF missing a") == "*0\r\n");
  CHECK(h("SDIFF a a") == "*0\r\n");
  CHECK(h("SDIFF c a") == Bulks({"x"}));
  CHECK(bag(h("SDIFF c missing")) == Bag{"3", "4", "x"});
  CHECK(h("SDIFFSTORE f a b") == Int(1));
  CHECK(h("OBJECT ENCODING f") == Bulk("intset"));
  CHECK(h("SMEMBERS f") == Bulks({"1"}));
  CHECK(h("SDIFFSTORE f a a") == Int(0));
  CHECK(h("EXISTS f") == Int(0));
  CHECK(h("SDIFFSTORE f c a") == Int(1));
  CHECK(h("OBJECT ENCODING f") == Bulk("hashtable"));
  CHECK(h("SMEMBERS f") == Bulks({"x"}));
  CHECK(h("SDIFFSTORE f missing a") == Int(0));
  CHECK(h("EXISTS f") == Int(0));
  CHECK(h("SDIFFSTORE b b a") == Int(1));
  CHECK(h("SMEMBERS b") == Bulks({"5"}));
}

TEST_CASE("STORE replaces a key of another type and its TTL; an empty result deletes it",
          "[sets]") {
  Harness h;
  CHECK(h("SET d str EX 100") == Ok());
  CHECK(h("SADD a 1 2") == Int(2));
  CHECK(h("SADD b 2 3") == Int(2));
  CHECK(h("SINTERSTORE d a b") == Int(1));
  CHECK(h("TYPE d") == Simple("set"));
  CHECK(h("TTL d") == Int(-1));
  CHECK(h("SMEMBERS d") == Bulks({"2"}));
  CHECK(h("SET d str EX 100") == Ok());
  CHECK(h("SUNIONSTORE d a b") == Int(3));
  CHECK(h("TYPE d") == Simple("set"));
  CHECK(h("TTL d") == Int(-1));
  CHECK(h("SET d str EX 100") == Ok());
  CHECK(h("SDIFFSTORE d a b") == Int(1));
  CHECK(h("TYPE d") == Simple("set"));
  CHECK(h("TTL d") == Int(-1));
  CHECK(h("SET d str EX 100") == Ok());
  CHECK(h("SINTERSTORE d a missing") == Int(0));
  CHECK(h("EXISTS d") == Int(0));
  CHECK(h("SET d str EX 100") == Ok());
  CHECK(h("SDIFFSTORE d a a") == Int(0));
  CHECK(h("EXISTS d") == Int(0));
  CHECK(h("SET d str EX 100") == Ok());
  CHECK(h("SUNIONSTORE d missing") == Int(0));
  CHECK(h("EXISTS d") == Int(0));
  // A set destination with a TTL, which is also an input.
  CHECK(h("SADD d 1 2") == Int(2));
  CHECK(h("EXPIRE d 100") == Int(1));
  CHECK(h("SINTERSTORE d a d") == Int(2));
  CHECK(h("TTL d") == Int(-1));
  CHECK(h("SMEMBERS d") == Bulks({"1", "2"}));
}

TEST_CASE("SADD, SREM, SPOP and SMOVE keep the key's TTL", "[sets]") {
  Harness h;
  CHECK(h("SADD d 9 8") == Int(2));
  CHECK(h("EXPIRE d 100") == Int(1));
  CHECK(h("SADD d 7") == Int(1));
  CHECK(h("TTL d") == Int(100));
  CHECK(h("SREM d 7") == Int(1));
  CHECK(h("TTL d") == Int(100));
  h("SPOP d");
  CHECK(h("TTL d") == Int(100));
  CHECK(h("SADD b 3") == Int(1));
  CHECK(h("SADD e 5") == Int(1));
  CHECK(h("EXPIRE e 50") == Int(1));
  CHECK(h("SMOVE b e 3") == Int(1));
  CHECK(h("TTL e") == Int(50));
}

TEST_CASE("expired keys are missing to set commands", "[sets]") {
  Harness h;
  CHECK(h("SET k v PX 100") == Ok());
  CHECK(h("SADD k 1") == WrongType());
  h.clock.advance_ms(101);
  CHECK(h("SADD k 1") == Int(1));
  CHECK(h("TYPE k") == Simple("set"));
  CHECK(h("TTL k") == Int(-1));
  CHECK(h("OBJECT ENCODING k") == Bulk("intset"));
  CHECK(h("SADD t 1 2") == Int(2));
  CHECK(h("PEXPIRE t 100") == Int(1));
  h.clock.advance_ms(101);
  CHECK(h("SMEMBERS t") == "*0\r\n");
  CHECK(h("SINTERCARD 1 t") == Int(0));
  CHECK(h("SMOVE t u 1") == Int(0));
  CHECK(h("EXISTS u") == Int(0));
}

TEST_CASE("SSCAN: intsets in one call, hashtables by cursor, options and errors", "[sets]") {
  Harness h;
  CHECK(h("SET str v") == Ok());
  CHECK(h("SSCAN str 0 COUNT 0") == WrongType());
  CHECK(h("SADD s 3 1 2") == Int(3));
  CHECK(h("SSCAN s 0") == ScanReply("0", {"1", "2", "3"}));
  CHECK(h("SSCAN s 0 COUNT 1") == ScanReply("0", {"1", "2", "3"}));
  CHECK(h("SSCAN s 0 MATCH 1*") == ScanReply("0", {"1"}));
  CHECK(h("SSCAN s 0 MATCH x") == ScanReply("0", {}));
  CHECK(h("SSCAN s 0 count 1 match 2") == ScanReply("0", {"2"}));
  CHECK(h("SSCAN s 5") == ScanReply("0", {"1", "2", "3"}));
  CHECK(h("SSCAN s -1") == ScanReply("0", {"1", "2", "3"}));
  CHECK(h("SSCAN s 18446744073709551615") == ScanReply("0", {"1", "2", "3"}));
  CHECK(h("SSCAN s x") == Err("ERR invalid cursor"));
  CHECK(h("SSCAN s 18446744073709551616") == Err("ERR invalid cursor"));
  CHECK(h("SSCAN s 0 COUNT 0") == Err("ERR syntax error"));
  CHECK(h("SSCAN s 0 COUNT -1") == Err("ERR syntax error"));
  CHECK(h("SSCAN s 0 COUNT x") == Err("ERR value is not an integer or out of range"));
  CHECK(h("SSCAN s 0 FOO") == Err("ERR syntax error"));
  CHECK(h("SSCAN s 0 MATCH") == Err("ERR syntax error"));
  CHECK(h("SSCAN s 0 TYPE set") == Err("ERR syntax error"));
  CHECK(h("SSCAN missing x") == Err("ERR invalid cursor"));
  CHECK(h("SSCAN missing 0 COUNT 0") == ScanReply("0", {}));  // options unread for a missing key
  CHECK(h("SSCAN missing 0 FOO") == ScanReply("0", {}));
  CHECK(h("SSCAN s \" 0\"") == Err("ERR invalid cursor"));
  CHECK(h("SSCAN s \"0 \"") == Err("ERR invalid cursor"));
  CHECK(h("SSCAN s 0x10") == Err("ERR invalid cursor"));
  CHECK(h("SSCAN s +5") == ScanReply("0", {"1", "2", "3"}));
  CHECK(h("SSCAN s 0 COUNT 01") == Err("ERR value is not an integer or out of range"));
  CHECK(h("SSCAN s 0 MATCH * MATCH 3") == ScanReply("0", {"3"}));  // the last MATCH wins
  CHECK(h("SSCAN s 0 NOVALUES") == Err("ERR syntax error"));
  CHECK(h("SSCAN str x") == Err("ERR invalid cursor"));
  CHECK(h("SADD one a") == Int(1));
  CHECK(h("SSCAN one 0 MATCH a COUNT 100") == ScanReply("0", {"a"}));
  CHECK(h("SSCAN one 0 COUNT 0") == Err("ERR syntax error"));

  // A full cursor walk over a hashtable reports every member.
  Bag all;
  for (int i = 0; i < 300; ++i) {
    h("SADD h k" + std::to_string(i));
    all.insert("k" + std::to_string(i));
  }
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    Scan s = parse_scan(h("SSCAN h " + cursor + " COUNT 20"));
    seen.insert(s.items.begin(), s.items.end());
    cursor = s.cursor;
  } while (cursor != "0" && ++calls < 1000);
  CHECK(calls > 1);
  CHECK(Bag(seen.begin(), seen.end()) == all);
  // MATCH filters the walk.
  seen.clear();
  cursor = "0";
  calls = 0;
  do {
    Scan s = parse_scan(h("SSCAN h " + cursor + " MATCH k1?"));
    seen.insert(s.items.begin(), s.items.end());
    cursor = s.cursor;
  } while (cursor != "0" && ++calls < 1000);
  CHECK(seen == std::set<std::string>{"k10", "k11", "k12", "k13", "k14", "k15", "k16", "k17", "k18",
                                      "k19"});
}

TEST_CASE("RESP3: sets are '~' aggregates and nulls are '_'", "[sets]") {
  Harness h;
  h("HELLO 3");
  CHECK(h("SADD s 1 2") == Int(2));
  CHECK(h("SMEMBERS s") == RSet({"1", "2"}));
  CHECK(h("SMEMBERS missing") == "~0\r\n");
  CHECK(h("SPOP missing") == "_\r\n");
  CHECK(h("SPOP missing 2") == "~0\r\n");
  CHECK(h("SRANDMEMBER missing") == "_\r\n");
  CHECK(h("SRANDMEMBER missing 2") == "*0\r\n");
  CHECK(h("SRANDMEMBER s 5") == Bulks({"1", "2"}));
  CHECK(h("SRANDMEMBER s 2") == Bulks({"1", "2"}));
  CHECK(h("SRANDMEMBER s 0") == "*0\r\n");
  Bag neg = bag(h("SRANDMEMBER s -2"));
  CHECK(neg.size() == 2);
  CHECK(subset(neg, {"1", "2"}));
  CHECK(h("SINTER s") == RSet({"1", "2"}));
  CHECK(h("SINTER s missing") == "~0\r\n");
  CHECK(h("SUNION s") == RSet({"1", "2"}));
  CHECK(h("SDIFF s") == RSet({"1", "2"}));
  CHECK(h("SDIFF missing") == "~0\r\n");
  CHECK(h("SMISMEMBER s 1 3") == Ints({1, 0}));
  CHECK(h("SSCAN s 0") == ScanReply("0", {"1", "2"}));
  CHECK(h("SPOP s 0") == "~0\r\n");
  CHECK(h("SPOP s 5") == RSet({"1", "2"}));
  CHECK(h("EXISTS s") == Int(0));
  CHECK(h("SADD s 1 2 3 4") == Int(4));
  Bag one = bag(h("SPOP s 1"), '~');
  CHECK(one.size() == 1);
  CHECK(subset(one, {"1", "2", "3", "4"}));
  CHECK(h("SADD t 8") == Int(1));
  CHECK(h("SPOP t 1") == RSet({"8"}));
  CHECK(h("SPOP t") == "_\r\n");
}

TEST_CASE("SSCAN: an empty cursor reads as 0, as strtoull does in Redis", "[sets]") {
  Harness h;
  CHECK(h("SADD s 3 1 2") == Int(3));
  CHECK(h("SSCAN s \"\"") == ScanReply("0", {"1", "2", "3"}));
  CHECK(h("SSCAN missing \"\"") == ScanReply("0", {}));
}

// COUNT * 10 once overflowed the scan's step budget (a UBSan abort); the budget saturates now.
TEST_CASE("SSCAN: COUNT 9223372036854775807 is accepted", "[sets]") {
  Harness h;
  CHECK(h("SADD s 3 1 2") == Int(3));
  CHECK(h("SSCAN s 0 COUNT 9223372036854775807") == ScanReply("0", {"1", "2", "3"}));
  CHECK(h("SADD h a b c") == Int(3));
  Scan s = parse_scan(h("SSCAN h 0 COUNT 9223372036854775807"));
  CHECK(s.cursor == "0");
  CHECK(Bag(s.items.begin(), s.items.end()) == Bag{"a", "b", "c"});
}
