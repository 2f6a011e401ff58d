// engine::KeyObserver as WATCH, keyspace notifications and blocking see it: randomized set,
// insert, remove, take, lookups and expiry against a std::map model that predicts each report
// (stored with `created`, expired, missed), plus the notify-keyspace-events text form.
#include <catch2/catch.hpp>

#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "cardinal/config/keyspace_events.h"
#include "cardinal/engine/keyspace.h"
#include "cardinal/util/clock.h"

using cardinal::engine::Database;
using cardinal::engine::DetachedEntry;
using cardinal::engine::KeyObserver;
using cardinal::engine::Keyspace;
using cardinal::engine::kNoExpire;
using cardinal::engine::Value;
using cardinal::util::ManualClock;

namespace {

struct Recorder final : KeyObserver {
  std::vector<std::string> events;
  void value_stored(const Database&, std::string_view key, bool created) override {
    events.push_back((created ? "new " : "replaced ") + std::string(key));
  }
  void key_expired(const Database&, std::string_view key) override {
    events.push_back("expired " + std::string(key));
  }
  void key_missed(const Database&, std::string_view key) override {
    events.push_back("missed " + std::string(key));
  }
};

// What the model knows of a key: its absolute expiry or kNoExpire.
using Model = std::map<std::string, int64_t>;

}  // namespace

TEST_CASE("KeyObserver reports stores, expiries and misses as the model predicts",
          "[keyspace][key_observer]") {
  ManualClock clock;
  Keyspace ks(clock, 2);
  Recorder rec;
  ks.set_observer(&rec);
  Database& db = ks.db(0);
  Model model;
  std::mt19937_64 rng(7);
  auto key_name = [&] { return "k" + std::to_string(rng() % 12); };
  auto dead = [&](const std::string& k) {
    auto it = model.find(k);
    return it != model.end() && it->second != kNoExpire && clock.now_ms() > it->second;
  };

  for (int step = 0; step < 20000; ++step) {
    std::string k = key_name();
    std::vector<std::string> expected;
    bool present = model.count(k) > 0;
    bool expired = present && dead(k);
    switch (rng() % 8) {
      case 0: {  // set (the engine replaces a dead entry in place: expired, then new)
        bool keep_ttl = rng() % 2;
        db.set(k, Value::string_from_client("v"), keep_ttl);
        if (expired) expected.push_back("expired " + k);
        expected.push_back((present && !expired ? "replaced " : "new ") + k);
        if (!present || expired || !keep_ttl) model[k] = kNoExpire;
        break;
      }
      case 1: {  // insert after take of another key (RENAME-like); needs an absent target
        if (present && !expired) continue;
        if (expired) expected.push_back("expired " + k);
        db.insert(k, DetachedEntry{Value::string_from_client("x"), kNoExpire});
        expected.push_back("new " + k);
        model[k] = kNoExpire;
        break;
      }
      case 2: {  // remove
        bool removed = db.remove(k);
        REQUIRE(removed == (present && !expired));
        if (expired) expected.push_back("expired " + k);
        model.erase(k);
        break;
      }
      case 3: {  // read lookup
        bool found = db.find_for_read(k) != nullptr;
        REQUIRE(found == (present && !expired));
        if (expired) expected.push_back("expired " + k);
        if (!found) expected.push_back("missed " + k);
        if (expired) model.erase(k);
        break;
      }
      case 4: {  // write lookup: expires, never reports a miss
        bool found = db.find_for_write(k) != nullptr;
        REQUIRE(found == (present && !expired));
        if (expired) {
          expected.push_back("expired " + k);
          model.erase(k);
        }
        break;
      }
      case 5: {  // give a live key a TTL of 1..20 ms
        auto* e = db.find_quiet(k);
        if (expired) {
          expected.push_back("expired " + k);
          model.erase(k);
        }
        if (e) {
          int64_t at = clock.now_ms() + 1 + static_cast<int64_t>(rng() % 20);
          db.set_expire(*e, at);
          model[k] = at;
        }
        break;
      }
      case 6:
        clock.advance_ms(static_cast<int64_t>(rng() % 5));
        continue;
      case 7: {  // the cron: every dead key is reported once, in some order
        std::vector<std::string> dead_keys;
        for (auto& [key, at] : model)
          if (dead(key)) dead_keys.push_back("expired " + key);
        rec.events.clear();
        while (db.active_expire(INT64_MAX) > 0) {
        }
        std::sort(rec.events.begin(), rec.events.end());
        REQUIRE(rec.events == dead_keys);
        for (auto it = model.begin(); it != model.end();)
          it = dead(it->first) ? model.erase(it) : ++it;
        rec.events.clear();
        continue;
      }
    }
    REQUIRE(rec.events == expected);
    rec.events.clear();
    REQUIRE(db.size() == model.size());
  }
  ks.set_observer(nullptr);
}

TEST_CASE("Without an observer nothing is reported and expiry still counts",
          "[keyspace][key_observer]") {
  ManualClock clock;
  Keyspace ks(clock, 1);
  Database& db = ks.db(0);
  auto& e = db.set("k", Value::string_from_client("v"));
  db.set_expire(e, clock.now_ms() + 1);
  clock.advance_ms(2);
  REQUIRE(db.find_for_read("k") == nullptr);
  REQUIRE(ks.stats().expired_keys == 1);
  // peek sees a dead entry without deleting it (WATCH's view).
  auto& e2 = db.set("d", Value::string_from_client("v"));
  db.set_expire(e2, clock.now_ms() + 1);
  clock.advance_ms(2);
  REQUIRE(db.peek("d") != nullptr);
  REQUIRE(db.size() == 1);
}

TEST_CASE("notify-keyspace-events parsing and printing", "[keyspace_events]") {
  using cardinal::config::format_keyspace_events;
  using cardinal::config::parse_keyspace_events;
  const std::string valid = "Ag$lshzxeKEtmdn";
  std::mt19937_64 rng(3);
  for (int i = 0; i < 5000; ++i) {
    std::string text;
    bool ok = true;
    for (size_t n = rng() % 8; n > 0; --n) {
      char c = rng() % 10 == 0 ? "QakAB *"[rng() % 7] : valid[rng() % valid.size()];
      ok = ok && valid.find(c) != std::string::npos;
      text += c;
    }
    std::optional<uint32_t> flags = parse_keyspace_events(text);
    REQUIRE(flags.has_value() == ok);
    if (!flags) continue;
    // Each letter sets its class and nothing unrelated; printing loses only 'n' under 'A'.
    std::string printed = format_keyspace_events(*flags);
    std::optional<uint32_t> again = parse_keyspace_events(printed);
    REQUIRE(again.has_value());
    uint32_t lost = ((*flags & cardinal::config::kEventAll) == cardinal::config::kEventAll)
                        ? (*flags & cardinal::config::kEventNew)
                        : 0;
    REQUIRE(*again == (*flags & ~lost));
    REQUIRE(format_keyspace_events(*again) == printed);
  }
  // Printed forms redis-server 7.0.15 gives for these inputs.
  REQUIRE(format_keyspace_events(*parse_keyspace_events("KEA")) == "AKE");
  REQUIRE(format_keyspace_events(*parse_keyspace_events("Kg")) == "gK");
  REQUIRE(format_keyspace_events(*parse_keyspace_events("KEAnm")) == "AKEm");
  REQUIRE(format_keyspace_events(*parse_keyspace_events("Ez$lshzxetdmn")) == "$lshzxetdnEm");
  REQUIRE(format_keyspace_events(*parse_keyspace_events("")) == "");
}
