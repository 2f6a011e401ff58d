// Sorted-set range and multi-key commands in process: ZRANGE in all its spellings, ZRANGESTORE,
// ZCOUNT, ZLEXCOUNT, ZREMRANGEBY*, ZUNION/ZINTER/ZDIFF with their STORE forms, and ZINTERCARD.
// Every expected reply below was first taken from redis-server 7.0.15, in RESP2 and RESP3.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "harness.h"

using namespace cardinal::test;

namespace {

const std::string kWrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
const std::string kSyntax = "ERR syntax error";
const std::string kNotInt = "ERR value is not an integer or out of range";
const std::string kNotFloat = "ERR min or max is not a float";
const std::string kBadLex = "ERR min or max not valid string range item";
const std::string kLimitByRank =
    "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
const std::string kWithScoresByLex =
    "ERR syntax error, WITHSCORES not supported in combination with BYLEX";
const std::string kWeight = "ERR weight value is not a float";

using Pairs = std::vector<std::pair<std::string, std::string>>;

// Members only: an array of bulks (both protocols).
std::string Members(const std::vector<std::string>& items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (const std::string& s : items) out += Bulk(s);
  return out;
}
// WITHSCORES under RESP2: one flat array, scores as bulk strings.
std::string Scores2(const Pairs& items) {
  std::string out = "*" + std::to_string(items.size() * 2) + "\r\n";
  for (const auto& [m, s] : items) out += Bulk(m) + Bulk(s);
  return out;
}
// WITHSCORES under RESP3: an array of [member, double] pairs.
std::string Scores3(const Pairs& items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (const auto& [m, s] : items) out += "*2\r\n" + Bulk(m) + "," + s + "\r\n";
  return out;
}

// z: a 1, b 2, c 3, d 4, e 5 (listpack); lex: a..e all scoring 0.
void seed(Harness& h) {
  REQUIRE(h("ZADD z 1 a 2 b 3 c 4 d 5 e") == Int(5));
  REQUIRE(h("ZADD lex 0 a 0 b 0 c 0 d 0 e") == Int(5));
}

// Runs the cases once with z as a listpack and once as a skiplist, so both engine encodings
// answer every range query.
template <typename Fn>
void for_both_encodings(Fn&& fn) {
  for (int limit : {128, 0}) {
    Harness h;
    DYNAMIC_SECTION("zset-max-listpack-entries " << limit) {
      REQUIRE(h("CONFIG SET zset-max-listpack-entries " + std::to_string(limit)) == Ok());
      seed(h);
      REQUIRE(h("OBJECT ENCODING z") == Bulk(limit ? "listpack" : "skiplist"));
      fn(h);
    }
  }
}

}  // namespace

TEST_CASE("ZRANGE by rank: negative indices, clamping, REV and WITHSCORES", "[zset_ranges]") {
  for_both_encodings([](Harness& h) {
    CHECK(h("ZRANGE z 0 -1") == Members({"a", "b", "c", "d", "e"}));
    CHECK(h("ZRANGE z 1 2") == Members({"b", "c"}));
    CHECK(h("ZRANGE z -2 -1") == Members({"d", "e"}));
    CHECK(h("ZRANGE z -100 1") == Members({"a", "b"}));
    CHECK(h("ZRANGE z 3 100") == Members({"d", "e"}));
    CHECK(h("ZRANGE z 3 1") == Members({}));
    CHECK(h("ZRANGE z 5 10") == Members({}));
    CHECK(h("ZRANGE z -1 -2") == Members({}));
    CHECK(h("ZRANGE z 0 0 REV") == Members({"e"}));
    CHECK(h("ZRANGE z 1 -2 rev") == Members({"d", "c", "b"}));
    CHECK(h("ZREVRANGE z 0 1") == Members({"e", "d"}));
    CHECK(h("ZREVRANGE z -1 -1") == Members({"a"}));
    CHECK(h("ZRANGE z 0 1 WITHSCORES") == Scores2({{"a", "1"}, {"b", "2"}}));
    CHECK(h("ZREVRANGE z 0 1 withscores WITHSCORES") == Scores2({{"e", "5"}, {"d", "4"}}));
    // LIMIT is accepted by rank only as "LIMIT <any> -1", which is what no LIMIT looks like.
    CHECK(h("ZRANGE z 0 -1 LIMIT 5 -1") == Members({"a", "b", "c", "d", "e"}));
    CHECK(h("ZREVRANGE z 0 0 LIMIT 0 -1") == Members({"e"}));
    CHECK(h("ZRANGE z 0 -1 LIMIT 0 -2") == Err(kLimitByRank));
    CHECK(h("ZREVRANGE z 0 -1 LIMIT 0 1") == Err(kLimitByRank));
    h("HELLO 3");
    CHECK(h("ZRANGE z 0 1 WITHSCORES") == Scores3({{"a", "1"}, {"b", "2"}}));
    CHECK(h("ZREVRANGE z 0 0 WITHSCORES") == Scores3({{"e", "5"}}));
    CHECK(h("ZRANGE z 0 1") == Members({"a", "b"}));
  });
}

TEST_CASE("ZRANGE BYSCORE: bounds, exclusivity, infinities, REV and LIMIT", "[zset_ranges]") {
  for_both_encodings([](Harness& h) {
    CHECK(h("ZRANGE z 2 4 BYSCORE") == Members({"b", "c", "d"}));
    CHECK(h("ZRANGE z (2 4 BYSCORE") == Members({"c", "d"}));
    CHECK(h("ZRANGE z (2 (4 BYSCORE") == Members({"c"}));
    CHECK(h("ZRANGE z (2 (3 BYSCORE") == Members({}));
    CHECK(h("ZRANGE z -inf +inf BYSCORE") == Members({"a", "b", "c", "d", "e"}));
    CHECK(h("ZRANGE z -inf 2.5 byscore") == Members({"a", "b"}));
    CHECK(h("ZRANGE z 4.5 inf BYSCORE") == Members({"e"}));
    CHECK(h("ZRANGE z 4 2 BYSCORE") == Members({}));  // min above max
    CHECK(h("ZRANGE z (3 3 BYSCORE") == Members({}));
    CHECK(h("ZRANGE z 3 3 BYSCORE") == Members({"c"}));
    // REV names the maximum first.
    CHECK(h("ZRANGE z 4 2 BYSCORE REV") == Members({"d", "c", "b"}));
    CHECK(h("ZRANGE z 2 4 BYSCORE REV") == Members({}));
    CHECK(h("ZRANGE z (4 -inf REV BYSCORE") == Members({"c", "b", "a"}));
    CHECK(h("ZRANGEBYSCORE z 2 4") == Members({"b", "c", "d"}));
    CHECK(h("ZREVRANGEBYSCORE z +inf (3") == Members({"e", "d"}));
    CHECK(h("ZRANGEBYSCORE z (1 3 WITHSCORES") == Scores2({{"b", "2"}, {"c", "3"}}));
    // LIMIT offset count: a negative count means all the rest, a negative offset nothing.
    CHECK(h("ZRANGE z -inf +inf BYSCORE LIMIT 1 2") == Members({"b", "c"}));
    CHECK(h("ZRANGE z -inf +inf BYSCORE LIMIT 3 -1") == Members({"d", "e"}));
    CHECK(h("ZRANGE z -inf +inf BYSCORE LIMIT 3 -5") == Members({"d", "e"}));
    CHECK(h("ZRANGE z -inf +inf BYSCORE LIMIT -1 2") == Members({}));
    CHECK(h("ZRANGE z -inf +inf BYSCORE LIMIT 5 2") == Members({}));
    CHECK(h("ZRANGE z -inf +inf BYSCORE LIMIT 0 0") == Members({}));
    CHECK(h("ZRANGE z +inf -inf BYSCORE REV LIMIT 1 2") == Members({"d", "c"}));
    CHECK(h("ZRANGEBYSCORE z 0 10 LIMIT 0 1 LIMIT 2 2") == Members({"c", "d"}));  // last wins
    CHECK(h("ZREVRANGEBYSCORE z 10 0 WITHSCORES LIMIT 4 10") == Scores2({{"a", "1"}}));
    h("HELLO 3");
    CHECK(h("ZRANGEBYSCORE z 1 2 WITHSCORES") == Scores3({{"a", "1"}, {"b", "2"}}));
    CHECK(h("ZREVRANGEBYSCORE z 2 1 WITHSCORES") == Scores3({{"b", "2"}, {"a", "1"}}));
    CHECK(h("ZRANGE z 5 5 BYSCORE WITHSCORES") == Scores3({{"e", "5"}}));
  });
}

TEST_CASE("ZRANGE BYLEX: bounds, binary members, REV and LIMIT", "[zset_ranges]") {
  for_both_encodings([](Harness& h) {
    CHECK(h("ZRANGE lex - + BYLEX") == Members({"a", "b", "c", "d", "e"}));
    CHECK(h("ZRANGE lex [b (d BYLEX") == Members({"b", "c"}));
    CHECK(h("ZRANGE lex (b [d BYLEX") == Members({"c", "d"}));
    CHECK(h("ZRANGE lex [d [b BYLEX") == Members({}));
    CHECK(h("ZRANGE lex + - BYLEX") == Members({}));
    CHECK(h("ZRANGE lex [d - BYLEX REV") == Members({"d", "c", "b", "a"}));
    CHECK(h("ZRANGE lex + (c BYLEX REV LIMIT 1 5") == Members({"d"}));
    CHECK(h("ZRANGEBYLEX lex - [c LIMIT 1 -1") == Members({"b", "c"}));
    CHECK(h("ZREVRANGEBYLEX lex + - LIMIT 0 2") == Members({"e", "d"}));
    CHECK(h("ZRANGEBYLEX lex [bb (d") == Members({"c"}));
    CHECK(h("ZRANGEBYLEX lex [ +") ==
          Members({"a", "b", "c", "d", "e"}));  // "[" is the empty string
    CHECK(h("ZRANGEBYLEX lex ( +") == Members({"a", "b", "c", "d", "e"}));
  });
  Harness h;
  REQUIRE(h.run({"ZADD", "bin", "0", std::string("\x00", 1), "0", std::string("a\x00", 2), "0", "a",
                 "0", "\xff", "0", "\x7f"}) == Int(5));
  CHECK(h.run({"ZRANGE", "bin", "-", "+", "BYLEX"}) ==
        Members({std::string("\x00", 1), "a", std::string("a\x00", 2), "\x7f", "\xff"}));
  CHECK(h.run({"ZRANGEBYLEX", "bin", std::string("(a", 2), std::string("[\x7f", 2)}) ==
        Members({std::string("a\x00", 2), "\x7f"}));
  CHECK(h.run({"ZLEXCOUNT", "bin", std::string("[\x00", 2), "(\xff"}) == Int(4));
  CHECK(h.run({"ZREMRANGEBYLEX", "bin", "(\x7f", "+"}) == Int(1));
  CHECK(h.run({"ZRANGE", "bin", "-1", "-1"}) == Members({"\x7f"}));
}

TEST_CASE("ZRANGE option errors and their order", "[zset_ranges]") {
  Harness h;
  seed(h);
  REQUIRE(h("SET str v") == Ok());
  CHECK(h("ZRANGE z 0 -1 LIMIT 0 1") == Err(kLimitByRank));
  CHECK(h("ZRANGE lex - + BYLEX WITHSCORES") == Err(kWithScoresByLex));
  CHECK(h("ZRANGEBYLEX lex - + WITHSCORES") == Err(kWithScoresByLex));
  // A conflict is reported before the range arguments are read.
  CHECK(h("ZRANGE z x y LIMIT 0 1") == Err(kLimitByRank));
  CHECK(h("ZRANGE z 0 -1 BYSCORE BYLEX") == Err(kSyntax));
  CHECK(h("ZRANGE z 0 -1 BYSCORE BYSCORE") == Err(kSyntax));
  CHECK(h("ZRANGE z 0 -1 REV REV") == Err(kSyntax));
  CHECK(h("ZRANGE z 0 -1 LIMIT 0") == Err(kSyntax));
  CHECK(h("ZRANGE z 0 -1 FOO") == Err(kSyntax));
  CHECK(h("ZRANGE z 0 -1 BYSCORE LIMIT x 1") == Err(kNotInt));
  CHECK(h("ZRANGE z 0 -1 BYSCORE LIMIT 1 1.5") == Err(kNotInt));
  CHECK(h("ZRANGE z 0 -1 LIMIT x 1") == Err(kNotInt));  // LIMIT is parsed as it is met
  CHECK(h("ZRANGE z x 1") == Err(kNotInt));
  CHECK(h("ZRANGE z 0 1.0") == Err(kNotInt));
  CHECK(h("ZRANGE z x 1 BYSCORE") == Err(kNotFloat));
  CHECK(h("ZRANGE z nan 1 BYSCORE") == Err(kNotFloat));
  CHECK(h("ZRANGE z (nan 1 BYSCORE") == Err(kNotFloat));
  CHECK(h("ZRANGE z a b BYLEX") == Err(kBadLex));
  CHECK(h("ZRANGEBYLEX lex [a c") == Err(kBadLex));
  // Spellings with a fixed kind or direction refuse the options that would change it.
  CHECK(h("ZRANGEBYSCORE z 0 1 BYSCORE") == Err(kSyntax));
  CHECK(h("ZRANGEBYSCORE z 0 1 REV") == Err(kSyntax));
  CHECK(h("ZREVRANGE z 0 1 REV") == Err(kSyntax));
  CHECK(h("ZREVRANGE z 0 1 BYLEX") == Err(kSyntax));
  CHECK(h("ZRANGEBYLEX lex - + BYSCORE") == Err(kSyntax));
  CHECK(h("ZREVRANGEBYLEX lex + - REV") == Err(kSyntax));
  // Argument errors come before the key's type; a missing key is an empty range.
  CHECK(h("ZRANGE str x 1") == Err(kNotInt));
  CHECK(h("ZRANGE str 0 1 BYSCORE LIMIT 0 1 WITHSCORES") == Err(kWrongType));
  CHECK(h("ZRANGEBYLEX str - +") == Err(kWrongType));
  CHECK(h("ZRANGE missing 0 -1 WITHSCORES") == Members({}));
  CHECK(h("ZRANGEBYSCORE missing -inf +inf") == Members({}));
  CHECK(h("ZRANGE z 0") == Err("ERR wrong number of arguments for 'zrange' command"));
}

TEST_CASE("ZRANGESTORE: stores ranges, deletes on empty, overwrites any type", "[zset_ranges]") {
  Harness h;
  seed(h);
  REQUIRE(h("SET str v") == Ok());
  CHECK(h("ZRANGESTORE dst z 1 2") == Int(2));
  CHECK(h("ZRANGE dst 0 -1 WITHSCORES") == Scores2({{"b", "2"}, {"c", "3"}}));
  CHECK(h("ZRANGESTORE dst z (1 +inf BYSCORE LIMIT 1 2") == Int(2));
  CHECK(h("ZRANGE dst 0 -1 WITHSCORES") == Scores2({{"c", "3"}, {"d", "4"}}));
  CHECK(h("ZRANGESTORE dst z 5 1 BYSCORE REV LIMIT 0 1") == Int(1));
  CHECK(h("ZRANGE dst 0 -1") == Members({"e"}));
  CHECK(h("ZRANGESTORE dst lex [b [c BYLEX") == Int(2));
  CHECK(h("ZRANGE dst 0 -1") == Members({"b", "c"}));
  // An empty result deletes the destination, also when the source is missing.
  CHECK(h("ZRANGESTORE dst z 10 20") == Int(0));
  CHECK(h("EXISTS dst") == Int(0));
  CHECK(h("ZADD dst 1 x") == Int(1));
  CHECK(h("ZRANGESTORE dst missing 0 -1") == Int(0));
  CHECK(h("EXISTS dst") == Int(0));
  // The destination may hold any type, and may be the source.
  CHECK(h("ZRANGESTORE str z 0 0") == Int(1));
  CHECK(h("TYPE str") == Simple("zset"));
  CHECK(h("ZRANGESTORE z z 1 -2 REV") == Int(3));
  CHECK(h("ZRANGE z 0 -1 WITHSCORES") == Scores2({{"b", "2"}, {"c", "3"}, {"d", "4"}}));
  // Errors: WITHSCORES is not an option here; a source of another type is.
  CHECK(h("ZRANGESTORE dst z 0 -1 WITHSCORES") == Err(kSyntax));
  CHECK(h("ZRANGESTORE dst z 0 -1 LIMIT 0 1") == Err(kLimitByRank));
  CHECK(h("SET s2 v") == Ok());
  CHECK(h("ZRANGESTORE dst s2 0 -1") == Err(kWrongType));
  CHECK(h("ZRANGESTORE dst z 0") == Err("ERR wrong number of arguments for 'zrangestore' command"));
}

TEST_CASE("ZRANGESTORE and Z*STORE pick the destination's encoding from the result",
          "[zset_ranges]") {
  Harness h;
  REQUIRE(h("CONFIG SET zset-max-listpack-entries 2") == Ok());
  REQUIRE(h("ZADD big 1 a 2 b 3 c 4 d 5 e") == Int(5));
  REQUIRE(h("OBJECT ENCODING big") == Bulk("skiplist"));
  CHECK(h("ZRANGESTORE d big 0 1") == Int(2));
  CHECK(h("OBJECT ENCODING d") == Bulk("listpack"));
  CHECK(h("ZRANGESTORE d big 0 2") == Int(3));
  CHECK(h("OBJECT ENCODING d") == Bulk("skiplist"));
  CHECK(h("ZRANGESTORE d big 0 1 BYSCORE") == Int(1));
  CHECK(h("OBJECT ENCODING d") == Bulk("listpack"));
  CHECK(h("ZUNIONSTORE u 1 big") == Int(5));
  CHECK(h("OBJECT ENCODING u") == Bulk("skiplist"));
  CHECK(h("ZINTERSTORE i 2 big d") == Int(1));
  CHECK(h("OBJECT ENCODING i") == Bulk("listpack"));
  REQUIRE(h("CONFIG SET zset-max-listpack-entries 128") == Ok());
  REQUIRE(h("CONFIG SET zset-max-listpack-value 3") == Ok());
  REQUIRE(h("ZADD long 1 abcd 2 ab") == Int(2));
  CHECK(h("ZRANGESTORE d long 0 0") == Int(1));
  CHECK(h("OBJECT ENCODING d") == Bulk("skiplist"));
  CHECK(h("ZDIFFSTORE d 1 long") == Int(2));
  CHECK(h("OBJECT ENCODING d") == Bulk("skiplist"));
  CHECK(h("ZRANGESTORE d long 1 1") == Int(1));
  CHECK(h("OBJECT ENCODING d") == Bulk("listpack"));
}

TEST_CASE("ZCOUNT and ZLEXCOUNT", "[zset_ranges]") {
  for_both_encodings([](Harness& h) {
    CHECK(h("ZCOUNT z -inf +inf") == Int(5));
    CHECK(h("ZCOUNT z (1 3") == Int(2));
    CHECK(h("ZCOUNT z (1 (2") == Int(0));
    CHECK(h("ZCOUNT z 3 1") == Int(0));
    CHECK(h("ZCOUNT z 1e0 5.0") == Int(5));
    CHECK(h("ZLEXCOUNT lex - +") == Int(5));
    CHECK(h("ZLEXCOUNT lex (a [c") == Int(2));
    CHECK(h("ZLEXCOUNT lex [c [a") == Int(0));
  });
  Harness h;
  seed(h);
  REQUIRE(h("SET str v") == Ok());
  CHECK(h("ZCOUNT missing 0 1") == Int(0));
  CHECK(h("ZLEXCOUNT missing - +") == Int(0));
  CHECK(h("ZCOUNT z x 1") == Err(kNotFloat));
  CHECK(h("ZCOUNT str x 1") == Err(kNotFloat));
  CHECK(h("ZCOUNT str 0 1") == Err(kWrongType));
  CHECK(h("ZLEXCOUNT lex a b") == Err(kBadLex));
  CHECK(h("ZLEXCOUNT str - +") == Err(kWrongType));
}

TEST_CASE("ZREMRANGEBYRANK, ZREMRANGEBYSCORE and ZREMRANGEBYLEX", "[zset_ranges]") {
  for_both_encodings([](Harness& h) {
    CHECK(h("ZREMRANGEBYRANK z 10 20") == Int(0));
    CHECK(h("ZREMRANGEBYRANK z 2 1") == Int(0));
    CHECK(h("ZREMRANGEBYRANK z -2 -1") == Int(2));
    CHECK(h("ZRANGE z 0 -1") == Members({"a", "b", "c"}));
    CHECK(h("ZREMRANGEBYSCORE z (1 2") == Int(1));
    CHECK(h("ZREMRANGEBYSCORE z 5 1") == Int(0));
    CHECK(h("ZRANGE z 0 -1") == Members({"a", "c"}));
    CHECK(h("ZREMRANGEBYRANK z -100 100") == Int(2));
    CHECK(h("EXISTS z") == Int(0));  // emptied, so deleted
    CHECK(h("ZREMRANGEBYLEX lex (a [c") == Int(2));
    CHECK(h("ZRANGE lex 0 -1") == Members({"a", "d", "e"}));
    CHECK(h("ZREMRANGEBYLEX lex - +") == Int(3));
    CHECK(h("EXISTS lex") == Int(0));
  });
  Harness h;
  seed(h);
  REQUIRE(h("SET str v") == Ok());
  CHECK(h("ZREMRANGEBYSCORE z -inf +inf") == Int(5));
  CHECK(h("EXISTS z") == Int(0));
  CHECK(h("ZREMRANGEBYRANK missing 0 -1") == Int(0));
  CHECK(h("ZREMRANGEBYSCORE missing 0 1") == Int(0));
  CHECK(h("ZREMRANGEBYLEX missing - +") == Int(0));
  CHECK(h("ZREMRANGEBYRANK str x 1") == Err(kNotInt));
  CHECK(h("ZREMRANGEBYRANK str 0 1") == Err(kWrongType));
  CHECK(h("ZREMRANGEBYSCORE str (x 1") == Err(kNotFloat));
  CHECK(h("ZREMRANGEBYSCORE str 0 1") == Err(kWrongType));
  CHECK(h("ZREMRANGEBYLEX lex x +") == Err(kBadLex));
  CHECK(h("ZREMRANGEBYLEX str - +") == Err(kWrongType));
}

TEST_CASE("ZUNION, ZINTER and ZDIFF: weights, aggregates, plain sets", "[zset_ranges]") {
  Harness h;
  REQUIRE(h("ZADD z 1 a 2 b 3 c 4 d") == Int(4));
  REQUIRE(h("SADD s a x 5") == Int(3));
  REQUIRE(h("SADD is 1 2 3") == Int(3));
  CHECK(h("ZUNION 3 z s is WITHSCORES") == Scores2({{"1", "1"},
                                                    {"2", "1"},
                                                    {"3", "1"},
                                                    {"5", "1"},
                                                    {"x", "1"},
                                                    {"a", "2"},
                                                    {"b", "2"},
                                                    {"c", "3"},
                                                    {"d", "4"}}));
  CHECK(h("ZINTER 2 z s WITHSCORES") == Scores2({{"a", "2"}}));
  CHECK(h("ZDIFF 2 z s WITHSCORES") == Scores2({{"b", "2"}, {"c", "3"}, {"d", "4"}}));
  CHECK(h("ZDIFF 2 s z WITHSCORES") == Scores2({{"5", "1"}, {"x", "1"}}));
  CHECK(h("ZDIFF 1 z") == Members({"a", "b", "c", "d"}));
  CHECK(h("ZUNION 2 z s WEIGHTS 2 3 WITHSCORES") ==
        Scores2({{"5", "3"}, {"x", "3"}, {"b", "4"}, {"a", "5"}, {"c", "6"}, {"d", "8"}}));
  CHECK(h("ZUNION 2 z s weights 2 3 aggregate min WITHSCORES") ==
        Scores2({{"a", "2"}, {"5", "3"}, {"x", "3"}, {"b", "4"}, {"c", "6"}, {"d", "8"}}));
  CHECK(h("ZUNION 2 z s WEIGHTS 2 3 AGGREGATE MAX WITHSCORES") ==
        Scores2({{"5", "3"}, {"a", "3"}, {"x", "3"}, {"b", "4"}, {"c", "6"}, {"d", "8"}}));
  // Options may repeat; the last one wins. WITHSCORES may repeat too.
  CHECK(h("ZINTER 1 z AGGREGATE MAX AGGREGATE MIN WEIGHTS 2 WEIGHTS 3 WITHSCORES WITHSCORES") ==
        Scores2({{"a", "3"}, {"b", "6"}, {"c", "9"}, {"d", "12"}}));
  CHECK(h("ZUNION 1 z WEIGHTS 0x10 WITHSCORES") ==
        Scores2({{"a", "16"}, {"b", "32"}, {"c", "48"}, {"d", "64"}}));
  CHECK(h("ZUNION 1 z WEIGHTS 0.1") == Members({"a", "b", "c", "d"}));
  CHECK(h("ZUNION 1 z WEIGHTS -1") == Members({"d", "c", "b", "a"}));
  // A missing key is an empty set.
  CHECK(h("ZUNION 2 missing s") == Members({"5", "a", "x"}));
  CHECK(h("ZINTER 2 missing s") == Members({}));
  CHECK(h("ZDIFF 2 missing s") == Members({}));
  CHECK(h("ZDIFF 2 z missing") == Members({"a", "b", "c", "d"}));
  h("HELLO 3");
  CHECK(h("ZUNION 1 z WEIGHTS 0.5 WITHSCORES") ==
        Scores3({{"a", "0.5"}, {"b", "1"}, {"c", "1.5"}, {"d", "2"}}));
  CHECK(h("ZINTER 2 z s WITHSCORES") == Scores3({{"a", "2"}}));
  CHECK(h("ZDIFF 2 s z WITHSCORES") == Scores3({{"5", "1"}, {"x", "1"}}));
  CHECK(h("ZINTER 2 z s") == Members({"a"}));
}

TEST_CASE("ZUNION/ZINTER arithmetic: inf, NaN to 0, -0, and Redis's order of addition",
          "[zset_ranges]") {
  Harness h;
  REQUIRE(h("ZADD inf 1 a inf b -inf c") == Int(3));
  REQUIRE(h("ZADD ninf 1 a -inf b inf c") == Int(3));
  CHECK(h("ZUNION 2 inf ninf WITHSCORES") == Scores2({{"b", "0"}, {"c", "0"}, {"a", "2"}}));
  CHECK(h("ZINTER 2 inf ninf WITHSCORES") == Scores2({{"b", "0"}, {"c", "0"}, {"a", "2"}}));
  CHECK(h("ZUNION 1 inf WEIGHTS 0 WITHSCORES") == Scores2({{"a", "0"}, {"b", "0"}, {"c", "0"}}));
  CHECK(h("ZUNION 2 inf ninf AGGREGATE MIN WITHSCORES") ==
        Scores2({{"b", "-inf"}, {"c", "-inf"}, {"a", "1"}}));
  CHECK(h("ZUNION 2 inf ninf AGGREGATE MAX WITHSCORES") ==
        Scores2({{"a", "1"}, {"b", "inf"}, {"c", "inf"}}));
  CHECK(h("ZUNIONSTORE dst 1 inf WEIGHTS inf") == Int(3));
  CHECK(h("ZRANGE dst 0 -1 WITHSCORES") == Scores2({{"c", "-inf"}, {"a", "inf"}, {"b", "inf"}}));
  // In an intersection a NaN from a later input is ignored by MIN and MAX and zeroes SUM, while
  // the first input's weighted NaN is zeroed before aggregation (the smallest input is first).
  REQUIRE(h("ZADD five 5 m") == Int(1));
  REQUIRE(h("ZADD minus5 -5 m") == Int(1));
  REQUIRE(h("ZADD infm inf m") == Int(1));
  CHECK(h("ZINTER 2 five infm WEIGHTS 1 0 AGGREGATE MIN WITHSCORES") == Scores2({{"m", "5"}}));
  CHECK(h("ZINTER 2 five infm WEIGHTS 1 0 AGGREGATE MAX WITHSCORES") == Scores2({{"m", "5"}}));
  CHECK(h("ZINTER 2 five infm WEIGHTS 1 0 WITHSCORES") == Scores2({{"m", "0"}}));
  CHECK(h("ZINTER 2 infm five WEIGHTS 0 1 AGGREGATE MIN WITHSCORES") == Scores2({{"m", "0"}}));
  CHECK(h("ZINTER 2 minus5 infm WEIGHTS 1 0 AGGREGATE MAX WITHSCORES") == Scores2({{"m", "-5"}}));
  CHECK(h("ZUNION 2 five infm WEIGHTS 1 0 AGGREGATE MIN WITHSCORES") == Scores2({{"m", "0"}}));
  CHECK(h("ZUNION 2 minus5 infm WEIGHTS 1 0 AGGREGATE MAX WITHSCORES") == Scores2({{"m", "0"}}));
  // -0 survives a read-only reply.
  REQUIRE(h("ZADD zero 0 a") == Int(1));
  CHECK(h("ZUNION 1 zero WEIGHTS -1 WITHSCORES") == Scores2({{"a", "-0"}}));
  // Inputs are added smallest first, equal sizes in argument order: float sums show it.
  REQUIRE(h("ZADD z1 0.1 a 5 p 6 q") == Int(3));
  REQUIRE(h("ZADD z2 0.2 a") == Int(1));
  REQUIRE(h("ZADD z3 0.3 a 7 r") == Int(2));
  CHECK(h("ZINTER 3 z1 z2 z3 WITHSCORES") == Scores2({{"a", "0.59999999999999998"}}));
  CHECK(h("ZUNION 3 z3 z1 z2 WITHSCORES") ==
        Scores2({{"a", "0.59999999999999998"}, {"p", "5"}, {"q", "6"}, {"r", "7"}}));
  REQUIRE(h("ZADD y1 0.1 a") == Int(1));
  REQUIRE(h("ZADD y2 0.2 a") == Int(1));
  REQUIRE(h("ZADD y3 0.3 a") == Int(1));
  CHECK(h("ZUNION 3 y1 y2 y3 WITHSCORES") == Scores2({{"a", "0.60000000000000009"}}));
  CHECK(h("ZUNION 3 y3 y2 y1 WITHSCORES") == Scores2({{"a", "0.59999999999999998"}}));
  CHECK(h("ZINTER 3 y1 y2 y3 WITHSCORES") == Scores2({{"a", "0.60000000000000009"}}));
  h("HELLO 3");
  CHECK(h("ZUNION 2 inf ninf AGGREGATE MIN WITHSCORES") ==
        Scores3({{"b", "-inf"}, {"c", "-inf"}, {"a", "1"}}));
}

TEST_CASE("Z*STORE: overwrite any type, delete on empty, destination as a source",
          "[zset_ranges]") {
  Harness h;
  REQUIRE(h("ZADD z 1 a 2 b 3 c") == Int(3));
  REQUIRE(h("ZADD y 10 b 20 c 30 d") == Int(3));
  REQUIRE(h("SET str v") == Ok());
  REQUIRE(h("EXPIRE str 100") == Int(1));
  CHECK(h("ZUNIONSTORE str 2 z y") == Int(4));
  CHECK(h("TYPE str") == Simple("zset"));
  CHECK(h("TTL str") == Int(-1));
  CHECK(h("ZRANGE str 0 -1 WITHSCORES") ==
        Scores2({{"a", "1"}, {"b", "12"}, {"c", "23"}, {"d", "30"}}));
  CHECK(h("ZINTERSTORE z 2 z y AGGREGATE MAX") == Int(2));  // destination is also a source
  CHECK(h("ZRANGE z 0 -1 WITHSCORES") == Scores2({{"b", "10"}, {"c", "20"}}));
  CHECK(h("ZDIFFSTORE y 2 y z") == Int(1));
  CHECK(h("ZRANGE y 0 -1 WITHSCORES") == Scores2({{"d", "30"}}));
  CHECK(h("ZINTERSTORE y 2 y z") == Int(0));
  CHECK(h("EXISTS y") == Int(0));
  CHECK(h("ZUNIONSTORE z 1 missing") == Int(0));
  CHECK(h("EXISTS z") == Int(0));
  REQUIRE(h("SADD s1 a b") == Int(2));
  CHECK(h("ZDIFFSTORE out 1 s1") == Int(2));
  CHECK(h("ZRANGE out 0 -1 WITHSCORES") == Scores2({{"a", "1"}, {"b", "1"}}));
  // -0 becomes 0 once stored (as Redis's listpack stores it).
  REQUIRE(h("ZADD zero 0 a") == Int(1));
  CHECK(h("ZUNIONSTORE zz 1 zero WEIGHTS -1") == Int(1));
  CHECK(h("ZRANGE zz 0 -1 WITHSCORES") == Scores2({{"a", "0"}}));
}

TEST_CASE("ZUNION family errors and their order", "[zset_ranges]") {
  Harness h;
  REQUIRE(h("ZADD z 1 a 2 b") == Int(2));
  REQUIRE(h("SET str v") == Ok());
  for (std::string cmd : {"zunion", "zinter", "zdiff"}) {
    CHECK(h(cmd + " 0 z") == Err("ERR at least 1 input key is needed for '" + cmd + "' command"));
    CHECK(h(cmd + " -1 z") == Err("ERR at least 1 input key is needed for '" + cmd + "' command"));
    CHECK(h(cmd + " x z") == Err(kNotInt));
    CHECK(h(cmd + " 2 z") == Err(kSyntax));
    CHECK(h(cmd + " 1 z FOO") == Err(kSyntax));
    CHECK(h(cmd + " 2 z str") == Err(kWrongType));
    CHECK(h(cmd + " 2 z str FOO") == Err(kWrongType));  // types are checked before options
    std::string store = cmd + "store";
    CHECK(h(store + " d 0 z") ==
          Err("ERR at least 1 input key is needed for '" + store + "' command"));
    CHECK(h(store + " d 3 z z") == Err(kSyntax));
    CHECK(h(store + " d 1 z WITHSCORES") == Err(kSyntax));
    CHECK(h(store + " d 1 str") == Err(kWrongType));
  }
  CHECK(h("ZUNIONSTORE d 1 z WEIGHTS") == Err(kSyntax));
  CHECK(h("ZUNIONSTORE d 1 z WEIGHTS x") == Err(kWeight));
  CHECK(h("ZUNIONSTORE d 1 z WEIGHTS nan") == Err(kWeight));
  CHECK(h("ZUNION 1 z WEIGHTS 1e400") == Err(kWeight));
  CHECK(h("ZUNION 1 z WEIGHTS 1e-400") == Err(kWeight));
  CHECK(h("ZUNION 1 z WEIGHTS 1.5abc") == Err(kWeight));
  CHECK(h.run({"ZUNION", "1", "z", "WEIGHTS", ""}) == Err(kWeight));
  CHECK(h.run({"ZUNION", "1", "z", "WEIGHTS", " 1"}) == Err(kWeight));
  CHECK(h("ZUNIONSTORE d 1 z WEIGHTS 1 2") == Err(kSyntax));
  CHECK(h("ZUNIONSTORE d 2 z z WEIGHTS 1") == Err(kSyntax));
  CHECK(h("ZINTER 1 z AGGREGATE") == Err(kSyntax));
  CHECK(h("ZINTER 1 z AGGREGATE AVG") == Err(kSyntax));
  CHECK(h("ZDIFF 1 z WEIGHTS 1") == Err(kSyntax));
  CHECK(h("ZDIFF 1 z AGGREGATE SUM") == Err(kSyntax));
  CHECK(h("EXISTS d") == Int(0));  // no error wrote anything
  CHECK(h("ZUNIONSTORE d 1") == Err("ERR wrong number of arguments for 'zunionstore' command"));
  CHECK(h("ZUNION 1") == Err("ERR wrong number of arguments for 'zunion' command"));
}

TEST_CASE("ZINTERCARD: LIMIT and errors", "[zset_ranges]") {
  Harness h;
  REQUIRE(h("ZADD z 1 a 2 b 3 c 4 d") == Int(4));
  REQUIRE(h("ZADD y 1 b 1 c 1 d 1 e") == Int(4));
  REQUIRE(h("SADD s a b c x") == Int(4));
  REQUIRE(h("SET str v") == Ok());
  CHECK(h("ZINTERCARD 1 z") == Int(4));
  CHECK(h("ZINTERCARD 2 z y") == Int(3));
  CHECK(h("ZINTERCARD 3 z y s") == Int(2));
  CHECK(h("ZINTERCARD 2 z y LIMIT 0") == Int(3));
  CHECK(h("ZINTERCARD 2 z y LIMIT 2") == Int(2));
  CHECK(h("ZINTERCARD 2 z y LIMIT 1 LIMIT 5") == Int(3));
  CHECK(h("ZINTERCARD 2 z missing") == Int(0));
  CHECK(h("ZINTERCARD 0 z") == Err("ERR at least 1 input key is needed for 'zintercard' command"));
  CHECK(h("ZINTERCARD x z") == Err(kNotInt));
  CHECK(h("ZINTERCARD 2 z") == Err(kSyntax));
  CHECK(h("ZINTERCARD 1 z LIMIT") == Err(kSyntax));
  CHECK(h("ZINTERCARD 1 z LIMIT -1") == Err("ERR LIMIT can't be negative"));
  CHECK(h("ZINTERCARD 1 z LIMIT x") == Err("ERR LIMIT can't be negative"));
  CHECK(h("ZINTERCARD 1 z WEIGHTS 1") == Err(kSyntax));
  CHECK(h("ZINTERCARD 1 z WITHSCORES") == Err(kSyntax));
  CHECK(h("ZINTERCARD 2 missing str") == Err(kWrongType));
}

TEST_CASE("Ranges over a large skiplist agree with a model", "[zset_ranges]") {
  // 300 members with scores i / 3 (ties across members), checked by rank, score and LIMIT.
  Harness h;
  std::vector<std::string> args{"ZADD", "big"};
  for (int i = 0; i < 300; ++i) {
    args.push_back(std::to_string(i / 3));
    args.push_back("m" + std::to_string(1000 + i));
  }
  REQUIRE(h.run(args) == Int(300));
  REQUIRE(h("OBJECT ENCODING big") == Bulk("skiplist"));
  auto member = [](int i) { return "m" + std::to_string(1000 + i); };
  std::vector<std::string> want;
  for (int i = 150; i <= 160; ++i) want.push_back(member(i));
  CHECK(h("ZRANGE big 150 160") == Members(want));
  // Scores 50..53 hold members 150..161; exclusive 50 drops 150..152.
  want.clear();
  for (int i = 153; i <= 161; ++i) want.push_back(member(i));
  CHECK(h("ZRANGEBYSCORE big (50 53") == Members(want));
  CHECK(h("ZCOUNT big (50 53") == Int(9));
  want.clear();
  for (int i = 158; i >= 155; --i) want.push_back(member(i));
  CHECK(h("ZREVRANGEBYSCORE big 53 (50 LIMIT 3 4") == Members(want));
  CHECK(h("ZREMRANGEBYSCORE big 0 (99") == Int(297));
  CHECK(h("ZRANGE big 0 -1 WITHSCORES") ==
        Scores2({{member(297), "99"}, {member(298), "99"}, {member(299), "99"}}));
}

TEST_CASE("Negative zero in STORE results follows the encodings the result passed through",
          "[zset_ranges]") {
  // A listpack keeps -0 as 0. ZRANGESTORE by rank starts from the exact count (a skiplist here),
  // by score or lex from an empty listpack that converts once it passes the limit, so only the
  // entries added after the conversion keep -0. ZUNIONSTORE and friends build a skiplist.
  Harness h;
  REQUIRE(h("CONFIG SET zset-max-listpack-entries 0") == Ok());
  REQUIRE(h("ZADD src -0 a -0 b -0 c 1 d") == Int(4));
  REQUIRE(h("ZRANGE src 0 -1 WITHSCORES") ==
          Scores2({{"a", "-0"}, {"b", "-0"}, {"c", "-0"}, {"d", "1"}}));
  REQUIRE(h("CONFIG SET zset-max-listpack-entries 2") == Ok());
  CHECK(h("ZRANGESTORE r1 src 0 -1") == Int(4));
  CHECK(h("ZRANGE r1 0 -1 WITHSCORES") ==
        Scores2({{"a", "-0"}, {"b", "-0"}, {"c", "-0"}, {"d", "1"}}));
  CHECK(h("ZRANGESTORE r2 src -inf +inf BYSCORE") == Int(4));
  CHECK(h("OBJECT ENCODING r2") == Bulk("skiplist"));
  CHECK(h("ZRANGE r2 0 -1 WITHSCORES") ==
        Scores2({{"a", "0"}, {"b", "0"}, {"c", "-0"}, {"d", "1"}}));
  CHECK(h("ZRANGESTORE r3 src - + BYLEX") == Int(4));
  CHECK(h("ZRANGE r3 0 -1 WITHSCORES") ==
        Scores2({{"a", "0"}, {"b", "0"}, {"c", "-0"}, {"d", "1"}}));
  CHECK(h("ZRANGESTORE r5 src 0 1") == Int(2));
  CHECK(h("OBJECT ENCODING r5") == Bulk("listpack"));
  CHECK(h("ZRANGE r5 0 -1 WITHSCORES") == Scores2({{"a", "0"}, {"b", "0"}}));
  CHECK(h("ZUNIONSTORE u1 1 src") == Int(4));
  CHECK(h("ZRANGE u1 0 -1 WITHSCORES") ==
        Scores2({{"a", "-0"}, {"b", "-0"}, {"c", "-0"}, {"d", "1"}}));
}
