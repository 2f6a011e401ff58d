// engine::Keyspace / Database with a ManualClock: lookups, the expiry index, lazy and active
// expiry, and the statistics INFO reports. Time only moves when a test moves it, so every
// boundary (a key is alive at its expiry millisecond and dead one millisecond later) is exact.
#include <catch2/catch.hpp>

#include <cstdio>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "cardinal/ds/rehash_registry.h"
#include "cardinal/engine/keyspace.h"
#include "cardinal/util/clock.h"

using cardinal::engine::Database;
using cardinal::engine::DbEntry;
using cardinal::engine::DetachedEntry;
using cardinal::engine::Keyspace;
using cardinal::engine::kNoExpire;
using cardinal::engine::Value;
using cardinal::util::ManualClock;
using cardinal::util::monotonic_us;

namespace {

Value val(std::string_view s) {
  return Value::string_from_client(s);
}

std::string str(const DbEntry* e) {
  REQUIRE(e != nullptr);
  char scratch[32];
  return std::string(e->value.string_view(scratch));
}

// A generous deadline for active_expire: tests want it to stop on the sample rule, not time.
int64_t far_deadline() {
  return monotonic_us() + 10'000'000;
}

struct Fixture {
  ManualClock clock;
  Keyspace ks{clock, 4};
  Database& db = ks.db(0);
  int64_t now() const { return clock.now_ms(); }
};

}  // namespace

TEST_CASE_METHOD(Fixture, "Database set, find and remove", "[keyspace]") {
  db.set("k", val("v1"));
  REQUIRE(db.size() == 1);
  REQUIRE(str(db.find_for_read("k")) == "v1");
  db.set("k", val("v2"));
  REQUIRE(db.size() == 1);
  REQUIRE(str(db.find_for_write("k")) == "v2");
  REQUIRE(db.find_for_read("missing") == nullptr);
  REQUIRE(db.remove("k"));
  REQUIRE_FALSE(db.remove("k"));
  REQUIRE(db.find_quiet("k") == nullptr);
  REQUIRE(db.size() == 0);
  // Keys are bytes.
  std::string binary("a\0b", 3);
  db.set(binary, val("bin"));
  REQUIRE(db.find_quiet("a") == nullptr);
  REQUIRE(str(db.find_quiet(binary)) == "bin");
}

TEST_CASE_METHOD(Fixture, "Lazy expiry happens only once now > expire_at", "[keyspace]") {
  DbEntry& e = db.set("k", val("v"));
  db.set_expire(e, now() + 100);
  REQUIRE(db.expires_count() == 1);
  clock.advance_ms(100);  // now == expire_at: still alive
  REQUIRE(str(db.find_for_read("k")) == "v");
  REQUIRE(ks.stats().expired_keys == 0);
  clock.advance_ms(1);
  REQUIRE(db.is_expired(e));
  REQUIRE(db.find_for_read("k") == nullptr);
  REQUIRE(ks.stats().expired_keys == 1);
  REQUIRE(db.size() == 0);
  REQUIRE(db.expires_count() == 0);
  // Each lookup flavour expires lazily.
  for (int flavour = 0; flavour < 3; ++flavour) {
    INFO("flavour " << flavour);
    DbEntry& f = db.set("f", val("v"));
    db.set_expire(f, now());
    REQUIRE(db.find_quiet("f") != nullptr);
    clock.advance_ms(1);
    DbEntry* got = flavour == 0   ? db.find_for_read("f")
                   : flavour == 1 ? db.find_for_write("f")
                                  : db.find_quiet("f");
    REQUIRE(got == nullptr);
    REQUIRE(db.size() == 0);
  }
  REQUIRE(ks.stats().expired_keys == 4);
}

TEST_CASE_METHOD(Fixture, "set clears the TTL unless keep_ttl", "[keyspace]") {
  db.set_expire(db.set("k", val("v1")), now() + 1000);
  db.set("k", val("v2"));
  REQUIRE(db.expire_of(*db.find_quiet("k")) == kNoExpire);
  REQUIRE(db.expires_count() == 0);

  db.set_expire(*db.find_quiet("k"), now() + 1000);
  DbEntry& kept = db.set("k", val("v3"), /*keep_ttl=*/true);
  REQUIRE(db.expire_of(kept) == now() + 1000);
  REQUIRE(db.expires_count() == 1);
  REQUIRE(str(&kept) == "v3");

  // A dead predecessor's TTL is not inherited by the new value.
  clock.advance_ms(1001);
  DbEntry& fresh = db.set("k", val("v4"), /*keep_ttl=*/true);
  REQUIRE(db.expire_of(fresh) == kNoExpire);
  REQUIRE(db.expires_count() == 0);
  clock.advance_ms(1'000'000);
  REQUIRE(str(db.find_for_read("k")) == "v4");

  // set_expire twice on one entry indexes it once.
  db.set_expire(fresh, now() + 5);
  db.set_expire(fresh, now() + 50);
  REQUIRE(db.expires_count() == 1);
  REQUIRE(db.expire_of(fresh) == now() + 50);
}

TEST_CASE_METHOD(Fixture, "persist removes the expiry once", "[keyspace]") {
  DbEntry& e = db.set("k", val("v"));
  REQUIRE_FALSE(db.persist(e));
  db.set_expire(e, now() + 10);
  REQUIRE(db.persist(e));
  REQUIRE(db.expire_of(e) == kNoExpire);
  REQUIRE(db.expires_count() == 0);
  REQUIRE_FALSE(db.persist(e));
  clock.advance_ms(100);
  REQUIRE(db.find_for_read("k") != nullptr);
}

TEST_CASE_METHOD(Fixture, "take and insert carry the expiry", "[keyspace]") {
  db.set_expire(db.set("src", val("payload")), now() + 500);
  db.set("plain", val("p"));
  auto taken = db.take("src");
  REQUIRE(taken.has_value());
  REQUIRE(taken->expire_at_ms == now() + 500);
  REQUIRE(db.size() == 1);
  REQUIRE(db.expires_count() == 0);
  REQUIRE(db.find_quiet("src") == nullptr);

  // RENAME-style: same entry under a new key, in another database.
  Database& other = ks.db(1);
  DbEntry& moved = other.insert("dst", std::move(*taken));
  REQUIRE(moved.key() == "dst");
  REQUIRE(other.expire_of(moved) == now() + 500);
  REQUIRE(other.expires_count() == 1);
  REQUIRE(str(other.find_quiet("dst")) == "payload");
  clock.advance_ms(501);
  REQUIRE(other.find_for_read("dst") == nullptr);
  REQUIRE(other.expires_count() == 0);

  // take of an entry without expiry, and of an expired one.
  auto plain = db.take("plain");
  REQUIRE(plain.has_value());
  REQUIRE(plain->expire_at_ms == kNoExpire);
  db.set_expire(db.set("dead", val("x")), now());
  clock.advance_ms(1);
  uint64_t expired_before = ks.stats().expired_keys;
  REQUIRE_FALSE(db.take("dead").has_value());
  REQUIRE(ks.stats().expired_keys == expired_before + 1);
  REQUIRE(db.size() == 0);
  REQUIRE(db.expires_count() == 0);
}

TEST_CASE_METHOD(Fixture, "insert replaces a dead entry that was never reclaimed", "[keyspace]") {
  // insert() only REQUIRES that no *live* entry has the key. An expired entry that no lookup
  // has reclaimed yet is still in the table; insert must not keep it (and drop the new entry).
  db.set_expire(db.set("k", val("old")), now() + 10);
  clock.advance_ms(11);
  DbEntry& e = db.insert("k", DetachedEntry{val("new"), kNoExpire});
  CHECK(db.expire_of(e) == kNoExpire);
  CHECK(db.expires_count() == 0);
  DbEntry* found = db.find_for_read("k");
  REQUIRE(found != nullptr);
  REQUIRE(str(found) == "new");
}

TEST_CASE_METHOD(Fixture, "remove reports an expired key as absent and counts it", "[keyspace]") {
  db.set_expire(db.set("k", val("v")), now() + 1);
  clock.advance_ms(2);
  REQUIRE_FALSE(db.remove("k"));
  REQUIRE(ks.stats().expired_keys == 1);
  REQUIRE(db.size() == 0);
  REQUIRE(db.expires_count() == 0);
}

TEST_CASE_METHOD(Fixture, "random_entry returns only live keys", "[keyspace]") {
  std::set<std::string> live;
  for (int i = 0; i < 200; ++i) {
    std::string key = "live:" + std::to_string(i);
    DbEntry& e = db.set(key, val("v"));
    if (i % 2) db.set_expire(e, now() + 1'000'000);  // volatile but alive
    live.insert(key);
  }
  for (int i = 0; i < 200; ++i)
    db.set_expire(db.set("dead:" + std::to_string(i), val("v")), now() + 5);
  clock.advance_ms(10);
  std::mt19937_64 rng(77);
  std::set<std::string> drawn;
  for (int i = 0; i < 2000; ++i) {
    const DbEntry* e = db.random_entry(rng);
    REQUIRE(e != nullptr);
    REQUIRE_FALSE(db.is_expired(*e));
    REQUIRE(live.count(std::string(e->key())) == 1);
    drawn.insert(std::string(e->key()));
  }
  REQUIRE(drawn.size() > 150);           // and not stuck on a few keys
  REQUIRE(ks.stats().expired_keys > 0);  // dead candidates were deleted on the way
  REQUIRE(db.size() == 200 + (200 - ks.stats().expired_keys));

  Database& empty = ks.db(2);
  REQUIRE(empty.random_entry(rng) == nullptr);
}

TEST_CASE_METHOD(Fixture, "random_entry never returns an expired key, even when most are",
                 "[keyspace]") {
  // The header promises "a random live key ... or nullptr". Like Redis (as a master), expired
  // candidates are deleted until a live key turns up or the database is empty; a bounded retry
  // count (an earlier bug) would return a dead key here almost surely.
  for (int i = 0; i < 2000; ++i)
    db.set_expire(db.set("dead:" + std::to_string(i), val("v")), now() + 5);
  db.set("alive", val("v"));
  clock.advance_ms(10);
  std::mt19937_64 rng(78);
  const DbEntry* e = db.random_entry(rng);
  REQUIRE(e != nullptr);
  CHECK_FALSE(db.is_expired(*e));
  CHECK(e->key() == "alive");

  // Only dead keys: the answer must be "no key".
  Database& d1 = ks.db(1);
  for (int i = 0; i < 500; ++i) d1.set_expire(d1.set("dead:" + std::to_string(i), val("v")), now());
  clock.advance_ms(1);
  CHECK(d1.random_entry(rng) == nullptr);
}

TEST_CASE_METHOD(Fixture, "active_expire deletes the expired keys it samples", "[keyspace]") {
  SECTION("a mix: repeated calls reclaim every dead key and no live one") {
    std::mt19937_64 rng(5);
    std::set<std::string> dead, alive;
    for (int i = 0; i < 3000; ++i) {
      std::string key = "key:" + std::to_string(i);
      DbEntry& e = db.set(key, val("v"));
      switch (rng() % 3) {
        case 0:
          db.set_expire(e, now() + 10);
          dead.insert(key);
          break;
        case 1:
          db.set_expire(e, now() + 1'000'000);
          alive.insert(key);
          break;
        default:
          alive.insert(key);  // no TTL: never sampled
      }
    }
    clock.advance_ms(11);
    size_t total = 0;
    for (int call = 0; db.size() > alive.size() && call < 10'000; ++call) {
      size_t before = db.size();
      size_t n = db.active_expire(far_deadline());
      REQUIRE(db.size() == before - n);
      total += n;
    }
    REQUIRE(total == dead.size());
    REQUIRE(ks.stats().expired_keys == dead.size());
    REQUIRE(db.size() == alive.size());
    for (const std::string& k : alive) REQUIRE(db.find_quiet(k) != nullptr);
    for (const std::string& k : dead) REQUIRE(db.find_quiet(k) == nullptr);
    REQUIRE(ks.stats().expired_keys == dead.size());  // nothing left for lazy expiry
  }
  SECTION("all dead: one call empties the database") {
    for (int i = 0; i < 1000; ++i) db.set_expire(db.set(std::to_string(i), val("v")), now());
    clock.advance_ms(1);
    REQUIRE(db.active_expire(far_deadline()) == 1000);
    REQUIRE(db.size() == 0);
    REQUIRE(db.expires_count() == 0);
  }
  SECTION("nothing expired: nothing deleted") {
    for (int i = 0; i < 100; ++i) db.set_expire(db.set(std::to_string(i), val("v")), now());
    REQUIRE(db.active_expire(far_deadline()) == 0);  // alive at the expiry millisecond
    REQUIRE(db.size() == 100);
  }
}

TEST_CASE_METHOD(Fixture, "cron runs active expiry only when enabled", "[keyspace]") {
  Database& d3 = ks.db(3);
  for (int i = 0; i < 100; ++i) d3.set_expire(d3.set(std::to_string(i), val("v")), now());
  d3.set("keep", val("v"));
  clock.advance_ms(1);
  ks.cron(1'000'000, 1'000, false);
  REQUIRE(d3.size() == 101);
  ks.cron(1'000'000, 1'000, true);
  REQUIRE(d3.size() == 1);
  REQUIRE(ks.stats().expired_keys == 100);
}

TEST_CASE_METHOD(Fixture, "keyspace hit and miss statistics", "[keyspace]") {
  db.set("k", val("v"));
  db.find_for_read("k");
  db.find_for_read("k");
  db.find_for_read("nope");
  db.find_for_write("k");
  db.find_for_write("nope");
  db.find_quiet("k");
  db.find_quiet("nope");
  REQUIRE(ks.stats().keyspace_hits == 2);
  REQUIRE(ks.stats().keyspace_misses == 1);
  // An expired key read is a miss and an expiry.
  db.set_expire(*db.find_quiet("k"), now());
  clock.advance_ms(1);
  db.find_for_read("k");
  REQUIRE(ks.stats().keyspace_misses == 2);
  REQUIRE(ks.stats().expired_keys == 1);
}

TEST_CASE_METHOD(Fixture, "reads update the access time, quiet lookups do not", "[keyspace]") {
  auto idle = [&] { return db.find_quiet("k")->idle_seconds(now()); };
  db.set("k", val("v"));
  REQUIRE(idle() == 0);
  clock.advance_ms(5000);
  db.find_quiet("k");
  REQUIRE(idle() == 5);
  db.find_for_read("k");
  REQUIRE(idle() == 0);
  clock.advance_ms(7000);
  db.find_for_write("k");
  REQUIRE(idle() == 0);
  clock.advance_ms(3000);
  REQUIRE(idle() == 3);
}

TEST_CASE_METHOD(Fixture, "idle time wraps like Redis's 24-bit LRU clock", "[keyspace]") {
  db.set("k", val("v"));
  // Across the wrap of the 24-bit seconds clock the idle time is still right.
  int64_t wrap_ms = int64_t{1 << 24} * 1000;
  int64_t start = now();
  clock.advance_ms(wrap_ms - start % wrap_ms - 2000);  // two seconds before a wrap
  db.find_for_read("k");
  clock.advance_ms(10'000);
  REQUIRE(db.find_quiet("k")->idle_seconds(now()) == 10);
}

TEST_CASE_METHOD(Fixture, "average_ttl_ms over the expiry index", "[keyspace]") {
  REQUIRE(db.average_ttl_ms() == 0);
  db.set_expire(db.set("a", val("v")), now() + 1000);
  db.set_expire(db.set("b", val("v")), now() + 3000);
  db.set("c", val("v"));
  REQUIRE(db.average_ttl_ms() == 2000);
}

TEST_CASE_METHOD(Fixture, "swap exchanges whole databases, expiries included", "[keyspace]") {
  Database& d0 = ks.db(0);
  Database& d1 = ks.db(1);
  d0.set("only0", val("zero"));
  d1.set_expire(d1.set("only1", val("one")), now() + 100);
  d1.set("also1", val("uno"));
  ks.swap(0, 1);
  REQUIRE(ks.db(0).size() == 2);
  REQUIRE(ks.db(1).size() == 1);
  REQUIRE(str(ks.db(0).find_quiet("only1")) == "one");
  REQUIRE(ks.db(0).expires_count() == 1);
  REQUIRE(ks.db(1).expires_count() == 0);
  REQUIRE(str(ks.db(1).find_quiet("only0")) == "zero");
  REQUIRE(ks.db(1).find_quiet("only1") == nullptr);
  // The swapped-in database still expires by the shared clock.
  clock.advance_ms(101);
  REQUIRE(ks.db(0).find_for_read("only1") == nullptr);
  REQUIRE(ks.db(0).size() == 1);
  REQUIRE(ks.stats().expired_keys == 1);
  REQUIRE(ks.total_keys() == 2);
}

TEST_CASE_METHOD(Fixture, "flush_all empties every database", "[keyspace]") {
  for (int d = 0; d < ks.database_count(); ++d) {
    Database& x = ks.db(d);
    for (int i = 0; i < 50; ++i) {
      DbEntry& e = x.set(std::to_string(i), val("v"));
      if (i % 2) x.set_expire(e, now() + 100);
    }
  }
  REQUIRE(ks.total_keys() == 200);
  ks.flush_all();
  REQUIRE(ks.total_keys() == 0);
  for (int d = 0; d < ks.database_count(); ++d) {
    REQUIRE(ks.db(d).expires_count() == 0);
    REQUIRE(ks.db(d).find_quiet("1") == nullptr);
  }
  // Still usable, and active expiry starts over cleanly.
  db.set_expire(db.set("k", val("v")), now());
  clock.advance_ms(1);
  REQUIRE(db.active_expire(far_deadline()) == 1);
}

TEST_CASE_METHOD(Fixture, "Database scan visits every key once when nothing changes",
                 "[keyspace]") {
  for (int i = 0; i < 500; ++i) db.set("k" + std::to_string(i), val("v"));
  std::multiset<std::string> seen;
  uint64_t cursor = 0;
  do {
    cursor = db.scan(cursor, [&](const DbEntry& e) { seen.insert(std::string(e.key())); });
  } while (cursor != 0);
  REQUIRE(seen.size() == 500);
  for (int i = 0; i < 500; ++i) REQUIRE(seen.count("k" + std::to_string(i)) == 1);
}

TEST_CASE_METHOD(Fixture, "Database overhead: a 25-byte header per key plus bucket slots",
                 "[keyspace][memory]") {
  REQUIRE(sizeof(DbEntry) == 24);
  size_t empty = db.overhead_bytes();
  constexpr size_t kN = 40000;
  char key[32];
  for (size_t i = 0; i < kN; ++i) {
    std::snprintf(key, sizeof key, "key:%012zu", i);
    db.set(key, val("v"));
  }
  // Measured once no resize is in flight (mid-resize both bucket arrays exist).
  while (cardinal::ds::RehashRegistry::instance().run_for_us(1'000'000) > 0) {
  }
  double per_key = static_cast<double>(db.overhead_bytes() - empty) / kN;
  CHECK(per_key >= 25 + 8 * 0.5);
  CHECK(per_key <= 25 + 16 + 1);
  // An expiry adds an index node (link, entry pointer, time) and its bucket share.
  for (size_t i = 0; i < kN; ++i) {
    std::snprintf(key, sizeof key, "key:%012zu", i);
    db.set_expire(*db.find_quiet(key), now() + 1000);
  }
  while (cardinal::ds::RehashRegistry::instance().run_for_us(1'000'000) > 0) {
  }
  double with_ttl = static_cast<double>(db.overhead_bytes() - empty) / kN;
  CHECK(with_ttl - per_key >= 24 + 8 * 0.5);
  CHECK(with_ttl - per_key <= 24 + 16 + 1);
  db.clear();
  CHECK(db.overhead_bytes() <= empty);
}
