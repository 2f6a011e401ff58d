// Propagation (propagation.h): a seeded random workload runs on one server while a recorder
// keeps the propagated stream; replaying that stream on a fresh server, at the same clock
// times, must give back exactly the same dataset — every key, type, value and absolute expiry
// in every database — and no replayed command may fail. The workload leans on the commands
// whose arguments do not replay as they are: relative expiries, random pops, float increments,
// blocking and multi-key pops, transactions, lazy expiry.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "cardinal/cmd/propagation.h"
#include "cardinal/engine/hash_value.h"
#include "cardinal/engine/set_value.h"
#include "cardinal/engine/zset_value.h"
#include "harness.h"

using cardinal::test::Harness;

namespace {

struct Recorder final : cardinal::cmd::PropagationSink {
  struct Entry {
    int db;
    std::vector<std::string> argv;
    int64_t at_ms;
  };
  const cardinal::util::ManualClock& clock;
  std::vector<Entry> entries;
  explicit Recorder(const cardinal::util::ManualClock& c) : clock(c) {}
  void command(int db, std::span<const std::string_view> argv) override {
    entries.push_back({db, {argv.begin(), argv.end()}, clock.now_ms()});
  }
};

// Every live key of every database in a canonical text form.
std::string dump(Harness& h) {
  std::string out;
  auto& ks = h.state->keyspace;
  for (int i = 0; i < ks.database_count(); ++i) {
    auto& db = ks.db(i);
    std::map<std::string, std::string> keys;
    db.for_each([&](const cardinal::engine::DbEntry& e) {
      if (db.is_expired(e)) return;
      std::string v(cardinal::engine::type_name(e.value.type()));
      std::vector<std::string> parts;
      switch (e.value.type()) {
        case cardinal::engine::ValueType::String: {
          char scratch[32];
          parts.emplace_back(e.value.string_view(scratch));
          break;
        }
        case cardinal::engine::ValueType::List:
          e.value.as_list().for_each([&](std::string_view x) {
            v += " " + std::string(x);
            return true;
          });
          break;
        case cardinal::engine::ValueType::Set:
          e.value.as_set().for_each([&](std::string_view m) { parts.emplace_back(m); });
          break;
        case cardinal::engine::ValueType::Hash:
          e.value.as_hash().for_each([&](std::string_view f, std::string_view x) {
            parts.push_back(std::string(f) + "=" + std::string(x));
          });
          break;
        case cardinal::engine::ValueType::ZSet:
          e.value.as_zset().for_each([&](std::string_view m, double s) {
            v += " " + std::string(m) + "@" + std::to_string(s);
            return true;
          });
          break;
        default:
          break;
      }
      std::sort(parts.begin(), parts.end());
      for (const std::string& p : parts) v += " " + p;
      v += " ttl=" + std::to_string(db.expire_of(e));
      keys[std::string(e.key())] = v;
    });
    for (const auto& [k, v] : keys) out += std::to_string(i) + ":" + k + " " + v + "\n";
  }
  return out;
}

std::vector<std::vector<std::string>> random_step(std::mt19937_64& rng) {
  auto pick = [&](std::initializer_list<const char*> xs) {
    return std::string(*(xs.begin() + rng() % xs.size()));
  };
  auto num = [&](int lo, int hi) {
    return std::to_string(lo + static_cast<int>(rng() % (hi - lo + 1)));
  };
  std::string k = pick({"a", "b", "c"});
  std::string l = pick({"l1", "l2"});
  std::string s = pick({"s1", "s2"});
  std::string z = pick({"z1", "z2"});
  std::string hk = pick({"h1", "h2"});
  switch (rng() % 32) {
    case 0:
      return {{"SET", k, num(0, 99)}};
    case 1:
      return {{"SET", k, "v", pick({"EX", "PX"}), num(1, 40)}};
    case 2:
      return {{"SETEX", k, num(1, 3), "x"}};
    case 3:
      return {{"PSETEX", k, num(1, 60), "y"}};
    case 4:
      return {{"GETEX", k, pick({"PX", "EX", "PERSIST"}), num(1, 50)}};
    case 5:
      return {{"GETEX", k, "PXAT", "1"}};
    case 6:
      return {{"GETDEL", k}};
    case 7:
      return {{"INCRBYFLOAT", pick({"f1", "f2"}), "1.1"}};
    case 8:
      return {{pick({"EXPIRE", "PEXPIRE"}), k, num(1, 60), pick({"NX", "XX", "GT", "LT"})}};
    case 9:
      return {{pick({"EXPIRE", "PEXPIRE"}), pick({"a", "l1", "s1", "z1", "h1"}), num(-5, 60)}};
    case 10:
      return {{"EXPIREAT", k, "1"}};
    case 11:
      return {{"PERSIST", k}};
    case 12:
      return {{"LPUSH", l, num(0, 9), num(0, 9)}};
    case 13:
      return {{pick({"LPOP", "RPOP"}), l}};
    case 14:
      return {{"LMPOP", "2", "l1", "l2", pick({"LEFT", "RIGHT"}), "COUNT", num(1, 3)}};
    case 15:
      return {{"RPUSH", l, "w"}, {pick({"BLPOP", "BRPOP"}), l, "1"}};
    case 16:
      return {{"RPUSH", "l1", "m"}, {"BLMOVE", "l1", "l2", "LEFT", "RIGHT", "1"}};
    case 17:
      return {{"RPUSH", "l2", "n"}, {"BRPOPLPUSH", "l2", "l1", "1"}};
    case 18:
      return {{"SADD", s, num(0, 20), num(0, 20), num(0, 20)}};
    case 19:
      return {{"SPOP", s}};
    case 20:
      return {{"SPOP", s, num(1, 4)}};
    case 21:
      return {{"HSET", hk, pick({"f", "g"}), num(0, 9)}, {"HINCRBYFLOAT", hk, "f", "0.25"}};
    case 22:
      return {{"ZADD", z, num(0, 9), pick({"m", "n", "o", "p"})}};
    case 23:
      return {{"ZPOPMIN", z}};
    case 24:
      return {{"ZMPOP", "2", "z1", "z2", pick({"MIN", "MAX"}), "COUNT", num(1, 2)}};
    case 25:
      return {{"ZADD", z, "5", "q"}, {pick({"BZPOPMIN", "BZPOPMAX"}), z, "1"}};
    case 26:
      return {{"ZADD", "z1", "1", "r"}, {"BZMPOP", "1", "1", "z1", "MAX"}};
    case 27:
      return {{"MULTI"},
              {"INCRBYFLOAT", "f1", "2.5"},
              {"SPOP", "s1"},
              {"SET", k, "t", "PX", "30"},
              {"EXEC"}};
    case 28:
      return {{"MOVE", k, num(1, 2)}};
    case 29:
      return {{"COPY", k, "cp", "DB", num(0, 2), "REPLACE"}};
    case 30:
      return {{"SELECT", num(0, 2)}};
    default:
      return {{"RENAME", k, pick({"a", "b", "c"})}};
  }
}

}  // namespace

TEST_CASE("the propagated stream replays to the same dataset", "[propagation]") {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    Harness a;
    Recorder recorder(a.clock);
    a.state->set_propagation(&recorder);
    std::mt19937_64 rng(seed);
    for (int i = 0; i < 400; ++i) {
      a.clock.advance_ms(static_cast<int64_t>(rng() % 12));
      for (const auto& command : random_step(rng)) a.run(command);
    }

    Harness b;
    int db = 0;
    for (const Recorder::Entry& e : recorder.entries) {
      b.clock.advance_ms(e.at_ms - b.clock.now_ms());
      if (e.db != db) {
        REQUIRE(b.run({"SELECT", std::to_string(e.db)}) == "+OK\r\n");
        db = e.db;
      }
      std::string reply = b.run(e.argv);
      INFO("seed " << seed << ": replaying " << e.argv[0]);
      REQUIRE(reply.rfind("-", 0) != 0);
      if (e.argv[0] == "EXEC") REQUIRE(reply.find("-") == std::string::npos);
    }
    b.clock.advance_ms(a.clock.now_ms() - b.clock.now_ms());
    INFO("seed " << seed);
    REQUIRE(dump(b) == dump(a));
    REQUIRE(!recorder.entries.empty());
    a.state->set_propagation(nullptr);
  }
}

TEST_CASE("what is propagated for commands that do not replay as they are", "[propagation]") {
  Harness h;
  Recorder r(h.clock);
  h.state->set_propagation(&r);
  auto last = [&] {
    std::string out;
    for (const std::string& a : r.entries.back().argv) out += (out.empty() ? "" : " ") + a;
    return out;
  };
  const std::string now = std::to_string(h.clock.now_ms());
  h("SET k v EX 10");
  CHECK(last() == "SET k v PXAT " + std::to_string(h.clock.now_ms() + 10000));
  h("EXPIRE k 5");
  CHECK(last() == "PEXPIREAT k " + std::to_string(h.clock.now_ms() + 5000));
  h("EXPIRE k -1");
  CHECK(last() == "DEL k");
  size_t before = r.entries.size();
  h("EXPIRE k 10");  // no key: nothing changed, nothing propagated
  h("SADD s a");
  h("SADD s a");
  CHECK(r.entries.size() == before + 1);
  h("SPOP s");
  CHECK(last() == "SREM s a");
  h("INCRBYFLOAT f 0.5");
  CHECK(last() == "SET f 0.5 KEEPTTL");
  h("RPUSH q x");
  h("BLPOP q 0");
  CHECK(last() == "LPOP q");
  h("MULTI");
  h("SET a 1");
  h("GET a");
  h("SET b 2");
  h("EXEC");
  REQUIRE(r.entries.size() >= 4);
  auto argv0 = [&](size_t from_end) { return r.entries[r.entries.size() - from_end].argv[0]; };
  CHECK(argv0(4) == "MULTI");
  CHECK(argv0(3) == "SET");
  CHECK(argv0(2) == "SET");
  CHECK(argv0(1) == "EXEC");
  h("SET gone x PX 5");
  h.clock.advance_ms(10);
  CHECK(h("GET gone") == cardinal::test::Nil());
  CHECK(last() == "DEL gone");  // lazy expiry
  (void)now;
  h.state->set_propagation(nullptr);
}
