// engine::SetValue and engine::set_ops against std::set<std::string> oracles. The encoding
// rules are checked against a model of Redis 7.0: a set starts as an intset only when its
// first member is the canonical decimal form of an int64, converts to a hashtable when a
// non-integer arrives or it grows past max_intset_entries, and never converts back.
#include <catch2/catch.hpp>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cardinal/ds/rehash_registry.h"
#include "cardinal/engine/hash_value.h"
#include "cardinal/engine/set_ops.h"
#include "cardinal/engine/set_value.h"

using cardinal::engine::SetValue;
using Enc = SetValue::Encoding;
using Oracle = std::set<std::string>;

// REQUIRE only on failure: Catch2's per-assertion bookkeeping would otherwise dominate the
// runtime of the oracle loops. `cond` must have no side effects.
#define FAST_REQUIRE(cond)      \
  do {                          \
    if (!(cond)) REQUIRE(cond); \
  } while (0)

namespace {

constexpr size_t kHuge = size_t{1} << 30;  // a max_intset_entries that never triggers

// The oracle's notion of an integer member: exactly the canonical rendering of an int64.
// (Written independently of the engine: round-trip through from_chars/to_string.)
bool is_canonical_int(const std::string& s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() && std::to_string(v) == s;
}

std::vector<std::string> members_of(const SetValue& s) {
  std::vector<std::string> out;
  s.for_each([&](std::string_view m) { out.emplace_back(m); });
  return out;
}

// for_each reports each member exactly once and (for an intset) in ascending numeric order.
void check_same(const SetValue& s, const Oracle& want) {
  std::vector<std::string> got = members_of(s);
  REQUIRE(s.size() == want.size());
  REQUIRE(got.size() == want.size());
  REQUIRE(Oracle(got.begin(), got.end()) == want);
  if (s.encoding() == Enc::IntSet) {
    std::vector<int64_t> nums;
    for (const std::string& m : got) {
      FAST_REQUIRE(is_canonical_int(m));
      nums.push_back(std::stoll(m));
    }
    REQUIRE(std::is_sorted(nums.begin(), nums.end()));
    REQUIRE(s.integers() == nums);
  }
}

// A whole SSCAN-style iteration; an intset must be reported in one call that returns 0.
Oracle full_scan(SetValue& s, uint64_t first_cursor = 0) {
  Oracle seen;
  uint64_t cursor = first_cursor;
  int calls = 0;
  do {
    cursor = s.scan(cursor, [&](std::string_view m) { seen.emplace(m); });
    REQUIRE(++calls < 100000);
  } while (cursor != 0);
  if (s.encoding() == Enc::IntSet) REQUIRE(calls == 1);
  return seen;
}

// Builds a set holding `members`. force_table turns an all-integer set into a hashtable by
// adding under max_intset_entries = 0 (size 1 > 0 converts at once).
std::unique_ptr<SetValue> build(const std::vector<std::string>& members, bool force_table) {
  auto s = SetValue::empty_intset();
  for (const std::string& m : members) s->add(m, force_table ? 0 : kHuge);
  return s;
}

const std::vector<std::string> kNonIntegers = {"a",
                                               "007",
                                               "1.5",
                                               "-0",
                                               " 1",
                                               "1 ",
                                               "+1",
                                               "",
                                               "0x10",
                                               "1e3",
                                               "--1",
                                               "-",
                                               "9223372036854775808",    // INT64_MAX + 1
                                               "-9223372036854775809",   // INT64_MIN - 1
                                               "123456789012345678901",  // 21 digits
                                               "-00",
                                               std::string("7\0", 2),
                                               std::string("\0", 1)};

}  // namespace

TEST_CASE("SetValue: the first member decides intset or hashtable", "[set]") {
  for (const char* m :
       {"0", "1", "-1", "-7", "42", "9223372036854775807", "-9223372036854775808"}) {
    INFO("member '" << m << "'");
    auto s = SetValue::for_member(m);
    CHECK(s->encoding() == Enc::IntSet);
    CHECK(s->size() == 0);
    CHECK(s->add(m, 512));
    CHECK(s->encoding() == Enc::IntSet);
    CHECK(s->contains(m));
    CHECK(members_of(*s) == std::vector<std::string>{m});
  }
  for (const std::string& m : kNonIntegers) {
    INFO("member '" << m << "' (" << m.size() << " bytes)");
    REQUIRE_FALSE(is_canonical_int(m));
    auto s = SetValue::for_member(m);
    CHECK(s->encoding() == Enc::HashTable);
    CHECK(s->add(m, 512));
    CHECK(s->contains(m));
    CHECK(members_of(*s) == std::vector<std::string>{m});
  }
  auto e = SetValue::empty_intset();
  CHECK(e->encoding() == Enc::IntSet);
  CHECK(e->size() == 0);
  CHECK(members_of(*e).empty());
}

TEST_CASE("SetValue: a non-integer member converts an intset, and it never converts back",
          "[set]") {
  for (const std::string& bad : kNonIntegers) {
    INFO("member '" << bad << "' (" << bad.size() << " bytes)");
    auto s = SetValue::for_member("5");
    REQUIRE(s->add("5", 512));
    REQUIRE(s->add("-3", 512));
    // Looking up a non-integer in an intset neither finds it nor converts.
    CHECK_FALSE(s->contains(bad));
    CHECK_FALSE(s->remove(bad));
    CHECK(s->encoding() == Enc::IntSet);
    CHECK(s->add(bad, 512));
    CHECK(s->encoding() == Enc::HashTable);
    check_same(*s, {"5", "-3", bad});
    CHECK_FALSE(s->add(bad, 512));
    CHECK_FALSE(s->add("5", 512));
    CHECK(s->remove(bad));
    CHECK(s->encoding() == Enc::HashTable);  // all-integer again, still a hashtable
    CHECK(s->remove("5"));
    CHECK(s->remove("-3"));
    CHECK(s->size() == 0);
    CHECK(s->encoding() == Enc::HashTable);
    CHECK(s->add("1", 512));
    CHECK(s->encoding() == Enc::HashTable);
    check_same(*s, {"1"});
  }
}

TEST_CASE("SetValue: size > max_intset_entries converts; size == max does not", "[set]") {
  auto s = SetValue::for_member("1");
  for (int i = 1; i <= 4; ++i) CHECK(s->add(std::to_string(i), 4));
  CHECK(s->encoding() == Enc::IntSet);
  CHECK_FALSE(s->add("3", 4));  // a duplicate neither grows nor converts
  CHECK(s->encoding() == Enc::IntSet);
  CHECK(s->add("5", 4));
  CHECK(s->encoding() == Enc::HashTable);
  check_same(*s, {"1", "2", "3", "4", "5"});
  for (const char* m : {"1", "2", "3", "4"}) CHECK(s->remove(m));
  CHECK(s->encoding() == Enc::HashTable);
  check_same(*s, {"5"});

  SECTION("max 0 converts on the first add") {
    auto z = SetValue::for_member("7");
    CHECK(z->encoding() == Enc::IntSet);
    CHECK(z->add("7", 0));
    CHECK(z->encoding() == Enc::HashTable);
    check_same(*z, {"7"});
  }
  SECTION("the limit is the caller's at each add, not remembered") {
    auto t = SetValue::for_member("1");
    for (int i = 1; i <= 10; ++i) CHECK(t->add(std::to_string(i), 512));
    CHECK(t->encoding() == Enc::IntSet);
    CHECK_FALSE(t->add("10", 2));  // already there: no conversion even though 10 > 2
    CHECK(t->encoding() == Enc::IntSet);
    CHECK(t->add("11", 2));
    CHECK(t->encoding() == Enc::HashTable);
  }
}

TEST_CASE("SetValue: integers are matched and rendered canonically", "[set]") {
  auto s = SetValue::for_member("-7");
  for (const char* m : {"-7", "9223372036854775807", "-9223372036854775808", "0", "100"})
    CHECK(s->add(m, 512));
  REQUIRE(s->encoding() == Enc::IntSet);
  CHECK(members_of(*s) ==
        std::vector<std::string>{"-9223372036854775808", "-7", "0", "100", "9223372036854775807"});
  CHECK(s->integers() == std::vector<int64_t>{INT64_MIN, -7, 0, 100, INT64_MAX});
  for (const char* m : {"-07", "+100", "0100", "-0", "100 ", " 100", "100.0", "1e2"}) {
    INFO(m);
    CHECK_FALSE(s->contains(m));
    CHECK_FALSE(s->remove(m));
  }
  CHECK(s->size() == 5);
  CHECK(s->contains("-7"));
  CHECK(s->contains("9223372036854775807"));
  CHECK(s->contains("-9223372036854775808"));

  // After conversion the hashtable holds the same canonical strings.
  CHECK(s->add("x", 512));
  REQUIRE(s->encoding() == Enc::HashTable);
  check_same(*s, {"-9223372036854775808", "-7", "0", "100", "9223372036854775807", "x"});
  CHECK_FALSE(s->contains("-07"));
  CHECK_FALSE(s->add("-7", 512));
  CHECK(s->add("-07", 512));  // a different string in a hashtable
  CHECK(s->size() == 7);
}

TEST_CASE("SetValue: seeded random operations against a std::set oracle", "[set]") {
  for (uint64_t seed : {1u, 7u, 20240611u}) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
    auto member = [&]() -> std::string {
      size_t r = pick(1000);
      if (r < 4) return kNonIntegers[pick(kNonIntegers.size())];
      if (r < 8) return "m" + std::to_string(pick(40));
      if (r < 10) return pick(2) ? "9223372036854775807" : "-9223372036854775808";
      return std::to_string(static_cast<int64_t>(pick(121)) - 60);
    };
    for (int life = 0; life < 25; ++life) {
      const size_t max_entries = std::vector<size_t>{0, 3, 16, 64, 512}[pick(5)];
      CAPTURE(life, max_entries);
      std::string first = member();
      auto s = SetValue::for_member(first);
      bool want_table = !is_canonical_int(first);
      REQUIRE((s->encoding() == Enc::HashTable) == want_table);
      Oracle want;
      const int ops = 150 + static_cast<int>(pick(250));
      for (int op = 0; op < ops; ++op) {
        std::string m = op == 0 ? first : member();
        size_t kind = op == 0 ? 0 : pick(10);
#define OP_REQUIRE(cond)                                                \
  do {                                                                  \
    if (!(cond)) {                                                      \
      INFO("op " << op << " kind " << kind << " member '" << m << "'"); \
      REQUIRE(cond);                                                    \
    }                                                                   \
  } while (0)
        if (kind < 6) {
          bool fresh = want.insert(m).second;
          if (fresh && (!is_canonical_int(m) || want.size() > max_entries)) want_table = true;
          OP_REQUIRE(s->add(m, max_entries) == fresh);
        } else if (kind < 9) {
          bool had = want.erase(m) == 1;
          OP_REQUIRE(s->remove(m) == had);
        } else {
          OP_REQUIRE(s->contains(m) == (want.count(m) == 1));
        }
        OP_REQUIRE(s->size() == want.size());
        OP_REQUIRE((s->encoding() == Enc::HashTable) == want_table);
        if (op % 25 == 0 && !want.empty()) {
          std::string r = s->random_member(rng);
          OP_REQUIRE(want.count(r) == 1);
        }
#undef OP_REQUIRE
      }
      check_same(*s, want);
      for (const std::string& m : want) FAST_REQUIRE(s->contains(m));
      REQUIRE(full_scan(*s) == want);
      if (s->encoding() == Enc::IntSet) {
        // Any cursor reports the whole intset and comes back as 0.
        Oracle seen;
        REQUIRE(s->scan(123456789, [&](std::string_view m) { seen.emplace(m); }) == 0);
        REQUIRE(seen == want);
      }
      auto copy = s->clone();
      REQUIRE(copy->encoding() == s->encoding());
      check_same(*copy, want);
      // The clone is independent of the original, in both directions.
      copy->add("clone-only", max_entries);
      if (!want.empty()) copy->remove(*want.begin());
      check_same(*s, want);
      s->add("original-only", max_entries);
      REQUIRE_FALSE(copy->contains("original-only"));
    }
  }
}

TEST_CASE("SetValue: random_member always returns a member and reaches every member", "[set]") {
  std::mt19937_64 rng(99);
  SECTION("intset") {
    auto s = build({"-5", "0", "3", "17", "9223372036854775807", "-9223372036854775808"}, false);
    REQUIRE(s->encoding() == Enc::IntSet);
    std::vector<std::string> all = members_of(*s);
    Oracle want(all.begin(), all.end());
    Oracle seen;
    for (int i = 0; i < 600; ++i) {
      std::string m = s->random_member(rng);
      FAST_REQUIRE(want.count(m) == 1);
      seen.insert(m);
    }
    CHECK(seen == want);
  }
  SECTION("hashtable, also after heavy removal") {
    auto s = SetValue::for_member("a");
    for (int i = 0; i < 1000; ++i) s->add("m" + std::to_string(i), 512);
    Oracle want;
    for (int i = 0; i < 1000; ++i) {
      if (i % 50 == 0) {
        want.insert("m" + std::to_string(i));
      } else {
        REQUIRE(s->remove("m" + std::to_string(i)));
      }
    }
    REQUIRE(s->encoding() == Enc::HashTable);
    REQUIRE(s->size() == want.size());
    Oracle seen;
    for (int i = 0; i < 2000; ++i) {
      std::string m = s->random_member(rng);
      FAST_REQUIRE(want.count(m) == 1);
      seen.insert(m);
    }
    CHECK(seen == want);
  }
  SECTION("a single member") {
    auto s = build({"only"}, false);
    for (int i = 0; i < 10; ++i) CHECK(s->random_member(rng) == "only");
  }
}

TEST_CASE("SetValue: a hashtable scan reports every member across cursors", "[set]") {
  auto s = SetValue::for_member("x");
  Oracle want;
  for (int i = 0; i < 700; ++i) {
    std::string m = i % 3 ? "k" + std::to_string(i) : std::to_string(i);
    s->add(m, 512);
    want.insert(m);
  }
  REQUIRE(s->encoding() == Enc::HashTable);
  uint64_t cursor = 0;
  int calls = 0;
  Oracle seen;
  do {
    cursor = s->scan(cursor, [&](std::string_view m) { seen.emplace(m); });
    ++calls;
  } while (cursor != 0);
  CHECK(calls > 1);  // a real incremental scan, not one sweep
  CHECK(seen == want);
  // An empty hashtable (everything removed) scans to nothing.
  for (const std::string& m : want) s->remove(m);
  CHECK(full_scan(*s).empty());
}

// ---- set_ops --------------------------------------------------------------------------

namespace {

using cardinal::engine::set_difference;
using cardinal::engine::set_intersect;
using cardinal::engine::set_union;

struct Case {
  std::vector<std::unique_ptr<SetValue>> owned;
  std::vector<const SetValue*> ptrs;
  std::vector<Oracle> oracles;
};

// A random set over a small universe so that intersections are often non-empty. Kinds:
// 0 intset, 1 all-integer hashtable, 2 mixed hashtable, 3 empty (intset or emptied hashtable).
void add_random_set(Case& c, std::mt19937_64& rng) {
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  size_t kind = pick(10);
  kind = kind < 4 ? 0 : kind < 6 ? 1 : kind < 9 ? 2 : 3;
  std::vector<std::string> members;
  size_t n = kind == 3 ? 0 : 1 + pick(40);
  for (size_t i = 0; i < n; ++i) {
    if (kind == 2 && pick(3) == 0) {
      static const char* kText[] = {"a", "b", "c", "05", "-0", "x y", "007"};
      members.emplace_back(kText[pick(7)]);
    } else {
      members.push_back(std::to_string(static_cast<int64_t>(pick(50)) - 10));
    }
  }
  std::unique_ptr<SetValue> s;
  if (kind == 3 && pick(2)) {
    s = build({"gone"}, false);
    s->remove("gone");
  } else {
    s = build(members, kind == 1);
  }
  if (kind == 0) REQUIRE(s->encoding() == Enc::IntSet);
  if (kind == 1) REQUIRE(s->encoding() == Enc::HashTable);
  if (kind == 2 && !std::all_of(members.begin(), members.end(), is_canonical_int))
    REQUIRE(s->encoding() == Enc::HashTable);
  c.oracles.emplace_back(members.begin(), members.end());
  c.ptrs.push_back(s.get());
  c.owned.push_back(std::move(s));
}

Oracle oracle_intersection(const std::vector<Oracle>& sets) {
  Oracle out = sets.front();
  for (size_t i = 1; i < sets.size(); ++i) {
    Oracle next;
    for (const std::string& m : out)
      if (sets[i].count(m)) next.insert(m);
    out = std::move(next);
  }
  return out;
}

// Runs set_intersect; checks distinctness and the returned count.
std::vector<std::string> intersect(const std::vector<const SetValue*>& sets, size_t limit) {
  std::vector<std::string> got;
  size_t n = set_intersect(
      sets, [&](std::string_view m) { got.emplace_back(m); }, limit);
  REQUIRE(n == got.size());
  REQUIRE(Oracle(got.begin(), got.end()).size() == got.size());
  return got;
}

}  // namespace

TEST_CASE("set_intersect: 1..5 sets of mixed encodings against the oracle", "[set]") {
  for (uint64_t seed : {3u, 11u, 4242u}) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    for (int trial = 0; trial < 150; ++trial) {
      CAPTURE(trial);
      Case c;
      size_t k = 1 + std::uniform_int_distribution<size_t>(0, 4)(rng);
      for (size_t i = 0; i < k; ++i) add_random_set(c, rng);
      // Sometimes pass the same set twice, as SINTER a a does.
      if (std::uniform_int_distribution<int>(0, 5)(rng) == 0) {
        c.ptrs.push_back(c.ptrs.front());
        c.oracles.push_back(c.oracles.front());
      }
      Oracle want = oracle_intersection(c.oracles);
      CAPTURE(c.ptrs.size(), want.size());
      std::vector<std::string> all = intersect(c.ptrs, 0);
      REQUIRE(Oracle(all.begin(), all.end()) == want);

      size_t limit = 1 + std::uniform_int_distribution<size_t>(0, want.size() + 2)(rng);
      CAPTURE(limit);
      std::vector<std::string> some = intersect(c.ptrs, limit);
      REQUIRE(some.size() == std::min(limit, want.size()));
      for (const std::string& m : some) REQUIRE(want.count(m) == 1);
    }
  }
}

TEST_CASE("set_intersect: two intsets of very different sizes (galloping)", "[set]") {
  // large: every third integer from -30000 up, plus INT64_MAX at the very end.
  auto large = SetValue::empty_intset();
  Oracle large_o;
  for (int64_t v = -30000; v < 30000; v += 3) {
    large->add(std::to_string(v), kHuge);
    large_o.insert(std::to_string(v));
  }
  large->add("9223372036854775807", kHuge);
  large_o.insert("9223372036854775807");
  REQUIRE(large->encoding() == Enc::IntSet);
  REQUIRE(large->size() == 20001);

  std::vector<std::vector<std::string>> smalls = {
      {"-30000", "29997"},            // both ends of the run
      {"-30003", "30000", "1", "2"},  // all misses, outside and inside
      {"-9223372036854775808", "0", "9223372036854775807"},
      {"-29997", "-3", "3", "6", "9999", "10000", "29996"},
      {"29997"},
      {"-30000"},
      {"12"},
      {"13"},
  };
  std::mt19937_64 rng(5);
  std::vector<std::string> random_small;
  for (int i = 0; i < 40; ++i)
    random_small.push_back(
        std::to_string(std::uniform_int_distribution<int64_t>(-31000, 31000)(rng)));
  smalls.push_back(random_small);

  for (const auto& members : smalls) {
    auto small = build(members, false);
    REQUIRE(small->encoding() == Enc::IntSet);
    Oracle want;
    for (const std::string& m : members)
      if (large_o.count(m)) want.insert(m);
    CAPTURE(members, want.size());
    for (bool small_first : {true, false}) {
      CAPTURE(small_first);
      std::vector<const SetValue*> sets =
          small_first ? std::vector<const SetValue*>{small.get(), large.get()}
                      : std::vector<const SetValue*>{large.get(), small.get()};
      std::vector<std::string> got = intersect(sets, 0);
      CHECK(Oracle(got.begin(), got.end()) == want);
      for (size_t limit = 1; limit <= want.size() + 1; ++limit) {
        std::vector<std::string> some = intersect(sets, limit);
        CHECK(some.size() == std::min(limit, want.size()));
        for (const std::string& m : some) CHECK(want.count(m) == 1);
      }
    }
  }
  // The galloping path must agree with the generic path: the same members as a hashtable.
  auto small = build(random_small, false);
  auto small_table = build(random_small, true);
  REQUIRE(small_table->encoding() == Enc::HashTable);
  std::vector<std::string> a = intersect({small.get(), large.get()}, 0);
  std::vector<std::string> b = intersect({small_table.get(), large.get()}, 0);
  CHECK(Oracle(a.begin(), a.end()) == Oracle(b.begin(), b.end()));
  // An intset against itself.
  CHECK(intersect({large.get(), large.get()}, 0).size() == large->size());
  CHECK(intersect({large.get(), large.get()}, 7).size() == 7);
}

TEST_CASE("set_intersect: empty inputs", "[set]") {
  auto ints = build({"1", "2", "3"}, false);
  auto table = build({"1", "2", "a"}, false);
  auto empty_int = SetValue::empty_intset();
  auto emptied_table = build({"x"}, false);
  REQUIRE(emptied_table->remove("x"));
  REQUIRE(emptied_table->encoding() == Enc::HashTable);

  int calls = 0;
  auto count = [&](std::string_view) { ++calls; };
  CHECK(set_intersect(std::vector<const SetValue*>{}, count) == 0);
  CHECK(set_intersect(std::vector<const SetValue*>{}, count, 3) == 0);
  CHECK(set_intersect(std::vector<const SetValue*>{empty_int.get()}, count) == 0);
  CHECK(set_intersect(std::vector<const SetValue*>{ints.get(), empty_int.get()}, count) == 0);
  CHECK(set_intersect(std::vector<const SetValue*>{emptied_table.get(), table.get()}, count) == 0);
  CHECK(set_intersect(std::vector<const SetValue*>{ints.get(), table.get(), emptied_table.get()},
                      count, 1) == 0);
  CHECK(calls == 0);

  std::vector<std::string> got = intersect({ints.get(), table.get()}, 0);
  CHECK(Oracle(got.begin(), got.end()) == Oracle{"1", "2"});
  got = intersect({table.get()}, 0);
  CHECK(Oracle(got.begin(), got.end()) == Oracle{"1", "2", "a"});
  CHECK(intersect({table.get()}, 2).size() == 2);
}

TEST_CASE("set_difference: against the oracle, mixed encodings", "[set]") {
  std::mt19937_64 rng(17);
  for (int trial = 0; trial < 300; ++trial) {
    CAPTURE(trial);
    Case c;
    size_t k = 1 + std::uniform_int_distribution<size_t>(0, 3)(rng);
    for (size_t i = 0; i < k; ++i) add_random_set(c, rng);
    if (std::uniform_int_distribution<int>(0, 6)(rng) == 0) {  // SDIFF a ... a
      c.ptrs.push_back(c.ptrs.front());
      c.oracles.push_back(c.oracles.front());
    }
    Oracle want = c.oracles.front();
    for (size_t i = 1; i < c.oracles.size(); ++i)
      for (const std::string& m : c.oracles[i]) want.erase(m);
    std::vector<std::string> got;
    set_difference(c.ptrs, [&](std::string_view m) { got.emplace_back(m); });
    REQUIRE(got.size() == want.size());
    REQUIRE(Oracle(got.begin(), got.end()) == want);
  }
  int calls = 0;
  set_difference(std::vector<const SetValue*>{}, [&](std::string_view) { ++calls; });
  auto empty = SetValue::empty_intset();
  auto other = build({"1", "a"}, false);
  set_difference(std::vector<const SetValue*>{empty.get(), other.get()},
                 [&](std::string_view) { ++calls; });
  CHECK(calls == 0);
  std::vector<std::string> got;
  set_difference(std::vector<const SetValue*>{other.get(), empty.get()},
                 [&](std::string_view m) { got.emplace_back(m); });
  CHECK(Oracle(got.begin(), got.end()) == Oracle{"1", "a"});
}

TEST_CASE("set_union: members against the oracle; intset only while all-integer and small",
          "[set]") {
  std::mt19937_64 rng(23);
  for (int trial = 0; trial < 300; ++trial) {
    CAPTURE(trial);
    Case c;
    size_t k = 1 + std::uniform_int_distribution<size_t>(0, 4)(rng);
    for (size_t i = 0; i < k; ++i) add_random_set(c, rng);
    const size_t max_entries = std::vector<size_t>{0, 5, 20, 40, 512}[trial % 5];
    CAPTURE(max_entries);
    Oracle want;
    for (const Oracle& o : c.oracles) want.insert(o.begin(), o.end());
    bool all_int = std::all_of(want.begin(), want.end(), is_canonical_int);
    auto u = set_union(c.ptrs, max_entries);
    check_same(*u, want);
    REQUIRE(u->encoding() ==
            (all_int && want.size() <= max_entries ? Enc::IntSet : Enc::HashTable));
    // The inputs are untouched.
    for (size_t i = 0; i < c.ptrs.size(); ++i) check_same(*c.ptrs[i], c.oracles[i]);
  }

  auto a = build({"1", "2", "3"}, true);  // an all-integer hashtable
  auto b = build({"3", "4"}, false);
  std::vector<const SetValue*> ab{a.get(), b.get()};
  auto exact = set_union(ab, 4);
  CHECK(exact->encoding() == Enc::IntSet);  // hashtable inputs do not force a hashtable result
  check_same(*exact, {"1", "2", "3", "4"});
  auto over = set_union(ab, 3);
  CHECK(over->encoding() == Enc::HashTable);
  check_same(*over, {"1", "2", "3", "4"});
  auto text = build({"a"}, false);
  auto mixed = set_union(std::vector<const SetValue*>{b.get(), text.get()}, 512);
  CHECK(mixed->encoding() == Enc::HashTable);
  check_same(*mixed, {"3", "4", "a"});
  auto none = set_union(std::vector<const SetValue*>{}, 512);
  CHECK(none->size() == 0);
  CHECK(none->encoding() == Enc::IntSet);
}

TEST_CASE("SetValue and HashValue memory accounting: bytes per element", "[set][hash][memory]") {
  // A 16-byte member is one 25-byte node (link, length byte, bytes) plus its bucket slot share
  // (8 bytes at load factor 1, at most 16 right after a doubling).
  cardinal::engine::SetValue set;
  cardinal::engine::HashValue hash;
  cardinal::engine::HashLimits limits;
  constexpr size_t kN = 50000;
  char name[32];
  for (size_t i = 0; i < kN; ++i) {
    std::snprintf(name, sizeof name, "member:%09zu", i);  // 16 bytes
    set.add(name, 512);
    hash.set(name, "v", limits);
  }
  REQUIRE(set.encoding() == cardinal::engine::SetValue::Encoding::HashTable);
  REQUIRE(hash.encoding() == cardinal::engine::HashValue::Encoding::HashTable);
  double set_per = static_cast<double>(set.memory_bytes()) / kN;
  double hash_per = static_cast<double>(hash.memory_bytes()) / kN;
  CHECK(set_per >= 25 + 8 * 0.5);
  CHECK(set_per <= 25 + 16 + 1);
  CHECK(hash_per >= 27 + 8 * 0.5);  // + value length byte and "v"
  CHECK(hash_per <= 27 + 16 + 1);
  for (size_t i = 0; i < kN; ++i) {
    std::snprintf(name, sizeof name, "member:%09zu", i);
    set.remove(name);
    hash.remove(name);
  }
  while (cardinal::ds::RehashRegistry::instance().run_for_us(1'000'000) > 0) {
  }
  CHECK(set.memory_bytes() < 1024);
  CHECK(hash.memory_bytes() < 1024);
}
