// engine::HashValue against oracles: a std::map<std::string, std::string> for contents and an
// insertion-ordered vector for the listpack order. The encoding rules are a model of Redis 7.0:
// a hash starts as a listpack; a field or value longer than max_listpack_value converts it to a
// hashtable before the pair is stored; more than max_listpack_entries entries after a store
// converts it; it never converts back.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cardinal/engine/hash_value.h"

using cardinal::engine::HashLimits;
using cardinal::engine::HashValue;
using Enc = HashValue::Encoding;
using Pairs = std::vector<std::pair<std::string, std::string>>;
using Map = std::map<std::string, std::string>;

namespace {

HashLimits lim(size_t entries, size_t value) {
  HashLimits l;
  l.max_listpack_entries = entries;
  l.max_listpack_value = value;
  return l;
}

// Contents in insertion order (what a listpack must show) plus a map for lookups.
struct Oracle {
  Pairs ordered;
  Map map;

  bool set(const std::string& f, const std::string& v) {
    auto [it, fresh] = map.insert_or_assign(f, v);
    if (fresh) {
      ordered.emplace_back(f, v);
    } else {
      auto pos =
          std::find_if(ordered.begin(), ordered.end(), [&](const auto& e) { return e.first == f; });
      pos->second = v;  // an overwrite keeps the field's position
    }
    return fresh;
  }
  bool remove(const std::string& f) {
    if (map.erase(f) == 0) return false;
    ordered.erase(
        std::find_if(ordered.begin(), ordered.end(), [&](const auto& e) { return e.first == f; }));
    return true;
  }
};

Pairs entries_of(const HashValue& h) {
  Pairs out;
  h.for_each([&](std::string_view f, std::string_view v) { out.emplace_back(f, v); });
  return out;
}

// for_each reports each entry exactly once; in a listpack, in insertion order.
void check_same(const HashValue& h, const Oracle& want) {
  REQUIRE(h.size() == want.map.size());
  Pairs got = entries_of(h);
  REQUIRE(got.size() == want.map.size());
  if (h.encoding() == Enc::ListPack) {
    REQUIRE(got == want.ordered);
  } else {
    Map as_map(got.begin(), got.end());
    REQUIRE(as_map.size() == got.size());  // no field reported twice
    REQUIRE(as_map == want.map);
  }
  for (const auto& [f, v] : want.map) {
    std::optional<std::string_view> p = h.get(f);
    REQUIRE(p.has_value());
    REQUIRE(*p == v);
  }
}

// A whole HSCAN-style iteration starting at `first_cursor`; a listpack must be reported whole
// by one call returning 0. A field reported twice must carry the same value both times.
Map full_scan(HashValue& h, uint64_t first_cursor = 0, int* calls_out = nullptr) {
  Map seen;
  uint64_t cursor = first_cursor;
  int calls = 0;
  do {
    cursor = h.scan(cursor, [&](std::string_view f, std::string_view v) {
      auto [it, fresh] = seen.emplace(f, v);
      if (!fresh) REQUIRE(it->second == v);
    });
    REQUIRE(++calls < 100000);
  } while (cursor != 0);
  if (h.encoding() == Enc::ListPack) REQUIRE(calls == 1);
  if (calls_out) *calls_out = calls;
  return seen;
}

std::string field_name(int i) {
  return "f" + std::to_string(i);
}

}  // namespace

TEST_CASE("HashValue: a new hash is an empty listpack", "[hash]") {
  HashValue h;
  CHECK(h.encoding() == Enc::ListPack);
  CHECK(h.size() == 0);
  CHECK(!h.get("a").has_value());
  CHECK_FALSE(h.remove("a"));
  CHECK(entries_of(h).empty());
  int calls = 0;
  CHECK(h.scan(0, [&](std::string_view, std::string_view) { ++calls; }) == 0);
  CHECK(h.scan(77, [&](std::string_view, std::string_view) { ++calls; }) == 0);
  CHECK(calls == 0);
  auto copy = h.clone();
  CHECK(copy->encoding() == Enc::ListPack);
  CHECK(copy->size() == 0);
}

TEST_CASE("HashValue: a listpack keeps insertion order through overwrites and removals", "[hash]") {
  HashValue h;
  const HashLimits l = lim(512, 64);
  CHECK(h.set("c", "3", l));
  CHECK(h.set("a", "1", l));
  CHECK(h.set("b", "2", l));
  CHECK(entries_of(h) == Pairs{{"c", "3"}, {"a", "1"}, {"b", "2"}});

  CHECK_FALSE(h.set("a", "one", l));  // overwrite: same position, new value
  CHECK(entries_of(h) == Pairs{{"c", "3"}, {"a", "one"}, {"b", "2"}});
  REQUIRE(h.get("a").has_value());
  CHECK(*h.get("a") == "one");

  CHECK(h.remove("c"));  // the rest keep their order
  CHECK(entries_of(h) == Pairs{{"a", "one"}, {"b", "2"}});
  CHECK_FALSE(h.remove("c"));
  CHECK(!h.get("c").has_value());

  CHECK(h.set("c", "again", l));  // a re-added field goes to the end
  CHECK(entries_of(h) == Pairs{{"a", "one"}, {"b", "2"}, {"c", "again"}});
  CHECK(h.remove("b"));
  CHECK(entries_of(h) == Pairs{{"a", "one"}, {"c", "again"}});
  CHECK(h.size() == 2);
  CHECK(h.encoding() == Enc::ListPack);

  // A scan of a listpack reports everything in order from any cursor and returns 0.
  Pairs scanned;
  CHECK(h.scan(123456789,
               [&](std::string_view f, std::string_view v) { scanned.emplace_back(f, v); }) == 0);
  CHECK(scanned == Pairs{{"a", "one"}, {"c", "again"}});

  CHECK(h.remove("a"));
  CHECK(h.remove("c"));
  CHECK(h.size() == 0);
  CHECK(h.encoding() == Enc::ListPack);
}

TEST_CASE("HashValue: fields and values are binary safe and compared exactly", "[hash]") {
  HashValue h;
  const HashLimits l = lim(512, 64);
  const std::string nul_field("a\0b", 3);
  const std::string nul_value("\0\xff\r\n", 4);
  CHECK(h.set("a", "plain", l));
  CHECK(h.set(nul_field, nul_value, l));
  CHECK(h.set("", "", l));  // the empty field is a field like any other
  CHECK(h.set("A", "upper", l));
  CHECK(h.size() == 4);
  REQUIRE(h.get(nul_field).has_value());
  CHECK(*h.get(nul_field) == nul_value);
  REQUIRE(h.get("").has_value());
  CHECK(h.get("")->empty());
  CHECK(!h.get(std::string("a\0", 2)).has_value());
  CHECK(!h.get("ab").has_value());
  CHECK(*h.get("a") == "plain");
  CHECK(*h.get("A") == "upper");
  CHECK(entries_of(h) == Pairs{{"a", "plain"}, {nul_field, nul_value}, {"", ""}, {"A", "upper"}});

  // The same after conversion.
  CHECK(h.set("long", std::string(65, 'x'), l));
  REQUIRE(h.encoding() == Enc::HashTable);
  CHECK(*h.get(nul_field) == nul_value);
  CHECK(h.get("")->empty());
  CHECK(!h.get(std::string("a\0", 2)).has_value());
  CHECK(h.remove(""));
  CHECK(!h.get("").has_value());
  CHECK(h.size() == 4);
}

TEST_CASE("HashValue: a field or value longer than max_listpack_value converts", "[hash]") {
  const HashLimits l = lim(512, 4);

  SECTION("exactly the limit stays a listpack") {
    HashValue h;
    CHECK(h.set("abcd", "1234", l));
    CHECK(h.set("", "", l));
    CHECK(h.encoding() == Enc::ListPack);
  }
  SECTION("a long field converts, and the pair is stored") {
    HashValue h;
    CHECK(h.set("a", "1", l));
    CHECK(h.set("abcde", "2", l));
    CHECK(h.encoding() == Enc::HashTable);
    Oracle want;
    want.set("a", "1");
    want.set("abcde", "2");
    check_same(h, want);
  }
  SECTION("a long value converts, even on a new hash") {
    HashValue h;
    CHECK(h.set("f", "12345", l));
    CHECK(h.encoding() == Enc::HashTable);
    REQUIRE(h.get("f").has_value());
    CHECK(*h.get("f") == "12345");
  }
  SECTION("overwriting an existing field with a long value converts") {
    HashValue h;
    CHECK(h.set("a", "1", l));
    CHECK(h.set("b", "2", l));
    CHECK_FALSE(h.set("a", "123456789", l));
    CHECK(h.encoding() == Enc::HashTable);
    CHECK(h.size() == 2);
    CHECK(*h.get("a") == "123456789");
    CHECK(*h.get("b") == "2");
  }
  SECTION("max_listpack_value 0 allows only empty strings") {
    HashValue h;
    const HashLimits z = lim(512, 0);
    CHECK(h.set("", "", z));
    CHECK(h.encoding() == Enc::ListPack);
    CHECK(h.set("a", "", z));
    CHECK(h.encoding() == Enc::HashTable);
  }
  SECTION("the limit is the caller's at each set") {
    HashValue h;
    CHECK(h.set("abcdefgh", "12345678", lim(512, 8)));
    CHECK(h.encoding() == Enc::ListPack);
    CHECK(h.set("x", "y", l));  // short itself: the long pair stored earlier does not matter
    CHECK(h.encoding() == Enc::ListPack);
    CHECK(h.set("y", "12345", l));
    CHECK(h.encoding() == Enc::HashTable);
  }
}

TEST_CASE("HashValue: more than max_listpack_entries entries converts after the insert", "[hash]") {
  const HashLimits l = lim(3, 64);
  HashValue h;
  Oracle want;
  for (const char* f : {"a", "b", "c"}) {
    CHECK(h.set(f, f, l));
    want.set(f, f);
  }
  CHECK(h.encoding() == Enc::ListPack);  // size == limit is still a listpack
  CHECK_FALSE(h.set("b", "B", l));       // an overwrite does not grow the hash
  want.set("b", "B");
  CHECK(h.encoding() == Enc::ListPack);
  check_same(h, want);
  CHECK(h.set("d", "d", l));
  want.set("d", "d");
  CHECK(h.encoding() == Enc::HashTable);
  check_same(h, want);

  SECTION("it never converts back") {
    for (const char* f : {"a", "b", "c"}) CHECK(h.remove(f));
    CHECK(h.size() == 1);
    CHECK(h.encoding() == Enc::HashTable);
    CHECK(h.remove("d"));
    CHECK(h.size() == 0);
    CHECK(h.encoding() == Enc::HashTable);
    CHECK(h.set("x", "1", lim(512, 64)));
    CHECK(h.encoding() == Enc::HashTable);
    CHECK(entries_of(h) == Pairs{{"x", "1"}});
    Map scanned = full_scan(h);
    CHECK(scanned == Map{{"x", "1"}});
  }
  SECTION("max_listpack_entries 0 converts on the first insert") {
    HashValue z;
    CHECK(z.set("a", "1", lim(0, 64)));
    CHECK(z.encoding() == Enc::HashTable);
    CHECK(*z.get("a") == "1");
  }
}

// Redis 7.0's hashTypeSet checks the entry count after every listpack write, overwrites
// included: a hash built under a larger limit converts on its next HSET once the limit has
// been lowered below its size.
TEST_CASE("HashValue: an overwrite converts a listpack already above a lowered limit", "[hash]") {
  HashValue h;
  for (const char* f : {"a", "b", "c"}) CHECK(h.set(f, "1", lim(512, 64)));
  REQUIRE(h.encoding() == Enc::ListPack);
  CHECK_FALSE(h.set("a", "5", lim(2, 64)));
  CHECK(h.encoding() == Enc::HashTable);
  CHECK(h.size() == 3);
  CHECK(*h.get("a") == "5");
}

TEST_CASE("HashValue: seeded random operations against a std::map oracle", "[hash]") {
  // Coverage of the oracle comparison itself: both encodings must be seen at the end of some
  // lives, and the listpack order must have been compared with entries present.
  int ended_listpack = 0, ended_table = 0, converted_midway = 0, order_checks = 0;
  for (uint64_t seed : {3u, 11u, 20240611u}) {
    CAPTURE(seed);
    std::mt19937_64 rng(seed);
    auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
    for (int life = 0; life < 18; ++life) {
      const size_t max_entries = std::vector<size_t>{0, 1, 3, 16, 512}[pick(5)];
      const size_t max_value = std::vector<size_t>{0, 2, 8, 64}[pick(4)];
      const size_t universe = std::vector<size_t>{6, 40, 150}[pick(3)];
      const HashLimits l = lim(max_entries, max_value);
      CAPTURE(life, max_entries, max_value, universe);
      auto text = [&](size_t max_len) {
        std::string s(pick(max_len + 1), '\0');
        for (char& c : s) c = static_cast<char>(pick(4) == 0 ? pick(256) : 'a' + pick(26));
        return s;
      };
      auto field = [&]() -> std::string {
        if (pick(40) == 0) return "long-" + text(max_value + 2);  // longer than max_value
        return field_name(static_cast<int>(pick(universe)));
      };
      auto value = [&]() -> std::string {
        size_t r = pick(20);
        if (r == 0) return text(max_value + 8);       // may exceed max_value
        if (r == 1) return "";                        // empty values are values
        return text(std::min<size_t>(max_value, 6));  // within the limit
      };

      HashValue h;
      Oracle want;
      bool want_table = false;
      const int ops = 120 + static_cast<int>(pick(200));
      for (int op = 0; op < ops; ++op) {
        size_t kind = pick(10);
        std::string f = field();
        std::string v;
#define OP_REQUIRE(cond)                                                                       \
  do {                                                                                         \
    if (!(cond)) {                                                                             \
      INFO("op " << op << " kind " << kind << " field '" << f << "' value size " << v.size()); \
      REQUIRE(cond);                                                                           \
    }                                                                                          \
  } while (0)
        if (kind < 6) {
          v = value();
          if (f.size() > max_value || v.size() > max_value) want_table = true;
          bool fresh = want.set(f, v);
          if (want.map.size() > max_entries) want_table = true;
          OP_REQUIRE(h.set(f, v, l) == fresh);
        } else if (kind < 9) {
          bool had = want.remove(f);
          OP_REQUIRE(h.remove(f) == had);
        } else {
          std::optional<std::string_view> got = h.get(f);
          auto it = want.map.find(f);
          OP_REQUIRE(got.has_value() == (it != want.map.end()));
          if (got) OP_REQUIRE(*got == it->second);
        }
        OP_REQUIRE(h.size() == want.map.size());
        OP_REQUIRE((h.encoding() == Enc::HashTable) == want_table);
        if (h.encoding() == Enc::ListPack && op % 5 == 0) {
          OP_REQUIRE(entries_of(h) == want.ordered);
          if (want.ordered.size() > 1) ++order_checks;
        }
        if (op % 20 == 0 && !want.map.empty()) {
          HashValue::Entry e = h.random_entry(rng);
          auto it = want.map.find(e.first);
          OP_REQUIRE(it != want.map.end());
          OP_REQUIRE(it->second == e.second);
        }
#undef OP_REQUIRE
      }
      check_same(h, want);
      if (h.encoding() == Enc::ListPack) {
        ++ended_listpack;
      } else {
        ++ended_table;
        if (max_entries > 1 && max_value > 0) ++converted_midway;
      }
      REQUIRE(full_scan(h) == want.map);
      if (h.encoding() == Enc::ListPack) {
        Pairs scanned;
        REQUIRE(h.scan(987654321, [&](std::string_view f, std::string_view v) {
          scanned.emplace_back(f, v);
        }) == 0);
        REQUIRE(scanned == want.ordered);
      }

      // clone() is deep: same encoding and contents, and independent in both directions.
      auto copy = h.clone();
      REQUIRE(copy->encoding() == h.encoding());
      check_same(*copy, want);
      Oracle copy_want = want;
      if (!want.map.empty()) {
        const std::string first = want.map.begin()->first;
        const std::string last = want.map.rbegin()->first;
        copy->set(first, "changed-in-clone", l);
        copy_want.set(first, "changed-in-clone");
        copy->remove(last);
        copy_want.remove(last);
      }
      copy->set("clone-only", "c", l);
      copy_want.set("clone-only", "c");
      check_same(h, want);
      h.set("original-only", "o", l);
      REQUIRE(!copy->get("original-only").has_value());
      check_same(*copy, copy_want);
      REQUIRE(full_scan(*copy) == copy_want.map);
    }
  }
  CHECK(ended_listpack >= 3);
  CHECK(ended_table >= 3);
  CHECK(converted_midway >= 3);
  CHECK(order_checks >= 100);
}

TEST_CASE("HashValue: random_entry always returns an entry and reaches every entry", "[hash]") {
  std::mt19937_64 rng(12345);
  auto check_reach = [&](HashValue& h, const Map& want, int draws) {
    Map seen;
    for (int i = 0; i < draws; ++i) {
      HashValue::Entry e = h.random_entry(rng);
      auto it = want.find(e.first);
      REQUIRE(it != want.end());
      REQUIRE(it->second == e.second);
      seen.insert(e);
    }
    CHECK(seen == want);
  };
  SECTION("listpack") {
    HashValue h;
    Map want;
    for (int i = 0; i < 8; ++i) {
      h.set(field_name(i), "v" + std::to_string(i), lim(512, 64));
      want[field_name(i)] = "v" + std::to_string(i);
    }
    REQUIRE(h.encoding() == Enc::ListPack);
    check_reach(h, want, 400);
  }
  SECTION("hashtable, also after heavy removal") {
    HashValue h;
    Map want;
    for (int i = 0; i < 1000; ++i) h.set(field_name(i), std::to_string(i * 7), lim(128, 64));
    REQUIRE(h.encoding() == Enc::HashTable);
    for (int i = 0; i < 1000; ++i) {
      if (i % 50 == 0) {
        want[field_name(i)] = std::to_string(i * 7);
      } else {
        REQUIRE(h.remove(field_name(i)));
      }
    }
    REQUIRE(h.size() == want.size());
    check_reach(h, want, 2000);
  }
  SECTION("a single entry, in either encoding") {
    HashValue lp;
    lp.set("only", "one", lim(512, 64));
    HashValue ht;
    ht.set("only", "one", lim(0, 64));
    REQUIRE(ht.encoding() == Enc::HashTable);
    for (int i = 0; i < 10; ++i) {
      CHECK(lp.random_entry(rng) == HashValue::Entry{"only", "one"});
      CHECK(ht.random_entry(rng) == HashValue::Entry{"only", "one"});
    }
  }
}

TEST_CASE("HashValue: a hashtable scan reports every entry across cursors", "[hash]") {
  HashValue h;
  Map want;
  for (int i = 0; i < 700; ++i) {
    h.set(field_name(i), "v" + std::to_string(i), lim(512, 64));
    want[field_name(i)] = "v" + std::to_string(i);
  }
  REQUIRE(h.encoding() == Enc::HashTable);
  int calls = 0;
  CHECK(full_scan(h, 0, &calls) == want);
  CHECK(calls > 1);  // a real incremental scan, not one sweep

  SECTION("entries present for the whole scan are reported even while the hash grows") {
    Map seen;
    uint64_t cursor = 0;
    int step = 0;
    do {
      cursor = h.scan(cursor, [&](std::string_view f, std::string_view v) { seen.emplace(f, v); });
      for (int k = 0; k < 5; ++k) {
        std::string f = "grow" + std::to_string(step * 5 + k);
        h.set(f, "g", lim(512, 64));
      }
      ++step;
      REQUIRE(step < 100000);
    } while (cursor != 0);
    for (const auto& [f, v] : want) {
      INFO(f);
      auto it = seen.find(f);
      REQUIRE(it != seen.end());
      CHECK(it->second == v);
    }
  }
  SECTION("an emptied hashtable scans to nothing") {
    for (const auto& [f, v] : want) REQUIRE(h.remove(f));
    CHECK(h.size() == 0);
    CHECK(h.encoding() == Enc::HashTable);
    CHECK(full_scan(h).empty());
  }
}
