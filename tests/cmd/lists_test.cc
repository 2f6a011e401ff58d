// List commands in process. Every expected reply below was first taken from redis-server
// 7.0.15 (error texts, the order in which argument errors and WRONGTYPE are reported, RESP2 and
// RESP3 null shapes); the randomized case checks the commands against a std::deque model.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <random>
#include <string>
#include <vector>

#include "harness.h"

using namespace cardinal::test;

namespace {

const std::string kWrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
const std::string kNotInteger = "ERR value is not an integer or out of range";
const std::string kNotPositive = "ERR value is out of range, must be positive";
const std::string kRankZero =
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use "
    "negative to start from the end of the list";

std::string WrongType() {
  return Err(kWrongType);
}
std::string Syntax() {
  return Err("ERR syntax error");
}
std::string Arity(const std::string& cmd) {
  return Err("ERR wrong number of arguments for '" + cmd + "' command");
}
std::string Bulks(const std::vector<std::string>& items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (const std::string& s : items) out += Bulk(s);
  return out;
}
std::string Ints(std::initializer_list<int64_t> items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (int64_t v : items) out += Int(v);
  return out;
}
// LMPOP's reply: [key, [elements...]].
std::string Mpop(const std::string& key, const std::vector<std::string>& items) {
  return "*2\r\n" + Bulk(key) + Bulks(items);
}
const std::string kNullArray = "*-1\r\n";

int list_fill(Harness& h, const std::string& key) {
  cardinal::engine::DbEntry* e = h.state->keyspace.db(0).find_quiet(key);
  REQUIRE(e != nullptr);
  REQUIRE(e->value.type() == cardinal::engine::ValueType::List);
  return e->value.as_list().fill();
}

}  // namespace

TEST_CASE("LPUSH, RPUSH, LPUSHX, RPUSHX, LLEN and LRANGE", "[lists]") {
  Harness h;
  CHECK(h("RPUSH l b c") == Int(2));
  CHECK(h("LPUSH l a z") == Int(4));
  CHECK(h("LRANGE l 0 -1") == Bulks({"z", "a", "b", "c"}));
  CHECK(h("LLEN l") == Int(4));
  CHECK(h("TYPE l") == Simple("list"));
  CHECK(h("OBJECT ENCODING l") == Bulk("quicklist"));
  CHECK(h("LPUSHX l x y") == Int(6));
  CHECK(h("RPUSHX l w") == Int(7));
  CHECK(h("LRANGE l 0 -1") == Bulks({"y", "x", "z", "a", "b", "c", "w"}));
  CHECK(h("LPUSHX missing a") == Int(0));
  CHECK(h("RPUSHX missing a b") == Int(0));
  CHECK(h("EXISTS missing") == Int(0));
  CHECK(h("LLEN missing") == Int(0));
  CHECK(h("LRANGE missing 0 -1") == "*0\r\n");
  CHECK(h("LPUSH l") == Arity("lpush"));
  CHECK(h("RPUSH l") == Arity("rpush"));
  CHECK(h("LPUSHX l") == Arity("lpushx"));
  CHECK(h("RPUSHX") == Arity("rpushx"));
  CHECK(h("LLEN") == Arity("llen"));
  CHECK(h("LLEN l x") == Arity("llen"));
}

TEST_CASE("LRANGE: negative, reversed and huge indexes", "[lists]") {
  Harness h;
  CHECK(h("RPUSH l a b c d e") == Int(5));
  CHECK(h("LRANGE l 1 2") == Bulks({"b", "c"}));
  CHECK(h("LRANGE l -2 -1") == Bulks({"d", "e"}));
  CHECK(h("LRANGE l -100 1") == Bulks({"a", "b"}));
  CHECK(h("LRANGE l 3 100") == Bulks({"d", "e"}));
  CHECK(h("LRANGE l 3 2") == "*0\r\n");
  CHECK(h("LRANGE l 5 10") == "*0\r\n");
  CHECK(h("LRANGE l -1 -2") == "*0\r\n");
  CHECK(h("LRANGE l -9223372036854775808 9223372036854775807") == Bulks({"a", "b", "c", "d", "e"}));
  CHECK(h("LRANGE l 0 -9223372036854775808") == "*0\r\n");
  CHECK(h("LRANGE l x 1") == Err(kNotInteger));
  CHECK(h("LRANGE l 0 1.5") == Err(kNotInteger));
  CHECK(h("LRANGE missing x 1") == Err(kNotInteger));
  CHECK(h("LRANGE l 0") == Arity("lrange"));
}

TEST_CASE("LPOP and RPOP: single, counted, nulls and deletion", "[lists]") {
  Harness h;
  CHECK(h("RPUSH l a b c d e") == Int(5));
  CHECK(h("LPOP l") == Bulk("a"));
  CHECK(h("RPOP l") == Bulk("e"));
  CHECK(h("LPOP l 2") == Bulks({"b", "c"}));
  CHECK(h("RPOP l 0") == "*0\r\n");
  CHECK(h("LLEN l") == Int(1));
  CHECK(h("RPOP l 100") == Bulks({"d"}));
  CHECK(h("EXISTS l") == Int(0));
  CHECK(h("LPOP l") == Nil());
  CHECK(h("LPOP l 1") == kNullArray);
  CHECK(h("RPOP l 0") == kNullArray);
  CHECK(h("RPUSH r 1 2 3") == Int(3));
  CHECK(h("RPOP r 2") == Bulks({"3", "2"}));
  CHECK(h("LPOP r") == Bulk("1"));
  CHECK(h("EXISTS r") == Int(0));
  CHECK(h("RPUSH r 1 2") == Int(2));
  CHECK(h("LPOP r 9223372036854775807") == Bulks({"1", "2"}));
  CHECK(h("EXISTS r") == Int(0));
  // Any unreadable or negative count gets one text, even on a missing or wrong-typed key.
  CHECK(h("LPOP missing -1") == Err(kNotPositive));
  CHECK(h("LPOP missing x") == Err(kNotPositive));
  CHECK(h("RPOP missing 1.0") == Err(kNotPositive));
  CHECK(h("LPOP missing 9223372036854775808") == Err(kNotPositive));
  CHECK(h("LPOP l 1 2") == Arity("lpop"));
  CHECK(h("RPOP") == Arity("rpop"));
}

TEST_CASE("LINDEX and LSET", "[lists]") {
  Harness h;
  CHECK(h("RPUSH l a b c") == Int(3));
  CHECK(h("LINDEX l 0") == Bulk("a"));
  CHECK(h("LINDEX l -1") == Bulk("c"));
  CHECK(h("LINDEX l -3") == Bulk("a"));
  CHECK(h("LINDEX l 3") == Nil());
  CHECK(h("LINDEX l -4") == Nil());
  CHECK(h("LINDEX l 9223372036854775807") == Nil());
  CHECK(h("LINDEX l -9223372036854775808") == Nil());
  CHECK(h("LINDEX l x") == Err(kNotInteger));
  // A missing key answers null before the index is read.
  CHECK(h("LINDEX missing x") == Nil());
  CHECK(h("LINDEX missing 0") == Nil());
  CHECK(h("LSET l 1 B") == Ok());
  CHECK(h("LSET l -1 C") == Ok());
  CHECK(h("LRANGE l 0 -1") == Bulks({"a", "B", "C"}));
  CHECK(h("LSET l 3 x") == Err("ERR index out of range"));
  CHECK(h("LSET l -4 x") == Err("ERR index out of range"));
  CHECK(h("LSET l -9223372036854775808 x") == Err("ERR index out of range"));
  CHECK(h("LSET l x x") == Err(kNotInteger));
  CHECK(h("LSET missing 0 x") == Err("ERR no such key"));
  CHECK(h("LSET missing x x") == Err("ERR no such key"));
  CHECK(h("EXISTS missing") == Int(0));
  CHECK(h("LSET l 0") == Arity("lset"));
  CHECK(h("LINDEX l") == Arity("lindex"));
}

TEST_CASE("LINSERT", "[lists]") {
  Harness h;
  CHECK(h("RPUSH l a b a") == Int(3));
  CHECK(h("LINSERT l BEFORE a x") == Int(4));
  CHECK(h("LINSERT l after a y") == Int(5));
  CHECK(h("LRANGE l 0 -1") == Bulks({"x", "a", "y", "b", "a"}));
  CHECK(h("LINSERT l before nothing z") == Int(-1));
  CHECK(h("LINSERT l AfTeR b z") == Int(6));
  CHECK(h("LRANGE l 0 -1") == Bulks({"x", "a", "y", "b", "z", "a"}));
  CHECK(h("LINSERT missing before a b") == Int(0));
  CHECK(h("EXISTS missing") == Int(0));
  CHECK(h("LINSERT l middle a b") == Syntax());
  CHECK(h("LINSERT missing middle a b") == Syntax());
  CHECK(h("LINSERT l before a") == Arity("linsert"));
}

TEST_CASE("LREM counts from the head, the tail, or removes all", "[lists]") {
  Harness h;
  CHECK(h("RPUSH r a b a c a b a") == Int(7));
  CHECK(h("LREM r -2 a") == Int(2));
  CHECK(h("LRANGE r 0 -1") == Bulks({"a", "b", "a", "c", "b"}));
  CHECK(h("LREM r 1 a") == Int(1));
  CHECK(h("LRANGE r 0 -1") == Bulks({"b", "a", "c", "b"}));
  CHECK(h("LREM r 0 b") == Int(2));
  CHECK(h("LRANGE r 0 -1") == Bulks({"a", "c"}));
  CHECK(h("LREM r 0 nothing") == Int(0));
  CHECK(h("LREM r 0 a") == Int(1));
  CHECK(h("LREM r -9223372036854775808 c") == Int(1));
  CHECK(h("EXISTS r") == Int(0));
  CHECK(h("LREM r 0 a") == Int(0));
  CHECK(h("LREM r x a") == Err(kNotInteger));
  CHECK(h("LREM r 1") == Arity("lrem"));
}

TEST_CASE("LTRIM keeps a range and deletes an emptied list", "[lists]") {
  Harness h;
  CHECK(h("RPUSH q 1 2 3 4 5") == Int(5));
  CHECK(h("LTRIM q 1 -2") == Ok());
  CHECK(h("LRANGE q 0 -1") == Bulks({"2", "3", "4"}));
  CHECK(h("LTRIM q -100 100") == Ok());
  CHECK(h("LRANGE q 0 -1") == Bulks({"2", "3", "4"}));
  CHECK(h("LTRIM q 5 10") == Ok());
  CHECK(h("EXISTS q") == Int(0));
  CHECK(h("RPUSH q 1 2 3") == Int(3));
  CHECK(h("LTRIM q -1 -100") == Ok());
  CHECK(h("EXISTS q") == Int(0));
  CHECK(h("RPUSH q 1 2 3") == Int(3));
  CHECK(h("LTRIM q -9223372036854775808 9223372036854775807") == Ok());
  CHECK(h("LLEN q") == Int(3));
  CHECK(h("LTRIM q 2 2") == Ok());
  CHECK(h("LRANGE q 0 -1") == Bulks({"3"}));
  CHECK(h("LTRIM missing 0 1") == Ok());
  CHECK(h("EXISTS missing") == Int(0));
  CHECK(h("LTRIM q x 1") == Err(kNotInteger));
  CHECK(h("LTRIM q 0 y") == Err(kNotInteger));
  CHECK(h("LTRIM q 0") == Arity("ltrim"));
}

TEST_CASE("LPOS: RANK, COUNT and MAXLEN", "[lists]") {
  Harness h;
  CHECK(h("RPUSH l a b c a b c a") == Int(7));
  CHECK(h("LPOS l a") == Int(0));
  CHECK(h("LPOS l c") == Int(2));
  CHECK(h("LPOS l z") == Nil());
  CHECK(h("LPOS l z COUNT 2") == "*0\r\n");
  CHECK(h("LPOS l a RANK 2") == Int(3));
  CHECK(h("LPOS l a RANK -1") == Int(6));
  CHECK(h("LPOS l a RANK -3") == Int(0));
  CHECK(h("LPOS l a RANK 4") == Nil());
  CHECK(h("LPOS l a COUNT 0") == Ints({0, 3, 6}));
  CHECK(h("LPOS l a COUNT 0 RANK -1") == Ints({6, 3, 0}));
  CHECK(h("LPOS l a COUNT 2 RANK -1 MAXLEN 3") == Ints({6}));
  CHECK(h("LPOS l a COUNT 2 RANK -1 MAXLEN 0") == Ints({6, 3}));
  CHECK(h("LPOS l a RANK -2 COUNT 0") == Ints({3, 0}));
  CHECK(h("LPOS l a RANK 2 COUNT 2") == Ints({3, 6}));
  CHECK(h("LPOS l a RANK 3 COUNT 5") == Ints({6}));
  CHECK(h("LPOS l a maxlen 9223372036854775807") == Int(0));
  CHECK(h("LPOS l b MAXLEN 1") == Nil());
  CHECK(h("LPOS l b MAXLEN 2") == Int(1));
  // A repeated option takes its last value.
  CHECK(h("LPOS l a COUNT 1 COUNT 0") == Ints({0, 3, 6}));
  CHECK(h("LPOS l a RANK 1 RANK 2") == Int(3));
  CHECK(h("LPOS l a RANK -9223372036854775807") == Nil());
  CHECK(h("LPOS l a RANK -9223372036854775807 COUNT 0") == "*0\r\n");
  CHECK(h("LPOS l a RANK 9223372036854775807") == Nil());
  CHECK(h("LPOS missing a") == Nil());
  CHECK(h("LPOS missing a COUNT 1") == "*0\r\n");
}

TEST_CASE("LPOS: a RANK of INT64_MIN matches from the tail with no COUNT limit, as in Redis 7.0",
          "[lists]") {
  Harness h;
  CHECK(h("RPUSH l a b c a b c a") == Int(7));
  CHECK(h("LPOS l a RANK -9223372036854775808") == Int(6));
  CHECK(h("LPOS l a RANK -9223372036854775808 COUNT 1") == Ints({6, 3, 0}));
  CHECK(h("LPOS l a RANK -9223372036854775808 COUNT 2") == Ints({6, 3, 0}));
  CHECK(h("LPOS l a RANK -9223372036854775808 COUNT 0") == Ints({6, 3, 0}));
  CHECK(h("LPOS l a RANK -9223372036854775808 MAXLEN 2") == Int(6));
  CHECK(h("LPOS l a RANK -9223372036854775808 COUNT 1 MAXLEN 1") == Ints({6}));
  CHECK(h("LPOS l b RANK -9223372036854775808 MAXLEN 1") == Nil());
}

TEST_CASE("LPOS: option errors come first, in argument order", "[lists]") {
  Harness h;
  CHECK(h("SET s v") == Ok());
  CHECK(h("RPUSH l a") == Int(1));
  CHECK(h("LPOS s a") == WrongType());
  CHECK(h("LPOS s a RANK 0") == Err(kRankZero));
  CHECK(h("LPOS missing a RANK 0") == Err(kRankZero));
  CHECK(h("LPOS l a RANK x") == Err(kNotInteger));
  CHECK(h("LPOS l a RANK") == Syntax());
  CHECK(h("LPOS l a RANK 2 COUNT") == Syntax());
  CHECK(h("LPOS l a COUNT -1") == Err("ERR COUNT can't be negative"));
  CHECK(h("LPOS l a COUNT x") == Err("ERR COUNT can't be negative"));
  CHECK(h("LPOS l a COUNT -9223372036854775808") == Err("ERR COUNT can't be negative"));
  CHECK(h("LPOS l a MAXLEN -1") == Err("ERR MAXLEN can't be negative"));
  CHECK(h("LPOS l a MAXLEN x") == Err("ERR MAXLEN can't be negative"));
  CHECK(h("LPOS l a FOO 1") == Syntax());
  CHECK(h("LPOS l a FOO 1 RANK 0") == Syntax());
  CHECK(h("LPOS l a RANK 0 FOO 1") == Err(kRankZero));
  CHECK(h("LPOS l a RANK 0 RANK 1") == Err(kRankZero));
  CHECK(h("LPOS l a COUNT -1 RANK 0") == Err("ERR COUNT can't be negative"));
  CHECK(h("LPOS l a RANK 0 COUNT -1") == Err(kRankZero));
  CHECK(h("LPOS l") == Arity("lpos"));
}

TEST_CASE("LMOVE and RPOPLPUSH: all four directions, rotation, creation and deletion", "[lists]") {
  Harness h;
  CHECK(h("RPUSH l a b c") == Int(3));
  CHECK(h("LMOVE l l left right") == Bulk("a"));
  CHECK(h("LRANGE l 0 -1") == Bulks({"b", "c", "a"}));
  CHECK(h("LMOVE l l RIGHT LEFT") == Bulk("a"));
  CHECK(h("LRANGE l 0 -1") == Bulks({"a", "b", "c"}));
  CHECK(h("RPOPLPUSH l l") == Bulk("c"));
  CHECK(h("LRANGE l 0 -1") == Bulks({"c", "a", "b"}));
  CHECK(h("LMOVE l l left left") == Bulk("c"));
  CHECK(h("LRANGE l 0 -1") == Bulks({"c", "a", "b"}));
  CHECK(h("LMOVE l d Left Right") == Bulk("c"));
  CHECK(h("LMOVE l d right left") == Bulk("b"));
  CHECK(h("RPOPLPUSH l d") == Bulk("a"));
  CHECK(h("EXISTS l") == Int(0));
  CHECK(h("LRANGE d 0 -1") == Bulks({"a", "b", "c"}));
  CHECK(h("LMOVE l d left left") == Nil());
  CHECK(h("RPOPLPUSH l d") == Nil());
  CHECK(h("RPUSH one x") == Int(1));
  CHECK(h("LMOVE one one left left") == Bulk("x"));
  CHECK(h("LRANGE one 0 -1") == Bulks({"x"}));
  CHECK(h("LMOVE one other right right") == Bulk("x"));
  CHECK(h("EXISTS one") == Int(0));
  CHECK(h("LRANGE other 0 -1") == Bulks({"x"}));
  CHECK(h("LMOVE l d left middle") == Syntax());
  CHECK(h("LMOVE l d up left") == Syntax());
  CHECK(h("LMOVE l d left") == Arity("lmove"));
  CHECK(h("RPOPLPUSH l") == Arity("rpoplpush"));
}

TEST_CASE("LMOVE and RPOPLPUSH: a wrong-typed destination pops nothing", "[lists]") {
  Harness h;
  CHECK(h("SET s v") == Ok());
  CHECK(h("RPUSH l a b c") == Int(3));
  CHECK(h("LMOVE l s right left") == WrongType());
  CHECK(h("RPOPLPUSH l s") == WrongType());
  CHECK(h("LRANGE l 0 -1") == Bulks({"a", "b", "c"}));
  CHECK(h("LMOVE s l left left") == WrongType());
  CHECK(h("RPOPLPUSH s l") == WrongType());
  CHECK(h("LMOVE s missing left left") == WrongType());
  // A missing source answers null before the destination's type is looked at.
  CHECK(h("LMOVE missing s left left") == Nil());
  CHECK(h("RPOPLPUSH missing s") == Nil());
  CHECK(h("LMOVE s d LEFT middle") == Syntax());
  CHECK(h("GET s") == Bulk("v"));
}

TEST_CASE("LMPOP: first non-empty key, counts, and argument errors", "[lists]") {
  Harness h;
  CHECK(h("SET s v") == Ok());
  CHECK(h("RPUSH a 1 2 3") == Int(3));
  CHECK(h("RPUSH b x y") == Int(2));
  CHECK(h("LMPOP 2 missing a left") == Mpop("a", {"1"}));
  CHECK(h("LMPOP 2 a b RIGHT COUNT 5") == Mpop("a", {"3", "2"}));
  CHECK(h("EXISTS a") == Int(0));
  CHECK(h("LMPOP 3 a b s left count 1") == Mpop("b", {"x"}));
  CHECK(h("LMPOP 1 missing left") == kNullArray);
  CHECK(h("LMPOP 1 missing LEFT COUNT 5") == kNullArray);
  CHECK(h("LMPOP 2 missing s left") == WrongType());
  CHECK(h("LMPOP 2 s b left") == WrongType());
  CHECK(h("LMPOP 2 b s left") == Mpop("b", {"y"}));
  CHECK(h("EXISTS b") == Int(0));
  CHECK(h("RPUSH a 1") == Int(1));
  CHECK(h("LMPOP 1 a left count 9223372036854775807") == Mpop("a", {"1"}));
  // numkeys errors
  const std::string numkeys = "ERR numkeys should be greater than 0";
  CHECK(h("LMPOP 0 a left") == Err(numkeys));
  CHECK(h("LMPOP -1 a left") == Err(numkeys));
  CHECK(h("LMPOP x a left") == Err(numkeys));
  CHECK(h("LMPOP 2 a left") == Syntax());
  CHECK(h("LMPOP 3 a b left") == Syntax());
  CHECK(h("LMPOP 9223372036854775807 a left") == Syntax());
  CHECK(h("LMPOP 9223372036854775806 a left") == Syntax());
  CHECK(h("LMPOP 1 a middle") == Syntax());
  CHECK(h("LMPOP 1 s middle") == Syntax());
  // count errors
  const std::string count = "ERR count should be greater than 0";
  CHECK(h("LMPOP 1 a left count 0") == Err(count));
  CHECK(h("LMPOP 1 a left count -1") == Err(count));
  CHECK(h("LMPOP 1 a left count x") == Err(count));
  CHECK(h("LMPOP 1 a left count 9223372036854775808") == Err(count));
  CHECK(h("LMPOP 2 missing s left count 0") == Err(count));
  CHECK(h("LMPOP 1 a left count") == Syntax());
  CHECK(h("LMPOP 1 a left count 1 count 2") == Syntax());
  CHECK(h("LMPOP 1 a left count 1 COUNT x") == Syntax());
  CHECK(h("LMPOP 1 a left foo") == Syntax());
  CHECK(h("LMPOP 1 a left count 5 foo") == Syntax());
  CHECK(h("LMPOP 1 a") == Arity("lmpop"));
}

TEST_CASE("list commands on a string key reply WRONGTYPE", "[lists]") {
  Harness h;
  CHECK(h("SET s v") == Ok());
  for (const char* cmd :
       {"LPUSH s a",     "RPUSH s a",     "LPUSHX s a", "RPUSHX s a",       "LPOP s",
        "RPOP s",        "LPOP s 1",      "RPOP s 0",   "LLEN s",           "LRANGE s 0 1",
        "LINDEX s 0",    "LINDEX s x",    "LSET s 0 a", "LSET s x a",       "LINSERT s before a b",
        "LREM s 0 a",    "LTRIM s 0 1",   "LPOS s a",   "LPOS s a COUNT 1", "LMOVE s d left left",
        "RPOPLPUSH s d", "LMPOP 1 s left"}) {
    INFO(cmd);
    CHECK(h(cmd) == WrongType());
  }
  CHECK(h("GET s") == Bulk("v"));
  CHECK(h("SADD set m") == Int(1));
  CHECK(h("LPUSH set a") == WrongType());
  CHECK(h("HSET hash f v") == Int(1));
  CHECK(h("RPOPLPUSH hash l") == WrongType());
  // Argument errors that Redis reports before the type check.
  CHECK(h("LPOP s -1") == Err(kNotPositive));
  CHECK(h("LRANGE s x 1") == Err(kNotInteger));
  CHECK(h("LREM s x a") == Err(kNotInteger));
  CHECK(h("LTRIM s x 1") == Err(kNotInteger));
  CHECK(h("LINSERT s middle a b") == Syntax());
}

TEST_CASE("list elements are binary safe and integer-looking strings stay byte-exact", "[lists]") {
  Harness h;
  std::string nul("a\0b", 3), crlf("x\r\ny"), empty;
  CHECK(h.run({"RPUSH", "l", nul, crlf, empty, std::string(100'000, 'z')}) == Int(4));
  CHECK(h.run({"LRANGE", "l", "0", "2"}) == Bulks({nul, crlf, empty}));
  CHECK(h.run({"LPOS", "l", nul}) == Int(0));
  CHECK(h.run({"LPOS", "l", std::string("a\0c", 3)}) == Nil());
  CHECK(h.run({"LINSERT", "l", "AFTER", crlf, nul}) == Int(5));
  CHECK(h.run({"LREM", "l", "0", nul}) == Int(2));
  CHECK(h.run({"LINDEX", "l", "-1"}) == Bulk(std::string(100'000, 'z')));
  CHECK(h.run({"LSET", "l", "0", std::string("\0", 1)}) == Ok());
  CHECK(h.run({"LPOP", "l"}) == Bulk(std::string("\0", 1)));
  CHECK(h("RPUSH n -0 007 +1 1.0 9223372036854775807 -9223372036854775808 "
          "9223372036854775808 0 -1") == Int(9));
  CHECK(h("LRANGE n 0 -1") == Bulks({"-0", "007", "+1", "1.0", "9223372036854775807",
                                     "-9223372036854775808", "9223372036854775808", "0", "-1"}));
  CHECK(h("LPOS n 0") == Int(7));
  CHECK(h("LPOS n -0") == Int(0));
  CHECK(h("LREM n 0 0") == Int(1));
  CHECK(h("LPOS n 7") == Nil());
}

TEST_CASE("RESP3: list nulls are '_'", "[lists]") {
  Harness h;
  h("HELLO 3");
  CHECK(h("LPOP missing") == "_\r\n");
  CHECK(h("LPOP missing 1") == "_\r\n");
  CHECK(h("RPOP missing 0") == "_\r\n");
  CHECK(h("LINDEX missing 0") == "_\r\n");
  CHECK(h("LPOS missing a") == "_\r\n");
  CHECK(h("LPOS missing a COUNT 0") == "*0\r\n");
  CHECK(h("LMPOP 1 missing left") == "_\r\n");
  CHECK(h("LMOVE missing d left left") == "_\r\n");
  CHECK(h("RPOPLPUSH missing d") == "_\r\n");
  CHECK(h("RPUSH l a b") == Int(2));
  CHECK(h("LPOP l 0") == "*0\r\n");
  CHECK(h("LINDEX l 5") == "_\r\n");
  CHECK(h("LMPOP 1 l right") == Mpop("l", {"b"}));
  CHECK(h("LPOP l 5") == Bulks({"a"}));
}

TEST_CASE("list writes keep the key's TTL; expired lists are missing", "[lists]") {
  Harness h;
  CHECK(h("RPUSH l a b c") == Int(3));
  CHECK(h("EXPIRE l 100") == Int(1));
  CHECK(h("LPUSH l z") == Int(4));
  CHECK(h("LPOP l") == Bulk("z"));
  CHECK(h("LSET l 0 A") == Ok());
  CHECK(h("LTRIM l 0 1") == Ok());
  CHECK(h("TTL l") == Int(100));
  CHECK(h("RPUSH d x") == Int(1));
  CHECK(h("EXPIRE d 50") == Int(1));
  CHECK(h("LMOVE l d left left") == Bulk("A"));
  CHECK(h("TTL d") == Int(50));
  CHECK(h("SET k v PX 100") == Ok());
  CHECK(h("LPUSH k a") == WrongType());
  h.clock.advance_ms(101);
  CHECK(h("LPUSHX k a") == Int(0));
  CHECK(h("LPUSH k a") == Int(1));
  CHECK(h("TTL k") == Int(-1));
  CHECK(h("PEXPIRE k 10") == Int(1));
  h.clock.advance_ms(11);
  CHECK(h("LLEN k") == Int(0));
  CHECK(h("LMOVE k k left left") == Nil());
}

TEST_CASE("list-max-listpack-size: default, CONFIG SET, and the fill of new lists", "[lists]") {
  Harness h;
  CHECK(h("CONFIG GET list-max-listpack-size") ==
        "*2\r\n" + Bulk("list-max-listpack-size") + Bulk("-2"));
  CHECK(h("RPUSH old a") == Int(1));
  CHECK(list_fill(h, "old") == -2);
  CHECK(h("CONFIG SET list-max-listpack-size 3") == Ok());
  CHECK(h("CONFIG GET list-max-ziplist-size") ==
        "*2\r\n" + Bulk("list-max-ziplist-size") + Bulk("3"));
  CHECK(h("RPUSH new a b c d e f g") == Int(7));
  CHECK(list_fill(h, "new") == 3);
  CHECK(list_fill(h, "old") == -2);  // a list keeps the fill it was created with, as in Redis
  CHECK(h("LMOVE old moved left left") == Bulk("a"));
  CHECK(list_fill(h, "moved") == 3);
  CHECK(h("LRANGE new 0 -1") == Bulks({"a", "b", "c", "d", "e", "f", "g"}));
  CHECK(h.state->keyspace.db(0).find_quiet("new")->value.as_list().node_count() == 3);
  CHECK(h("CONFIG SET list-max-listpack-size -5") == Ok());
  CHECK(h("LPUSH big x") == Int(1));
  CHECK(list_fill(h, "big") == -5);
  CHECK(h("CONFIG SET list-max-listpack-size x") ==
        Err("ERR CONFIG SET failed (possibly related to argument 'list-max-listpack-size') - "
            "argument couldn't be parsed into an integer"));
}

TEST_CASE("COMMAND INFO and GETKEYS for list commands", "[lists]") {
  Harness h;
  CHECK(h("COMMAND GETKEYS LMPOP 2 a b left") == Bulks({"a", "b"}));
  CHECK(h("COMMAND GETKEYS LMOVE a b left right") == Bulks({"a", "b"}));
  CHECK(h("COMMAND GETKEYS RPOPLPUSH a b") == Bulks({"a", "b"}));
  CHECK(h("COMMAND GETKEYS LPUSH k a b") == Bulks({"k"}));
  std::string info = h("COMMAND INFO lpush lmpop");
  CHECK(
      info.find("$5\r\nlpush\r\n:-3\r\n*3\r\n+write\r\n+denyoom\r\n+fast\r\n:1\r\n:1\r\n:1\r\n") !=
      std::string::npos);
  CHECK(info.find("$5\r\nlmpop\r\n:-4\r\n*2\r\n+write\r\n+movablekeys\r\n:0\r\n:0\r\n:0\r\n") !=
        std::string::npos);
  std::string docs = h("COMMAND DOCS lmove");
  CHECK(docs.find("$5\r\nsince\r\n$5\r\n6.2.0") != std::string::npos);
  CHECK(docs.find("$5\r\noneof") != std::string::npos);
  CHECK(docs.find("$4\r\nLEFT") != std::string::npos);
  // "element [element ...]" is one repeatable argument, as Redis documents it.
  docs = h("COMMAND DOCS lpush");
  size_t first = docs.find("$7\r\nelement\r\n");
  REQUIRE(first != std::string::npos);
  CHECK(docs.find("$7\r\nelement\r\n", first + 1) == std::string::npos);
  CHECK(docs.find("$5\r\nflags\r\n*1\r\n+multiple\r\n", first) != std::string::npos);
}

TEST_CASE("list commands agree with a std::deque model under random operations", "[lists]") {
  Harness h;
  CHECK(h("CONFIG SET list-max-listpack-size 3") == Ok());
  std::mt19937_64 rng(12345);
  std::deque<std::string> model;
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  auto value = [&] { return std::string(1, static_cast<char>('a' + pick(4))); };
  auto index = [&] {
    return pick(static_cast<int>(model.size()) * 2 + 3) - static_cast<int>(model.size()) - 1;
  };
  auto norm = [&](int i) { return i < 0 ? i + static_cast<int>(model.size()) : i; };
  for (int step = 0; step < 3000; ++step) {
    std::string v = value();
    switch (pick(8)) {
      case 0:
        CHECK(h("LPUSH l " + v) == Int(static_cast<int64_t>(model.size() + 1)));
        model.push_front(v);
        break;
      case 1:
        CHECK(h("RPUSH l " + v) == Int(static_cast<int64_t>(model.size() + 1)));
        model.push_back(v);
        break;
      case 2: {
        int i = index(), n = norm(i);
        bool ok = n >= 0 && n < static_cast<int>(model.size());
        if (model.empty()) {
          CHECK(h("LSET l " + std::to_string(i) + " " + v) == Err("ERR no such key"));
        } else if (!ok) {
          CHECK(h("LSET l " + std::to_string(i) + " " + v) == Err("ERR index out of range"));
        } else {
          CHECK(h("LSET l " + std::to_string(i) + " " + v) == Ok());
          model[static_cast<size_t>(n)] = v;
        }
        break;
      }
      case 3: {
        std::string pivot = value();
        bool before = pick(2) == 0;
        auto it = std::find(model.begin(), model.end(), pivot);
        int64_t expect = model.empty()       ? 0
                         : it == model.end() ? -1
                                             : static_cast<int64_t>(model.size() + 1);
        CHECK(h("LINSERT l " + std::string(before ? "BEFORE " : "AFTER ") + pivot + " " + v) ==
              Int(expect));
        if (it != model.end()) model.insert(before ? it : it + 1, v);
        break;
      }
      case 4: {
        int count = pick(5) - 2;
        int64_t removed = 0;
        if (count >= 0) {
          for (auto it = model.begin(); it != model.end() && (count == 0 || removed < count);) {
            if (*it == v) {
              it = model.erase(it);
              ++removed;
            } else {
              ++it;
            }
          }
        } else {
          for (size_t i = model.size(); i-- > 0 && removed < -count;) {
            if (model[i] == v) {
              model.erase(model.begin() + static_cast<long>(i));
              ++removed;
            }
          }
        }
        CHECK(h("LREM l " + std::to_string(count) + " " + v) == Int(removed));
        break;
      }
      case 5: {
        if (pick(10) != 0) break;  // trims shrink the list fast
        int a = index(), b = index() + static_cast<int>(model.size()) / 2;
        CHECK(h("LTRIM l " + std::to_string(a) + " " + std::to_string(b)) == Ok());
        int s = std::max(norm(a), 0), e = std::min(norm(b), static_cast<int>(model.size()) - 1);
        if (s > e) {
          model.clear();
        } else {
          model = std::deque<std::string>(model.begin() + s, model.begin() + e + 1);
        }
        break;
      }
      case 6: {
        int n = pick(3);
        bool existed = !model.empty();
        std::vector<std::string> out;
        for (int i = 0; i < n && !model.empty(); ++i) {
          out.push_back(model.back());
          model.pop_back();
        }
        CHECK(h("RPOP l " + std::to_string(n)) == (existed ? Bulks(out) : kNullArray));
        break;
      }
      case 7: {
        int rank = pick(5) - 2;
        if (rank == 0) rank = 1;
        std::vector<int64_t> hits;
        for (size_t i = 0; i < model.size(); ++i)
          if (model[i] == v) hits.push_back(static_cast<int64_t>(i));
        if (rank < 0) std::reverse(hits.begin(), hits.end());
        size_t skip = static_cast<size_t>(std::abs(rank) - 1);
        std::string expect =
            "*" + std::to_string(hits.size() > skip ? hits.size() - skip : 0) + "\r\n";
        for (size_t i = skip; i < hits.size(); ++i) expect += Int(hits[i]);
        CHECK(h("LPOS l " + v + " RANK " + std::to_string(rank) + " COUNT 0") == expect);
        break;
      }
    }
    std::string all = h("LRANGE l 0 -1");
    REQUIRE(all == Bulks(std::vector<std::string>(model.begin(), model.end())));
    CHECK(h("EXISTS l") == Int(model.empty() ? 0 : 1));
    if (!model.empty()) h.state->keyspace.db(0).find_quiet("l")->value.as_list().check_invariants();
  }
}
