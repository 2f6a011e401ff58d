// Sorted-set commands on one key, in process. Every expected reply below was first taken from
// redis-server 7.0.15 (ZRANK/ZREVRANK WITHSCORE is Redis 7.2's option); random picks are parsed
// and checked for shape, membership and distinctness instead.
#include <catch2/catch.hpp>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "harness.h"

using namespace cardinal::test;

namespace {

const std::string kWrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";

std::string WrongType() {
  return Err(kWrongType);
}
std::string Arity(const std::string& cmd) {
  return Err("ERR wrong number of arguments for '" + cmd + "' command");
}
std::string Arr(size_t n) {
  return "*" + std::to_string(n) + "\r\n";
}
std::string Dbl(const std::string& text) {  // a RESP3 double
  return "," + text + "\r\n";
}
std::string Bulks(std::initializer_list<std::string> items) {
  std::string out = Arr(items.size());
  for (const std::string& s : items) out += Bulk(s);
  return out;
}
std::string Null3() {
  return "_\r\n";
}
std::string NullArray() {
  return "*-1\r\n";
}

// Splits a reply into its lines' leading tokens: enough to walk the simple nested replies of
// ZRANDMEMBER. Returns the bulk payloads in order and counts aggregate headers.
struct Walk {
  std::vector<std::string> bulks;
  std::vector<std::string> headers;  // "*3", ",1.5" ...
};
Walk walk(const std::string& r) {
  Walk w;
  size_t pos = 0;
  while (pos < r.size()) {
    size_t e = r.find("\r\n", pos);
    REQUIRE(e != std::string::npos);
    std::string line = r.substr(pos, e - pos);
    pos = e + 2;
    if (line[0] == '$') {
      size_t n = std::stoul(line.substr(1));
      w.bulks.push_back(r.substr(pos, n));
      pos += n + 2;
    } else {
      w.headers.push_back(line);
    }
  }
  return w;
}

}  // namespace

TEST_CASE("ZADD adds, updates and counts; scores are read as Redis reads them", "[zsets]") {
  Harness h;
  CHECK(h("ZADD z 1 a 2 b 3 c") == Int(3));
  CHECK(h("TYPE z") == Simple("zset"));
  CHECK(h("OBJECT ENCODING z") == Bulk("listpack"));
  CHECK(h("ZCARD z") == Int(3));
  CHECK(h("ZADD z 5 a 1 d") == Int(1));  // a updated, d added: only additions count
  CHECK(h("ZSCORE z a") == Bulk("5"));
  CHECK(h("ZADD z CH 6 a 1 d 7 e") == Int(2));  // CH: a changed, e added, d unchanged
  CHECK(h("ZADD z 1.1 f") == Int(1));
  CHECK(h("ZSCORE z f") == Bulk("1.1000000000000001"));  // "%.17g" as 7.0
  CHECK(h("ZADD z 000012 g 1e3 h 0x10 i inf j -inf k +inf l .5 m") == Int(7));
  CHECK(h("ZMSCORE z g h i j k l m") == Bulks({"12", "1000", "16", "inf", "-inf", "inf", "0.5"}));
  CHECK(h("ZADD z 1e17 n 12345678901234567890 o 1e20 p") == Int(3));
  CHECK(h("ZMSCORE z n o p") == Bulks({"1e+17", "1.2345678901234567e+19", "1e+20"}));
  // Refused scores, with nothing applied.
  for (const char* bad : {"nan", "x", "1e400", "\"\"", "\" 1\"", "\"1 \"", "-nan", "(1"}) {
    INFO(bad);
    CHECK(h(std::string("ZADD z 1 q ") + bad + " r") == Err("ERR value is not a valid float"));
  }
  CHECK(h.run({"ZADD", "z", std::string("1\0", 2), "r"}) == Err("ERR value is not a valid float"));
  CHECK(h("ZSCORE z q") == Nil());
  CHECK(h("ZCARD z") == Int(16));
}

TEST_CASE("ZADD options and their errors", "[zsets]") {
  Harness h;
  CHECK(h("ZADD z NX XX 1 a") == Err("ERR XX and NX options at the same time are not compatible"));
  CHECK(h("ZADD z gt lt nx xx 1 a") ==
        Err("ERR XX and NX options at the same time are not compatible"));
  CHECK(h("ZADD z GT LT 1 a") ==
        Err("ERR GT, LT, and/or NX options at the same time are not compatible"));
  CHECK(h("ZADD z NX GT 1 a") ==
        Err("ERR GT, LT, and/or NX options at the same time are not compatible"));
  CHECK(h("ZADD z NX LT 1 a") ==
        Err("ERR GT, LT, and/or NX options at the same time are not compatible"));
  CHECK(h("ZADD z INCR 1 a 2 b") ==
        Err("ERR INCR option supports a single increment-element pair"));
  CHECK(h("ZADD z 1 a 2") == Err("ERR syntax error"));
  CHECK(h("ZADD z INCR 1 a bad") == Err("ERR syntax error"));
  CHECK(h("ZADD z NX 1") == Err("ERR syntax error"));
  CHECK(h("ZADD z NX XX x a") == Err("ERR XX and NX options at the same time are not compatible"));
  CHECK(h("ZADD z 1 a x b") == Err("ERR value is not a valid float"));
  CHECK(h("EXISTS z") == Int(0));

  // XX on a missing key creates nothing.
  CHECK(h("ZADD z XX 1 a") == Int(0));
  CHECK(h("ZADD z XX INCR 1 a") == Nil());
  CHECK(h("EXISTS z") == Int(0));
  CHECK(h("ZADD z 1 a") == Int(1));
  CHECK(h("ZADD z NX 5 a 2 b") == Int(1));
  CHECK(h("ZSCORE z a") == Bulk("1"));
  CHECK(h("ZADD z XX CH 9 b 3 c") == Int(1));
  CHECK(h("ZSCORE z c") == Nil());
  CHECK(h("ZADD z GT CH 0 a 10 b") == Int(1));
  CHECK(h("ZMSCORE z a b") == Bulks({"1", "10"}));
  CHECK(h("ZADD z LT CH 0 a 11 b 4 c") == Int(2));  // GT/LT still add new members
  CHECK(h("ZMSCORE z a b c") == Bulks({"0", "10", "4"}));
  CHECK(h("ZADD z LT XX 1 a -1 d") == Int(0));

  // INCR replies with the new score, or nil when an option refused it.
  CHECK(h("ZADD z INCR 2.5 a") == Bulk("2.5"));
  CHECK(h("ZADD z INCR 0 a") == Bulk("2.5"));  // unchanged still counts as done
  CHECK(h("ZADD z INCR NX 1 a") == Nil());
  CHECK(h("ZADD z INCR XX 1 nope") == Nil());
  CHECK(h("ZADD z INCR GT -1 a") == Nil());
  CHECK(h("ZADD z INCR GT 0 a") == Nil());
  CHECK(h("ZADD z INCR LT 1 a") == Nil());
  CHECK(h("ZADD z INCR GT 1 a") == Bulk("3.5"));
  CHECK(h("ZADD z CH INCR 1 a") == Bulk("4.5"));
  CHECK(h("ZADD z INCR 1e308 big") == Bulk("1e+308"));
  CHECK(h("ZADD z INCR 1e308 big") == Bulk("inf"));
  CHECK(h("ZADD z INCR -inf big") == Err("ERR resulting score is not a number (NaN)"));
  CHECK(h("ZSCORE z big") == Bulk("inf"));
  CHECK(h("ZINCRBY z -inf big") == Err("ERR resulting score is not a number (NaN)"));
  CHECK(h("ZADD z inf a") == Int(0));
  CHECK(h("ZADD z INCR -inf a") == Err("ERR resulting score is not a number (NaN)"));
  CHECK(h("ZADD z nan a") == Err("ERR value is not a valid float"));
}

TEST_CASE("ZINCRBY", "[zsets]") {
  Harness h;
  CHECK(h("ZINCRBY z 1.5 a") == Bulk("1.5"));
  CHECK(h("ZINCRBY z 1 a") == Bulk("2.5"));
  CHECK(h("ZINCRBY z x a") == Err("ERR value is not a valid float"));
  CHECK(h("ZINCRBY z nan a") == Err("ERR value is not a valid float"));
  CHECK(h("ZINCRBY z 0.1 b") == Bulk("0.10000000000000001"));
  CHECK(h("ZINCRBY z 1") == Arity("zincrby"));
  CHECK(h("ZINCRBY z 1 a b") == Arity("zincrby"));
  h("HELLO 3");
  CHECK(h("ZINCRBY z 1 a") == Dbl("3.5"));
  CHECK(h("ZADD z INCR inf a") == Dbl("inf"));
}

TEST_CASE("negative zero: a listpack stores 0, a skiplist keeps -0", "[zsets]") {
  Harness h;
  CHECK(h("ZADD z -0 m") == Int(1));
  CHECK(h("ZSCORE z m") == Bulk("0"));
  CHECK(h("ZADD z INCR -0 n") == Bulk("-0"));  // the computed sum is replied as is
  CHECK(h("ZINCRBY z -0 n") == Bulk("0"));
  CHECK(h("ZSCAN z 0") == Arr(2) + Bulk("0") + Bulks({"m", "0", "n", "0"}));
  CHECK(h("CONFIG SET zset-max-listpack-entries 0") == Ok());
  CHECK(h("ZADD y -0 m") == Int(1));
  CHECK(h("OBJECT ENCODING y") == Bulk("skiplist"));
  CHECK(h("ZSCORE y m") == Bulk("-0"));
  CHECK(h("ZINCRBY y -0 n") == Bulk("-0"));
  Walk scan = walk(h("ZSCAN y 0"));  // hash order: compare as a set
  CHECK(std::multiset<std::string>(scan.bulks.begin(), scan.bulks.end()) ==
        std::multiset<std::string>{"0", "m", "-0", "n", "-0"});
  h("HELLO 3");
  CHECK(h("ZSCORE y m") == Dbl("-0"));
  CHECK(h("ZSCORE z m") == Dbl("0"));
}

TEST_CASE("ZSCORE, ZMSCORE, ZCARD, ZREM in both protocols", "[zsets]") {
  Harness h;
  CHECK(h("ZSCORE z a") == Nil());
  CHECK(h("ZMSCORE z a b") == Arr(2) + Nil() + Nil());
  CHECK(h("ZCARD z") == Int(0));
  CHECK(h("ZREM z a") == Int(0));
  CHECK(h("ZADD z 1 a 2 b 3 c") == Int(3));
  CHECK(h("ZMSCORE z a x c") == Arr(3) + Bulk("1") + Nil() + Bulk("3"));
  CHECK(h("ZREM z a a x") == Int(1));
  CHECK(h("ZCARD z") == Int(2));
  CHECK(h("ZREM z b c") == Int(2));
  CHECK(h("EXISTS z") == Int(0));  // emptied sets are deleted
  CHECK(h("ZADD z 1.1 a") == Int(1));
  h("HELLO 3");
  CHECK(h("ZSCORE z a") == Dbl("1.1000000000000001"));
  CHECK(h("ZSCORE z x") == Null3());
  CHECK(h("ZMSCORE z a x") == Arr(2) + Dbl("1.1000000000000001") + Null3());
  CHECK(h("ZMSCORE nokey a") == Arr(1) + Null3());
}

TEST_CASE("binary members", "[zsets]") {
  Harness h;
  std::string nul("m\0n", 3), crlf("\r\n");
  CHECK(h.run({"ZADD", "z", "1", nul, "2", crlf, "3", "m", "0", ""}) == Int(4));
  CHECK(h.run({"ZSCORE", "z", nul}) == Bulk("1"));
  CHECK(h.run({"ZSCORE", "z", std::string("m\0x", 3)}) == Nil());
  CHECK(h.run({"ZRANK", "z", nul}) == Int(1));
  CHECK(h.run({"ZRANK", "z", ""}) == Int(0));
  CHECK(h.run({"ZREVRANK", "z", crlf}) == Int(1));
  CHECK(h("ZPOPMIN z 4") == Bulks({"", "0", nul, "1", crlf, "2", "m", "3"}));
}

TEST_CASE("encoding follows zset-max-listpack-entries and -value", "[zsets]") {
  Harness h;
  CHECK(h("CONFIG GET zset-max-listpack-*") ==
        Bulks({"zset-max-listpack-entries", "128", "zset-max-listpack-value", "64"}));
  CHECK(h("CONFIG GET zset-max-ziplist-entries") == Bulks({"zset-max-ziplist-entries", "128"}));
  CHECK(h("CONFIG SET zset-max-listpack-entries 2") == Ok());
  CHECK(h("ZADD z 1 a 2 b") == Int(2));
  CHECK(h("OBJECT ENCODING z") == Bulk("listpack"));
  CHECK(h("ZADD z 3 c") == Int(1));
  CHECK(h("OBJECT ENCODING z") == Bulk("skiplist"));
  CHECK(h("ZREM z a b") == Int(2));
  CHECK(h("OBJECT ENCODING z") == Bulk("skiplist"));  // never converts back by itself
  CHECK(h("CONFIG SET zset-max-listpack-entries 128") == Ok());
  CHECK(h("CONFIG SET zset-max-listpack-value 3") == Ok());
  CHECK(h("ZADD v 1 abcd") == Int(1));
  CHECK(h("OBJECT ENCODING v") == Bulk("skiplist"));
  CHECK(h("ZADD w 1 abc") == Int(1));
  CHECK(h("OBJECT ENCODING w") == Bulk("listpack"));
  CHECK(h("ZADD w 2 abcd") == Int(1));
  CHECK(h("OBJECT ENCODING w") == Bulk("skiplist"));
  CHECK(h("ZMSCORE w abc abcd") == Bulks({"1", "2"}));
  // Both encodings answer alike.
  CHECK(h("CONFIG SET zset-max-listpack-value 64") == Ok());
  for (int enc = 0; enc < 2; ++enc) {
    INFO("entries limit " << (enc ? 0 : 128));
    h(enc ? "CONFIG SET zset-max-listpack-entries 0" : "CONFIG SET zset-max-listpack-entries 128");
    h("DEL s");
    CHECK(h("ZADD s 3 c 1 a 2 b 2 bb") == Int(4));
    CHECK(h("OBJECT ENCODING s") == Bulk(enc ? "skiplist" : "listpack"));
    CHECK(h("ZRANK s bb") == Int(2));
    CHECK(h("ZREVRANK s bb") == Int(1));
    CHECK(h("ZRANK s c WITHSCORE") == Arr(2) + Int(3) + Bulk("3"));
    CHECK(h("ZPOPMAX s 2") == Bulks({"c", "3", "bb", "2"}));
    CHECK(h("ZPOPMIN s") == Bulks({"a", "1"}));
    CHECK(h("ZCARD s") == Int(1));
  }
}

TEST_CASE("ZRANK and ZREVRANK, with 7.2's WITHSCORE", "[zsets]") {
  Harness h;
  CHECK(h("ZRANK z a") == Nil());
  CHECK(h("ZRANK z a WITHSCORE") == NullArray());
  CHECK(h("ZADD z 1 a 2 b 3 c") == Int(3));
  CHECK(h("ZRANK z a") == Int(0));
  CHECK(h("ZREVRANK z a") == Int(2));
  CHECK(h("ZRANK z x") == Nil());
  CHECK(h("ZRANK z x withscore") == NullArray());
  CHECK(h("ZREVRANK z b WITHSCORE") == Arr(2) + Int(1) + Bulk("2"));
  CHECK(h("ZRANK z a foo") == Err("ERR syntax error"));
  CHECK(h("ZRANK z a WITHSCORE x") == Arity("zrank"));
  CHECK(h("ZRANK z") == Arity("zrank"));
  h("HELLO 3");
  CHECK(h("ZRANK z x") == Null3());
  CHECK(h("ZRANK z x WITHSCORE") == Null3());
  CHECK(h("ZRANK z c WITHSCORE") == Arr(2) + Int(2) + Dbl("3"));
}

TEST_CASE("ZPOPMIN and ZPOPMAX: counts, errors and reply shapes", "[zsets]") {
  Harness h;
  CHECK(h("ZPOPMIN z") == Arr(0));
  CHECK(h("ZPOPMIN z 2") == Arr(0));
  CHECK(h("ZPOPMIN z x") == Err("ERR value is out of range, must be positive"));
  CHECK(h("ZPOPMIN z -1") == Err("ERR value is out of range, must be positive"));
  CHECK(h("ZPOPMIN z 1 2") == Err("ERR syntax error"));
  CHECK(h("ZPOPMAX") == Arity("zpopmax"));
  CHECK(h("ZADD z 1.1 a 2 b 3 c 4 d") == Int(4));
  CHECK(h("ZPOPMIN z") == Bulks({"a", "1.1000000000000001"}));
  CHECK(h("ZPOPMAX z 0") == Arr(0));
  CHECK(h("ZPOPMAX z 1") == Bulks({"d", "4"}));
  CHECK(h("ZPOPMIN z 9223372036854775807") == Bulks({"b", "2", "c", "3"}));
  CHECK(h("EXISTS z") == Int(0));
  CHECK(h("ZADD z 1 a 2 b 3 c") == Int(3));
  h("HELLO 3");
  // Without a count the reply stays flat in RESP3; with one it is a list of pairs.
  CHECK(h("ZPOPMIN z") == Arr(2) + Bulk("a") + Dbl("1"));
  CHECK(h("ZPOPMIN z 1") == Arr(1) + Arr(2) + Bulk("b") + Dbl("2"));
  CHECK(h("ZPOPMAX z 5") == Arr(1) + Arr(2) + Bulk("c") + Dbl("3"));
  CHECK(h("ZPOPMIN z") == Arr(0));
  CHECK(h("ZPOPMIN z 0") == Arr(0));
}

TEST_CASE("ZMPOP", "[zsets]") {
  Harness h;
  CHECK(h("ZADD z 1 a 2 b 3 c") == Int(3));
  CHECK(h("ZMPOP 0 z MIN") == Err("ERR numkeys should be greater than 0"));
  CHECK(h("ZMPOP -1 z MIN") == Err("ERR numkeys should be greater than 0"));
  CHECK(h("ZMPOP x z MIN") == Err("ERR numkeys should be greater than 0"));
  CHECK(h("ZMPOP 2 z MIN") == Err("ERR syntax error"));
  CHECK(h("ZMPOP 2147483648 z MIN") == Err("ERR syntax error"));
  CHECK(h("ZMPOP 1 z FOO") == Err("ERR syntax error"));
  CHECK(h("ZMPOP 1 z MIN COUNT 0") == Err("ERR count should be greater than 0"));
  CHECK(h("ZMPOP 1 z MIN COUNT -1") == Err("ERR count should be greater than 0"));
  CHECK(h("ZMPOP 1 z MIN COUNT 1.5") == Err("ERR count should be greater than 0"));
  CHECK(h("ZMPOP 1 z MIN COUNT 1 COUNT 2") == Err("ERR syntax error"));
  CHECK(h("ZMPOP 1 z MIN COUNT") == Err("ERR syntax error"));
  CHECK(h("ZMPOP 1 z MIN foo") == Err("ERR syntax error"));
  CHECK(h("ZMPOP 1 z") == Arity("zmpop"));
  CHECK(h("ZMPOP 1 nokey MIN") == NullArray());
  CHECK(h("ZMPOP 1 z min") ==
        Arr(2) + Bulk("z") + Arr(1) + Arr(2) + Bulk("a") + Bulk("1"));  // pairs even in RESP2
  CHECK(h("ZMPOP 2 nokey z MAX COUNT 10") == Arr(2) + Bulk("z") + Arr(2) + Arr(2) + Bulk("c") +
                                                 Bulk("3") + Arr(2) + Bulk("b") + Bulk("2"));
  CHECK(h("EXISTS z") == Int(0));
  CHECK(h("SET s v") == Ok());
  CHECK(h("ZADD z 1 a") == Int(1));
  CHECK(h("ZMPOP 2 z s MIN") == Arr(2) + Bulk("z") + Arr(1) + Arr(2) + Bulk("a") + Bulk("1"));
  CHECK(h("ZMPOP 2 nokey s MIN") == WrongType());  // keys are checked until one has members
  h("HELLO 3");
  CHECK(h("ZMPOP 1 nokey MIN") == Null3());
  CHECK(h("ZADD z 1.5 a") == Int(1));
  CHECK(h("ZMPOP 1 z MAX COUNT 9223372036854775807") ==
        Arr(2) + Bulk("z") + Arr(1) + Arr(2) + Bulk("a") + Dbl("1.5"));
}

TEST_CASE("ZRANDMEMBER: counts, shapes and range errors", "[zsets]") {
  Harness h;
  CHECK(h("ZRANDMEMBER z") == Nil());
  CHECK(h("ZRANDMEMBER z 3") == Arr(0));
  CHECK(h("ZRANDMEMBER z 0 WITHSCORES") == Arr(0));
  CHECK(h("ZRANDMEMBER z x") == Err("ERR value is not an integer or out of range"));
  CHECK(h("ZRANDMEMBER z x WITHSCORES") == Err("ERR value is not an integer or out of range"));
  CHECK(h("ZRANDMEMBER z -9223372036854775808") ==
        Err("ERR value is out of range, value must between -9223372036854775807 and "
            "9223372036854775807"));
  CHECK(h("ZRANDMEMBER z 4611686018427387904 WITHSCORES") == Err("ERR value is out of range"));
  CHECK(h("ZRANDMEMBER z -4611686018427387904 WITHSCORES") == Err("ERR value is out of range"));
  CHECK(h("ZRANDMEMBER z -4611686018427387903 WITHSCORES") == Arr(0));
  CHECK(h("ZRANDMEMBER z 1 foo") == Err("ERR syntax error"));
  CHECK(h("ZRANDMEMBER z 1 WITHSCORES x") == Err("ERR syntax error"));

  CHECK(h("ZADD z 1 a 2 b 3 c 4 d 5 e") == Int(5));
  const std::map<std::string, std::string> scores{
      {"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}, {"e", "5"}};
  for (int i = 0; i < 20; ++i) {
    Walk one = walk(h("ZRANDMEMBER z"));
    REQUIRE(one.bulks.size() == 1);
    CHECK(scores.count(one.bulks[0]) == 1);

    Walk two = walk(h("ZRANDMEMBER z 3"));  // distinct
    REQUIRE(two.bulks.size() == 3);
    CHECK(std::set<std::string>(two.bulks.begin(), two.bulks.end()).size() == 3);

    Walk rep = walk(h("ZRANDMEMBER z -8"));  // repeats allowed
    CHECK(rep.headers == std::vector<std::string>{"*8"});
    CHECK(rep.bulks.size() == 8);

    Walk ws = walk(h("ZRANDMEMBER z 2 WITHSCORES"));  // RESP2: flat
    CHECK(ws.headers == std::vector<std::string>{"*4"});
    REQUIRE(ws.bulks.size() == 4);
    CHECK(ws.bulks[0] != ws.bulks[2]);
    CHECK(scores.at(ws.bulks[0]) == ws.bulks[1]);
    CHECK(scores.at(ws.bulks[2]) == ws.bulks[3]);
  }
  Walk all = walk(h("ZRANDMEMBER z 9223372036854775807"));
  CHECK(std::set<std::string>(all.bulks.begin(), all.bulks.end()) ==
        std::set<std::string>{"a", "b", "c", "d", "e"});
  h("HELLO 3");
  Walk pairs = walk(h("ZRANDMEMBER z -3 WITHSCORES"));  // RESP3: [member, score] pairs
  CHECK(pairs.headers.size() == 1 + 3 + 3);
  CHECK(pairs.headers[0] == "*3");
  CHECK(pairs.headers[1] == "*2");
  REQUIRE(pairs.bulks.size() == 3);
  CHECK(pairs.headers[2] == "," + scores.at(pairs.bulks[0]));
}

TEST_CASE("ZSCAN", "[zsets]") {
  Harness h;
  CHECK(h("ZSCAN z 0") == Arr(2) + Bulk("0") + Arr(0));
  CHECK(h("ZSCAN z 0 COUNT 0") == Arr(2) + Bulk("0") + Arr(0));  // missing key first
  CHECK(h("ZSCAN z x") == Err("ERR invalid cursor"));
  CHECK(h("ZADD z 1.1 a 2 b 1e17 c 5e18 d 4611686018427387904 e") == Int(5));
  CHECK(h("ZSCAN z 0 COUNT 0") == Err("ERR syntax error"));
  CHECK(h("ZSCAN z 0 MATCH") == Err("ERR syntax error"));
  // A listpack shows integral scores within +-2^62 as integers, as its stored form.
  CHECK(h("ZSCAN z 0") == Arr(2) + Bulk("0") +
                              Bulks({"a", "1.1000000000000001", "b", "2", "c", "100000000000000000",
                                     "e", "4611686018427387904", "d", "5e+18"}));
  CHECK(h("ZSCAN z 0 MATCH [ab]") ==
        Arr(2) + Bulk("0") + Bulks({"a", "1.1000000000000001", "b", "2"}));
  h("HELLO 3");  // scores stay bulk strings
  CHECK(h("ZSCAN z 0 MATCH b") == Arr(2) + Bulk("0") + Bulks({"b", "2"}));
  h("CONFIG SET zset-max-listpack-entries 0");
  CHECK(h("ZADD y 1e17 c 2 b") == Int(2));
  Walk w = walk(h("ZSCAN y 0"));
  std::map<std::string, std::string> got;
  for (size_t i = 1; i + 1 < w.bulks.size(); i += 2) got[w.bulks[i]] = w.bulks[i + 1];
  CHECK(w.bulks[0] == "0");
  CHECK(got == std::map<std::string, std::string>{{"b", "2"}, {"c", "1e+17"}});
  // A larger skiplist needs several calls; every member is reported.
  for (int i = 0; i < 200; ++i) h("ZADD big " + std::to_string(i) + " m" + std::to_string(i));
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    Walk s = walk(h("ZSCAN big " + cursor + " COUNT 7"));
    cursor = s.bulks[0];
    for (size_t i = 1; i < s.bulks.size(); i += 2) seen.insert(s.bulks[i]);
    ++calls;
  } while (cursor != "0" && calls < 1000);
  CHECK(seen.size() == 200);
  CHECK(calls > 1);
}

TEST_CASE("zset commands on other types reply WRONGTYPE; others on zsets too", "[zsets]") {
  Harness h;
  CHECK(h("SET s v") == Ok());
  CHECK(h("ZADD s 1 a") == WrongType());
  CHECK(h("ZADD s x a") == Err("ERR value is not a valid float"));  // scores are checked first
  CHECK(h("ZINCRBY s 1 a") == WrongType());
  CHECK(h("ZSCORE s a") == WrongType());
  CHECK(h("ZMSCORE s a") == WrongType());
  CHECK(h("ZCARD s") == WrongType());
  CHECK(h("ZREM s a") == WrongType());
  CHECK(h("ZRANK s a") == WrongType());
  CHECK(h("ZREVRANK s a") == WrongType());
  CHECK(h("ZPOPMIN s") == WrongType());
  CHECK(h("ZPOPMAX s 0") == WrongType());
  CHECK(h("ZPOPMIN s x") == Err("ERR value is out of range, must be positive"));
  CHECK(h("ZMPOP 1 s MIN") == WrongType());
  CHECK(h("ZRANDMEMBER s") == WrongType());
  CHECK(h("ZRANDMEMBER s 0") == WrongType());
  CHECK(h("ZRANDMEMBER s x") == Err("ERR value is not an integer or out of range"));
  CHECK(h("ZSCAN s 0") == WrongType());
  CHECK(h("ZADD z 1 a") == Int(1));
  CHECK(h("GET z") == WrongType());
  CHECK(h("SADD z a") == WrongType());
  CHECK(h("HSET z a b") == WrongType());
}

TEST_CASE("zset arities", "[zsets]") {
  Harness h;
  CHECK(h("ZADD z 1") == Arity("zadd"));
  CHECK(h("ZADD z INCR") == Arity("zadd"));
  CHECK(h("ZSCORE z") == Arity("zscore"));
  CHECK(h("ZSCORE z a b") == Arity("zscore"));
  CHECK(h("ZMSCORE z") == Arity("zmscore"));
  CHECK(h("ZCARD") == Arity("zcard"));
  CHECK(h("ZREM z") == Arity("zrem"));
  CHECK(h("ZREVRANK z") == Arity("zrevrank"));
  CHECK(h("ZPOPMIN") == Arity("zpopmin"));
  CHECK(h("ZMPOP 1") == Arity("zmpop"));
  CHECK(h("ZRANDMEMBER") == Arity("zrandmember"));
  CHECK(h("ZSCAN z") == Arity("zscan"));
}

TEST_CASE("COMMAND INFO for the zset commands matches Redis 7.0", "[zsets]") {
  Harness h;
  std::string zmpop = h("COMMAND INFO zmpop");
  CHECK(zmpop.find("$5\r\nzmpop\r\n:-4\r\n") != std::string::npos);
  CHECK(zmpop.find("+movablekeys") != std::string::npos);
  CHECK(h("COMMAND GETKEYS ZMPOP 2 a b MIN") == Bulks({"a", "b"}));
  std::string zadd = h("COMMAND INFO zadd");
  CHECK(zadd.find("$4\r\nzadd\r\n:-4\r\n*3\r\n+write\r\n+denyoom\r\n+fast\r\n:1\r\n:1\r\n:1\r\n") !=
        std::string::npos);
  // "<MIN | MAX>" in the syntax renders as a required oneof (no "optional" flag).
  std::string docs = h("COMMAND DOCS zmpop");
  CHECK(docs.find("$3\r\nmin\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n") !=
        std::string::npos);
  CHECK(h("COMMAND INFO zrandmember").find("$11\r\nzrandmember\r\n:-2\r\n*1\r\n+readonly\r\n") !=
        std::string::npos);
}
