// persist: the base file of an AOF rewrite. The command form of a keyspace holding every type,
// encoding and size class, several databases and TTLs parses with the AOF reader and, replayed
// through the engine, rebuilds the same keyspace without the keys already expired; collections
// go out in batches of exactly 64 items per command; the RDB form carries aof-base=1 and loads
// back equal; the file appears under its final name only, and a failure at any step (temp file,
// write, rename) throws and leaves no temp file behind.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cardinal/engine/keyspace.h"
#include "cardinal/persist/aof_base.h"
#include "cardinal/persist/aof_error.h"
#include "cardinal/persist/aof_reader.h"
#include "cardinal/persist/rdb_reader.h"
#include "cardinal/persist/rdb_writer.h"
#include "cardinal/util/clock.h"
#include "cardinal/util/numbers.h"
#include "keyspace_fixture.h"
#include "temp_dir.h"

using namespace cardinal;
using Command = std::vector<std::string>;
using Status = persist::AofParseResult::Status;

namespace {

using cardinal::test::TempDir;

// Scores at the edges of what %.17g must carry exactly.
const double kScores[] = {0.1, 1e300, -1e300, -0.0, 5e-324, 1.0 / 3, -HUGE_VAL, HUGE_VAL, 0.0};

class StringSink final : public persist::RdbSink {
 public:
  void write(std::string_view bytes) override {
    data.append(bytes);
    ++writes;
  }
  std::string data;
  size_t writes = 0;
};

class CountProgress final : public persist::RdbProgress {
 public:
  void key_written() override { ++keys; }
  size_t keys = 0;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<Command> parse_all(std::string_view bytes) {
  std::vector<Command> out;
  persist::AofParseResult r =
      persist::parse_aof_commands(bytes, [&](std::span<const std::string_view> argv, size_t) {
        out.emplace_back(argv.begin(), argv.end());
      });
  REQUIRE(r.status == Status::kOk);
  REQUIRE(r.valid_bytes == bytes.size());
  REQUIRE(r.commands == out.size());
  return out;
}

// Just enough of each command to rebuild what a base file holds, through the engine's types.
// Returns what was wrong with the first command it could not apply, or "" (one CHECK per
// replay: thousands of commands would make per-command assertions the slowest part).
std::string replay(const std::vector<Command>& commands, engine::Keyspace& ks) {
  int db_index = -1;
  for (size_t n = 0; n < commands.size(); ++n) {
    const Command& c = commands[n];
    auto bad = [&](const std::string& why) {
      return "command " + std::to_string(n) + " (" + c[0] + ", " + std::to_string(c.size()) +
             " arguments): " + why;
    };
    const std::string& name = c[0];
    if (name == "SELECT") {
      int64_t i;
      if (c.size() != 2 || !util::parse_i64(c[1], i) || i < 0 || i >= ks.database_count())
        return bad("bad SELECT");
      db_index = static_cast<int>(i);
      continue;
    }
    if (db_index < 0) return bad("before any SELECT");
    if (c.size() < 3) return bad("too few arguments");
    engine::Database& db = ks.db(db_index);
    const std::string& key = c[1];
    engine::DbEntry* e = db.find_for_write(key);
    auto expect_type = [&](engine::ValueType t) { return e->value.type() == t; };
    if (name == "SET") {
      if (c.size() != 3 || e) return bad("SET of an existing key or with options");
      db.set(key, engine::Value::string_from_client(c[2]));
    } else if (name == "RPUSH") {
      if (!e) e = &db.set(key, engine::Value::list(std::make_unique<ds::QuickList>()));
      if (!expect_type(engine::ValueType::List)) return bad("wrong type");
      for (size_t i = 2; i < c.size(); ++i) e->value.as_list().push_back(c[i]);
    } else if (name == "SADD") {
      if (!e) e = &db.set(key, engine::Value::set(engine::SetValue::for_member(c[2])));
      if (!expect_type(engine::ValueType::Set)) return bad("wrong type");
      for (size_t i = 2; i < c.size(); ++i)
        if (!e->value.as_set().add(c[i], 512)) return bad("member sent twice");
    } else if (name == "HMSET") {
      if (c.size() % 2 != 0) return bad("odd field/value count");
      if (!e) e = &db.set(key, engine::Value::hash(std::make_unique<engine::HashValue>()));
      if (!expect_type(engine::ValueType::Hash)) return bad("wrong type");
      for (size_t i = 2; i < c.size(); i += 2)
        if (!e->value.as_hash().set(c[i], c[i + 1], {})) return bad("field sent twice");
    } else if (name == "ZADD") {
      if (c.size() % 2 != 0) return bad("odd score/member count");
      // As ZADD on a missing key decides the encoding: from the first member only.
      if (!e) e = &db.set(key, engine::Value::zset(engine::ZSetValue::create(1, c[3].size(), {})));
      if (!expect_type(engine::ValueType::ZSet)) return bad("wrong type");
      for (size_t i = 2; i < c.size(); i += 2) {
        double score;
        if (!util::parse_double(c[i], score)) return bad("bad score " + c[i]);
        if (e->value.as_zset().score(c[i + 1])) return bad("member sent twice");
        e->value.as_zset().add(score, c[i + 1], {}, {});
      }
    } else if (name == "PEXPIREAT") {
      int64_t at;
      if (c.size() != 3 || !e || !util::parse_i64(c[2], at)) return bad("bad PEXPIREAT");
      db.set_expire(*e, at);
    } else {
      return bad("unexpected command");
    }
  }
  return "";
}

// The keyspace of the RDB tests plus a zset of kScores, an
// integer-encoded string with a TTL, and an already expired key in another database.
void fill_all(engine::Keyspace& ks, int64_t now_ms) {
  test::fill(ks, now_ms, {1, 5, 200});
  auto z = engine::ZSetValue::create(8, 4, {});
  for (double s : kScores)
    z->add(s, util::format_double(s) + (std::signbit(s) ? "neg" : "pos"), {}, {});
  engine::Database& d2 = ks.db(2);
  d2.set("scores", engine::Value::zset(std::move(z)));
  engine::DbEntry& n = d2.set("counter", engine::Value::string_from_client("-42"));
  d2.set_expire(n, now_ms + 1);
  engine::DbEntry& exact = d2.set("expires-now", engine::Value::string_from_client("x"));
  d2.set_expire(exact, now_ms);  // not yet expired at now_ms: kept
  engine::DbEntry& gone = d2.set("gone", engine::Value::string_from_client("x"));
  d2.set_expire(gone, now_ms - 1000);
}

// What the replay of a base must equal: the source without its expired keys.
std::map<std::string, std::string> expected(const engine::Keyspace& ks) {
  auto d = test::describe(ks, false);
  CHECK(d.erase("0/dead") == 1);
  CHECK(d.erase("2/gone") == 1);
  return d;
}

}  // namespace

TEST_CASE("aof base commands rebuild every type", "[aof_base]") {
  util::ManualClock clock;
  engine::Keyspace a(clock, 16);
  fill_all(a, clock.now_ms());
  StringSink sink;
  CountProgress progress;
  persist::RdbSaveOptions options{clock.now_ms(), 0, true};
  options.progress = &progress;
  persist::write_aof_commands(a, options, sink);
  CHECK(sink.writes > 1);  // streamed in pieces, not built whole
  std::vector<Command> commands = parse_all(sink.data);
  engine::Keyspace b(clock, 16);
  CHECK(replay(commands, b).empty());
  auto want = expected(a);
  CHECK(test::describe(b, false) == want);
  CHECK(progress.keys == want.size());
  // Compact encodings come back as the data dictates (intset members stay integers).
  CHECK(b.db(1).find_quiet("intset5")->value.encoding() == engine::Encoding::IntSet);
  CHECK(b.db(0).find_quiet("int64")->value.is_int());
  // One SELECT per non-empty database, in order.
  std::vector<std::string> selects;
  for (const Command& c : commands)
    if (c[0] == "SELECT") selects.push_back(c[1]);
  CHECK(selects == std::vector<std::string>{"0", "1", "2", "15"});
  // Each TTL is an absolute PEXPIREAT right after its key's last value command.
  for (size_t i = 0; i < commands.size(); ++i) {
    if (commands[i][0] != "PEXPIREAT") continue;
    REQUIRE(i > 0);
    CHECK(commands[i - 1][0] != "PEXPIREAT");
    CHECK(commands[i - 1][0] != "SELECT");
    CHECK(commands[i - 1][1] == commands[i][1]);
  }
  // The scores survive exactly, zeros with their sign.
  const auto& scores = b.db(2).find_quiet("scores")->value.as_zset();
  CHECK(scores.size() == 9);
  const auto& source = a.db(2).find_quiet("scores")->value.as_zset();
  for (double s : kScores) {
    std::string member = util::format_double(s) + (std::signbit(s) ? "neg" : "pos");
    std::optional<double> got = scores.score(member), stored = source.score(member);
    REQUIRE(got.has_value());
    REQUIRE(stored.has_value());
    CHECK(*got == *stored);
  }
}

TEST_CASE("aof base commands write scores exactly", "[aof_base]") {
  // A skiplist keeps -0.0 (a listpack would store +0.0): the command must carry the sign.
  util::ManualClock clock;
  engine::Keyspace a(clock, 16);
  auto z = engine::ZSetValue::create(200, 4, {});
  REQUIRE(z->encoding() == engine::ZSetValue::Encoding::SkipList);
  for (double s : kScores) z->add(s, util::format_double(s), {}, {});
  a.db(0).set("z", engine::Value::zset(std::move(z)));
  StringSink sink;
  persist::write_aof_commands(a, {clock.now_ms(), 0, true}, sink);
  std::vector<Command> commands = parse_all(sink.data);
  REQUIRE(commands.size() == 2);
  const Command& zadd = commands[1];
  REQUIRE(zadd.size() == 2 + 2 * std::size(kScores));
  CHECK(zadd[0] == "ZADD");
  for (size_t i = 2; i < zadd.size(); i += 2) {
    double score;
    REQUIRE(util::parse_double(zadd[i], score));
    CHECK(zadd[i] == zadd[i + 1]);  // the member is the score as %.17g wrote it when added
    CHECK(util::format_double(score) == zadd[i]);
  }
  // Every score of the set appears, bit for bit, zeros with their sign.
  std::vector<std::string> texts;
  for (size_t i = 2; i < zadd.size(); i += 2) texts.push_back(zadd[i]);
  for (double s : kScores)
    CHECK(std::count(texts.begin(), texts.end(), util::format_double(s)) == 1);
  CHECK(std::count(texts.begin(), texts.end(), "-0") == 1);
  CHECK(std::count(texts.begin(), texts.end(), "0") == 1);
  CHECK(std::count(texts.begin(), texts.end(), "-inf") == 1);
  CHECK(std::count(texts.begin(), texts.end(), "inf") == 1);
}

TEST_CASE("aof base commands batch 64 items per command", "[aof_base]") {
  util::ManualClock clock;
  engine::Keyspace a(clock, 16);
  engine::Database& db = a.db(3);
  auto list = std::make_unique<ds::QuickList>();
  for (int i = 0; i < 200; ++i) list->push_back("e" + std::to_string(i));
  db.set("list", engine::Value::list(std::move(list)));
  auto set = engine::SetValue::for_member("m");
  for (int i = 0; i < 130; ++i) set->add("m" + std::to_string(i), 512);
  db.set("set", engine::Value::set(std::move(set)));
  auto ints = engine::SetValue::empty_intset();
  for (int i = 0; i < 64; ++i) ints->add(std::to_string(i * 3), 512);
  db.set("intset", engine::Value::set(std::move(ints)));
  auto hash = std::make_unique<engine::HashValue>();
  for (int i = 0; i < 65; ++i) hash->set("f" + std::to_string(i), "v", {});
  db.set("hash", engine::Value::hash(std::move(hash)));
  auto z = engine::ZSetValue::create(129, 4, {});
  for (int i = 0; i < 129; ++i) z->add(i * 0.5, "z" + std::to_string(i), {}, {});
  engine::DbEntry& ze = db.set("zset", engine::Value::zset(std::move(z)));
  db.set_expire(ze, clock.now_ms() + 60000);
  auto small = std::make_unique<ds::QuickList>();
  small->push_back("only");
  db.set("small", engine::Value::list(std::move(small)));

  StringSink sink;
  persist::write_aof_commands(a, {clock.now_ms(), 0, true}, sink);
  std::vector<Command> commands = parse_all(sink.data);
  REQUIRE(!commands.empty());
  CHECK(commands[0] == Command{"SELECT", "3"});
  // Per key: the command name and the number of items (elements, or pairs) of each command.
  std::map<std::string, std::vector<std::pair<std::string, size_t>>> batches;
  for (size_t i = 1; i < commands.size(); ++i) {
    const Command& c = commands[i];
    bool pairs = c[0] == "HMSET" || c[0] == "ZADD";
    size_t items = c[0] == "PEXPIREAT" ? 1 : (c.size() - 2) / (pairs ? 2 : 1);
    batches[c[1]].emplace_back(c[0], items);
  }
  using B = std::vector<std::pair<std::string, size_t>>;
  CHECK(batches["list"] == B{{"RPUSH", 64}, {"RPUSH", 64}, {"RPUSH", 64}, {"RPUSH", 8}});
  CHECK(batches["set"] == B{{"SADD", 64}, {"SADD", 64}, {"SADD", 2}});
  CHECK(batches["intset"] == B{{"SADD", 64}});
  CHECK(batches["hash"] == B{{"HMSET", 64}, {"HMSET", 1}});
  CHECK(batches["zset"] == B{{"ZADD", 64}, {"ZADD", 64}, {"ZADD", 1}, {"PEXPIREAT", 1}});
  CHECK(batches["small"] == B{{"RPUSH", 1}});
  CHECK(batches.size() == 6);
  // Zset pairs are score then member, the score in %.17g.
  engine::Keyspace b(clock, 16);
  CHECK(replay(commands, b).empty());
  CHECK(test::describe(b, true) == test::describe(a, true));
  for (const Command& c : commands)
    if (c[0] == "ZADD") CHECK(c[2] == util::format_double(std::stod(c[2])));
}

TEST_CASE("an empty keyspace has an empty command base", "[aof_base]") {
  util::ManualClock clock;
  engine::Keyspace a(clock, 16);
  engine::DbEntry& gone = a.db(4).set("gone", engine::Value::string_from_client("x"));
  a.db(4).set_expire(gone, clock.now_ms() - 1);
  StringSink sink;
  persist::write_aof_commands(a, {clock.now_ms(), 0, true}, sink);
  // Only the database's SELECT may be there; no key.
  for (const Command& c : parse_all(sink.data)) CHECK(c[0] == "SELECT");
}

TEST_CASE("write_aof_base writes an RDB preamble or commands", "[aof_base]") {
  util::ManualClock clock;
  engine::Keyspace a(clock, 16);
  fill_all(a, clock.now_ms());
  TempDir dir;
  const std::string temp = dir / "temp-rewriteaof-bg-1.aof";
  const std::string final_path = dir / "appendonly.aof.1.base.rdb";
  persist::RdbSaveOptions options{clock.now_ms(), 0, true};

  persist::write_aof_base(a, true, options, temp, final_path);
  CHECK_FALSE(std::filesystem::exists(temp));
  std::string rdb = read_file(final_path);
  CHECK(persist::aof_has_rdb_preamble(rdb));
  CHECK(rdb.find(std::string("\xfa\x08"
                             "aof-base\xc0\x01",
                             12)) != std::string::npos);
  engine::Keyspace b(clock, 16);
  persist::RdbLoadResult r = persist::rdb_load(rdb, b, {.now_ms = clock.now_ms()});
  CHECK(r.consumed == rdb.size());
  CHECK(test::describe(b, false) == expected(a));
  // The same as the snapshot writer's output with the aux field set.
  persist::RdbSaveOptions as_base = options;
  as_base.aof_base = true;
  CHECK(rdb == persist::rdb_serialize(a, as_base));

  // Commands: replaces the final file, and equals write_aof_commands byte for byte.
  const std::string final_aof = dir / "appendonly.aof.2.base.aof";
  persist::write_aof_base(a, false, options, temp, final_aof);
  CHECK_FALSE(std::filesystem::exists(temp));
  std::string cmds = read_file(final_aof);
  CHECK_FALSE(persist::aof_has_rdb_preamble(cmds));
  StringSink sink;
  persist::write_aof_commands(a, options, sink);
  CHECK(cmds == sink.data);
  engine::Keyspace c(clock, 16);
  CHECK(replay(parse_all(cmds), c).empty());
  CHECK(test::describe(c, false) == expected(a));

  // Written again over an existing base: replaced whole.
  engine::Keyspace tiny(clock, 16);
  tiny.db(0).set("k", engine::Value::string_from_client("v"));
  persist::write_aof_base(tiny, false, options, temp, final_aof);
  CHECK(read_file(final_aof) ==
        "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
  std::vector<std::string> names = dir.entries();
  std::sort(names.begin(), names.end());
  CHECK(names ==
        std::vector<std::string>{"appendonly.aof.1.base.rdb", "appendonly.aof.2.base.aof"});
}

TEST_CASE("write_aof_base leaves no temp file when it fails", "[aof_base]") {
  util::ManualClock clock;
  engine::Keyspace a(clock, 16);
  fill_all(a, clock.now_ms());
  TempDir dir;
  const std::string temp = dir / "temp-rewriteaof-1.aof";
  persist::RdbSaveOptions options{clock.now_ms(), 0, true};
  for (bool preamble : {true, false}) {
    INFO("rdb preamble " << preamble);
    // The rename fails: the final directory does not exist.
    CHECK_THROWS_AS(
        persist::write_aof_base(a, preamble, options, temp, dir / "missing/appendonly.aof"),
        persist::AofError);
    CHECK(dir.entries().empty());
    // The temp file cannot be created.
    CHECK_THROWS_AS(persist::write_aof_base(a, preamble, options, dir / "missing/temp.aof",
                                            dir / "appendonly.aof"),
                    persist::AofError);
    CHECK(dir.entries().empty());
    // Writing fails: the temp path leads to /dev/full (ENOSPC).
    std::filesystem::create_symlink("/dev/full", temp);
    CHECK_THROWS_WITH(persist::write_aof_base(a, preamble, options, temp, dir / "appendonly.aof"),
                      Catch::Contains("No space left on device"));
    CHECK_FALSE(std::filesystem::exists(std::filesystem::symlink_status(temp)));
    CHECK(dir.entries().empty());
  }
}
