// persist: the AOF command reader. A real incr file written by redis-server 7.0.15 (binary
// values with NUL and CRLF inside, MULTI/EXEC, SELECT) parses into the commands sent; that file
// cut at every offset is kOk exactly at command boundaries and kTruncated elsewhere; the inputs
// Redis calls a bad format are kCorrupt; bit flips and garbage never crash (run under ASan); a
// random round trip against a plain encoder; and an old-style AOF with an RDB preamble loads
// through rdb_load (RdbLoadResult::consumed) and the reader.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "cardinal/engine/keyspace.h"
#include "cardinal/persist/aof_reader.h"
#include "cardinal/persist/rdb_reader.h"
#include "cardinal/persist/rdb_writer.h"
#include "cardinal/util/clock.h"

using namespace cardinal;
using persist::AofParseResult;
using Status = persist::AofParseResult::Status;
using Command = std::vector<std::string>;

namespace {

// appendonlydir/appendonly.aof.1.incr.aof of `redis-server --appendonly yes --appendfsync
// always` after these commands, sent as RESP: SET bin "a\0b\r\nc"; RPUSH "l\r\n" "\r\n" ""
// "\0"; HSET h f1 v1 f2 "\xff\xfe"; MULTI; INCR n; SADD s "*2\r\n$3\r\n"; EXEC; SELECT 3;
// SET k3 <40 x> PX 100000000; DEL nokey (not propagated); ZADD z 1.5 "m\r\n".
const std::string kRedisIncr(
    "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$3\r\nbin\r\n$6\r\na\x00"
    "b\r\nc\r\n*5\r\n$5\r\nRPUSH\r\n$3\r\nl\r\n\r\n$2\r\n\r\n\r\n$0\r\n\r\n$1\r\n\x00\r\n"
    "*6\r\n$4\r\nHSET\r\n$1\r\nh\r\n$2\r\nf1\r\n$2\r\nv1\r\n$2\r\nf2\r\n$2\r\n\xff\xfe\r\n"
    "*1\r\n$5\r\nMULTI\r\n*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n*3\r\n$4\r\nSADD\r\n$1\r\ns\r\n$8\r\n"
    "*2\r\n$3\r\n\r\n*1\r\n$4\r\nEXEC\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n*5\r\n$3\r\nSET\r\n"
    "$2\r\nk3\r\n$40\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n$4\r\nPXAT\r\n$13\r\n"
    "1796406974023\r\n*4\r\n$4\r\nZADD\r\n$1\r\nz\r\n$3\r\n1.5\r\n$3\r\nm\r\n\r\n",
    400);

// appendonlydir/appendonly.aof.2.base.rdb after SET pre1 v1, SET pre2 123, RPUSH prel a b and
// BGREWRITEAOF (aof-use-rdb-preamble yes, the default).
const std::string kRedisBaseRdb(
    "REDIS0010\xfa\tredis-ver\x06"
    "7.0.15\xfa\nredis-bits\xc0@\xfa\x05"
    "ctime\xc2\"x\x11k\xfa\x08used-mem\xc2p\x1c\x12\x00\xfa\x08"
    "aof-base\xc0\x01\xfe\x00\xfb\x03\x00\x12\x04prel\x01\x02\r\r\x00\x00\x00\x02\x00\x81"
    "a\x02\x81"
    "b\x02\xff\x00\x04pre1\x02v1\x00\x04pre2\xc0{\xffY\xbb{M\xe8\x13\xe8\xbf",
    133);

struct Parsed {
  AofParseResult result;
  std::vector<Command> commands;
  std::vector<size_t> offsets;
};

Parsed parse(std::string_view bytes) {
  Parsed p;
  p.result =
      persist::parse_aof_commands(bytes, [&](std::span<const std::string_view> argv, size_t start) {
        // The views point into the input.
        for (std::string_view a : argv) {
          REQUIRE(a.data() >= bytes.data());
          REQUIRE(a.data() + a.size() <= bytes.data() + bytes.size());
        }
        p.commands.emplace_back(argv.begin(), argv.end());
        p.offsets.push_back(start);
      });
  return p;
}

std::string encode(const std::vector<Command>& commands) {
  std::string out;
  for (const Command& c : commands) {
    out += "*" + std::to_string(c.size()) + "\r\n";
    for (const std::string& a : c) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  }
  return out;
}

const std::vector<Command> kRedisCommands = {
    {"SELECT", "0"},
    {"SET", "bin", std::string("a\0b\r\nc", 6)},
    {"RPUSH", "l\r\n", "\r\n", "", std::string(1, '\0')},
    {"HSET", "h", "f1", "v1", "f2", "\xff\xfe"},
    {"MULTI"},
    {"INCR", "n"},
    {"SADD", "s", "*2\r\n$3\r\n"},
    {"EXEC"},
    {"SELECT", "3"},
    {"SET", "k3", std::string(40, 'x'), "PXAT", "1796406974023"},
    {"ZADD", "z", "1.5", "m\r\n"},
};

}  // namespace

TEST_CASE("aof reader parses a file written by redis", "[aof]") {
  Parsed p = parse(kRedisIncr);
  CHECK(p.result.status == Status::kOk);
  CHECK(p.result.valid_bytes == kRedisIncr.size());
  CHECK(p.result.commands == kRedisCommands.size());
  CHECK(p.result.error.empty());
  CHECK(p.commands == kRedisCommands);
  // Redis writes exactly what the plain encoder writes.
  CHECK(encode(kRedisCommands) == kRedisIncr);
  REQUIRE(p.offsets.size() == kRedisCommands.size());
  CHECK(p.offsets.front() == 0);
  CHECK(p.offsets[1] == 23);  // after SELECT 0
  CHECK(parse("").result.status == Status::kOk);
  CHECK_FALSE(persist::aof_has_rdb_preamble(kRedisIncr));
}

// Checked against the oracle: each of the 401 cuts of kRedisIncr was loaded by redis-server
// 7.0.15 (as the only incr, aof-load-truncated yes). Redis loaded the cuts at boundaries as they
// were, except those between MULTI and EXEC ("Revert incomplete MULTI/EXEC transaction", cut back
// to the MULTI's offset: the loader's job), and truncated every other cut at the boundary
// before it, which is valid_bytes here.
TEST_CASE("aof reader: every cut is kOk at a boundary and kTruncated elsewhere", "[aof]") {
  Parsed whole = parse(kRedisIncr);
  std::vector<size_t> boundaries = whole.offsets;
  boundaries.push_back(kRedisIncr.size());
  for (size_t cut = 0; cut <= kRedisIncr.size(); ++cut) {
    INFO("cut at " << cut);
    Parsed p = parse(std::string_view(kRedisIncr).substr(0, cut));
    // The last boundary at or before the cut, and how many commands end there.
    size_t n = 0;
    while (n + 1 < boundaries.size() && boundaries[n + 1] <= cut) ++n;
    bool at_boundary = boundaries[n] == cut;
    CHECK(p.result.status == (at_boundary ? Status::kOk : Status::kTruncated));
    CHECK(p.result.valid_bytes == boundaries[n]);
    CHECK(p.result.commands == n);
    CHECK(p.commands == std::vector<Command>(kRedisCommands.begin(), kRedisCommands.begin() + n));
    if (!at_boundary)
      CHECK(p.result.error == "unexpected end of file at offset " + std::to_string(cut));
  }
}

TEST_CASE("aof reader: what redis calls a bad format is kCorrupt", "[aof]") {
  const std::string set = "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n";
  // Each tail follows one good command; redis-server 7.0.15 refuses the first five with "Bad
  // file format" (the rest it reads laxly, but redis-check-aof rejects them, and Redis never
  // writes them).
  const std::vector<std::string> tails = {
      "*\r\n",  // no count
      "*0\r\n",
      "*-1\r\n",
      "*x\r\n",
      "hello\r\n",
      "*1\r\nx4\r\nPING\r\n",  // '$' expected
      "*1abc\r\n$4\r\nPING\r\n",
      "*1\r\n$4\r\nPINGxy",  // no CRLF after the bulk
      "*1\r\n$4\r\nPING\rx",
      "*1\r\n$4\r\nPING\r\r",
      "*2\r\n$4\r\nPING\r\n$abc\r\n\r\n",
      "*1\r\n$+4\r\nPING\r\n",
      "*1\r\n$-1\r\n",
      "*1\n$4\nPING\r\n",  // LF only
      "*1\r\r",
      "*99999999999\r\n",                 // count beyond int
      "*1\r\n$99999999999999999999\r\n",  // length beyond int64
      std::string("\0", 1),
  };
  for (const std::string& tail : tails) {
    INFO("tail: " << tail);
    Parsed p = parse(set + tail);
    CHECK(p.result.status == Status::kCorrupt);
    CHECK(p.result.valid_bytes == set.size());
    CHECK(p.result.commands == 1);
    CHECK(p.result.error.rfind("bad file format at offset ", 0) == 0);
  }
  CHECK(parse(set + "*1\r\nx").result.error ==
        "bad file format at offset 31: expected '$', got 'x'");
  CHECK(parse(set + "*1\r\n$1\r\nab").result.error ==
        "bad file format at offset 36: expected \\r\\n, got 'b'");
}

TEST_CASE("aof reader: annotations, large counts, preamble", "[aof]") {
  const std::string set = "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n";
  // Redis writes "#TS:<unix time>\r\n" lines with aof-timestamp-enabled; they are skipped.
  Parsed p = parse("#TS:1700000000\r\n" + set + "#TS:1\r\n" + set + "#x\r\n");
  CHECK(p.result.status == Status::kOk);
  CHECK(p.result.commands == 2);
  CHECK(p.offsets == std::vector<size_t>{16, 50});
  CHECK(p.result.valid_bytes == 16 + 27 + 7 + 27 + 4);
  // A torn annotation at the end is a cut (Redis would keep it and append the next command to
  // its line, losing that command on the next load).
  p = parse(set + "#TS:12");
  CHECK(p.result.status == Status::kTruncated);
  CHECK(p.result.valid_bytes == set.size());
  // A huge count with nothing after it is a cut, not an allocation.
  p = parse(set + "*2000000000\r\n$3\r\nSET\r\n");
  CHECK(p.result.status == Status::kTruncated);
  CHECK(p.result.valid_bytes == set.size());
  p = parse("*1\r\n$9223372036854775807\r\nab");
  CHECK(p.result.status == Status::kTruncated);
  CHECK(persist::aof_has_rdb_preamble(kRedisBaseRdb));
}

TEST_CASE("aof reader survives bit flips and garbage", "[aof]") {
  std::mt19937_64 rng(20261203);
  size_t counts[3] = {0, 0, 0};
  auto run = [&](const std::string& bytes) {
    Parsed p = parse(bytes);
    CHECK(p.result.valid_bytes <= bytes.size());
    if (p.result.status == Status::kOk) CHECK(p.result.valid_bytes == bytes.size());
    CHECK(p.result.commands == p.commands.size());
    for (size_t i = 1; i < p.offsets.size(); ++i) CHECK(p.offsets[i] > p.offsets[i - 1]);
    ++counts[static_cast<int>(p.result.status)];
  };
  for (int round = 0; round < 4000; ++round) {
    std::string f = kRedisIncr;
    int flips = 1 + static_cast<int>(rng() % 3);
    for (int i = 0; i < flips; ++i) f[rng() % f.size()] ^= static_cast<char>(1u << (rng() % 8));
    if (rng() % 4 == 0) f.resize(rng() % f.size());
    run(f);
  }
  const std::string alphabet = "*$\r\n0123456789#-aZ";
  for (int round = 0; round < 4000; ++round) {
    std::string g(rng() % 64, '\0');
    for (char& c : g) c = rng() % 3 ? alphabet[rng() % alphabet.size()] : static_cast<char>(rng());
    run(g);
  }
  CHECK(counts[0] > 0);
  CHECK(counts[1] > 0);
  CHECK(counts[2] > 0);
}

TEST_CASE("aof reader round trips random commands", "[aof]") {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 300; ++round) {
    std::vector<Command> commands(rng() % 20);
    for (Command& c : commands) {
      c.resize(1 + rng() % 6);
      for (std::string& a : c) {
        size_t len = rng() % 4 == 0 ? rng() % 300 : rng() % 8;
        a.resize(len);
        for (char& ch : a) ch = rng() % 2 ? "\r\n*$#0"[rng() % 6] : static_cast<char>(rng());
      }
    }
    std::string bytes = encode(commands);
    Parsed p = parse(bytes);
    REQUIRE(p.result.status == Status::kOk);
    CHECK(p.commands == commands);
    CHECK(p.result.valid_bytes == bytes.size());
  }
}

TEST_CASE("an old-style aof with an rdb preamble loads in two parts", "[aof]") {
  // Redis 7.0.15 loads this as dir/appendonly.aof (migrating it into appendonlydir) with all
  // four keys: the RDB part, then "Reading the remaining AOF tail...".
  const std::string tail = "*3\r\n$3\r\nSET\r\n$4\r\ntail\r\n$1\r\nT\r\n";
  const std::string file = kRedisBaseRdb + tail;
  REQUIRE(persist::aof_has_rdb_preamble(file));
  util::ManualClock clock;
  engine::Keyspace ks(clock, 16);
  persist::RdbLoadResult r = persist::rdb_load(file, ks, {.now_ms = clock.now_ms()});
  CHECK(r.keys_loaded == 3);
  CHECK(r.consumed == kRedisBaseRdb.size());
  Parsed p = parse(std::string_view(file).substr(r.consumed));
  CHECK(p.result.status == Status::kOk);
  CHECK(p.commands == std::vector<Command>{{"SET", "tail", "T"}});
  // A pure RDB (what cardinal writes) is consumed whole.
  std::string own = persist::rdb_serialize(ks, {clock.now_ms(), 0, true});
  engine::Keyspace again(clock, 16);
  CHECK(persist::rdb_load(own, again, {.now_ms = clock.now_ms()}).consumed == own.size());
}
