// ds::HashTable against std::unordered_map / std::unordered_set oracles. The table resizes
// incrementally, so most bugs only show while two tables coexist; these tests hold a rehash
// open with pause_rehash() and run every operation against it, and check the SCAN and
// random_element guarantees while the table grows and shrinks underneath.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "cardinal/ds/hash_table.h"
#include "cardinal/util/hash.h"

using cardinal::ds::HashTable;

// REQUIRE only when the condition fails: Catch2's per-assertion bookkeeping would otherwise
// dominate the runtime of the million-operation loops. `cond` must have no side effects.
#define FAST_REQUIRE(cond)      \
  do {                          \
    if (!(cond)) REQUIRE(cond); \
  } while (0)

namespace {

struct Entry {
  std::string key;
  uint64_t value;
};
struct EntryKey {
  static std::string_view key(const Entry& e) { return e.key; }
};
using Map = HashTable<Entry, EntryKey>;

// Values that count their copies: use_count() of the sentinel tells how many are alive, so
// clear() and move assignment can be checked to destroy exactly what they drop.
struct Tracked {
  std::string key;
  std::shared_ptr<int> token;
};
struct TrackedKey {
  static std::string_view key(const Tracked& t) { return t.key; }
};
using TrackedMap = HashTable<Tracked, TrackedKey>;

// Some keys carry NUL and CR/LF bytes: the table is keyed by bytes, not C strings.
std::string key_of(uint64_t i) {
  std::string k = "k:" + std::to_string(i);
  if (i % 7 == 0) k.push_back('\0');
  if (i % 11 == 0) k += "\r\n";
  return k;
}

std::pair<Entry*, bool> insert(Map& m, const std::string& key, uint64_t value) {
  return m.find_or_insert(key, [&] { return Entry{key, value}; });
}

// The table's whole content as an ordered map, via for_each (which must visit each once).
std::map<std::string, uint64_t> contents(const Map& m) {
  std::map<std::string, uint64_t> out;
  size_t visits = 0;
  m.for_each([&](const Entry& e) {
    ++visits;
    out[e.key] = e.value;
  });
  REQUIRE(visits == out.size());
  return out;
}

void require_equal(const Map& m, const std::unordered_map<std::string, uint64_t>& oracle) {
  REQUIRE(m.size() == oracle.size());
  auto got = contents(m);
  REQUIRE(got.size() == oracle.size());
  for (const auto& [k, v] : oracle) {
    auto it = got.find(k);
    REQUIRE(it != got.end());
    REQUIRE(it->second == v);
  }
}

void require_invariants(const Map& m) {
  REQUIRE_NOTHROW(m.check_invariants());
}

// One random operation against both the table and the oracle. `insert_bias` in [0,1] shifts
// the mix towards inserts (table grows) or erases (table shrinks).
void random_op(Map& m, std::unordered_map<std::string, uint64_t>& oracle, std::mt19937_64& rng,
               uint64_t key_space, double insert_bias) {
  std::uniform_real_distribution<double> coin(0, 1);
  std::string key = key_of(rng() % key_space);
  double r = coin(rng);
  if (r < insert_bias * 0.6) {
    uint64_t value = rng();
    auto [e, created] = insert(m, key, value);
    auto it = oracle.find(key);
    FAST_REQUIRE(created == (it == oracle.end()));
    FAST_REQUIRE(e != nullptr);
    FAST_REQUIRE(e->key == key);
    if (created) {
      FAST_REQUIRE(e->value == value);
      oracle.emplace(key, value);
    } else {
      FAST_REQUIRE(e->value == it->second);
    }
  } else if (r < 0.6) {
    Entry* e = m.find(key);
    auto it = oracle.find(key);
    FAST_REQUIRE((e != nullptr) == (it != oracle.end()));
    if (e) FAST_REQUIRE(e->value == it->second);
    FAST_REQUIRE(m.peek(key) == e);
  } else if (r < 0.8) {
    bool erased = m.erase(key);
    bool expected = oracle.erase(key) == 1;
    FAST_REQUIRE(erased == expected);
  } else {
    auto taken = m.take(key);
    auto it = oracle.find(key);
    FAST_REQUIRE(taken.has_value() == (it != oracle.end()));
    if (taken) {
      FAST_REQUIRE(taken->key == key);
      FAST_REQUIRE(taken->value == it->second);
      oracle.erase(it);
    }
  }
}

// Inserts fresh keys until a resize begins, then holds it open.
void insert_until_rehashing(Map& m, std::unordered_map<std::string, uint64_t>& oracle,
                            uint64_t& next_key) {
  while (!m.rehashing()) {
    std::string key = key_of(next_key++);
    REQUIRE(insert(m, key, next_key).second);
    oracle[key] = next_key;
  }
}

}  // namespace

TEST_CASE("HashTable matches an unordered_map under random operations", "[hash_table]") {
  for (uint64_t seed : {1u, 2u, 1234567u}) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    Map m;
    std::unordered_map<std::string, uint64_t> oracle;
    constexpr int kOps = 200'000;
    constexpr int kBatch = 5'000;
    for (int op = 0; op < kOps; ++op) {
      // Alternate insert-heavy and erase-heavy phases so the table both grows and shrinks.
      double bias = (op / 25'000) % 2 == 0 ? 0.9 : 0.15;
      random_op(m, oracle, rng, 6'000, bias);
      if (op % kBatch == kBatch - 1) {
        CAPTURE(op);
        require_invariants(m);
        REQUIRE(m.size() == oracle.size());
      }
    }
    require_equal(m, oracle);
  }
}

TEST_CASE("HashTable shrinks back to a small table once emptied", "[hash_table]") {
  Map m;
  for (uint64_t i = 0; i < 5000; ++i) insert(m, key_of(i), i);
  while (m.rehash(1000)) {
  }
  size_t big = m.bucket_count();
  REQUIRE(big >= 5000);
  for (uint64_t i = 0; i < 5000; ++i) REQUIRE(m.erase(key_of(i)));
  while (m.rehash(1000)) {
  }
  require_invariants(m);
  REQUIRE(m.empty());
  CAPTURE(big, m.bucket_count());
  REQUIRE(m.bucket_count() * 8 <= big);
}

TEST_CASE("HashTable operations in the middle of a growing rehash", "[hash_table]") {
  for (uint64_t seed : {7u, 8u, 9u}) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    Map m;
    std::unordered_map<std::string, uint64_t> oracle;
    uint64_t next_key = 0;
    // Grow past a few resizes first so the rehash has real work (1024 -> 2048 buckets).
    for (int i = 0; i < 1024; ++i) {
      std::string key = key_of(next_key++);
      insert(m, key, i);
      oracle[key] = i;
    }
    while (m.rehash(100)) {
    }
    insert_until_rehashing(m, oracle, next_key);
    // Partial progress, then freeze: both tables now hold elements.
    m.rehash(300);
    REQUIRE(m.rehashing());
    m.pause_rehash();
    require_invariants(m);

    for (int op = 0; op < 20'000; ++op) {
      random_op(m, oracle, rng, next_key + 500, op < 10'000 ? 0.7 : 0.3);
      if (op % 2'000 == 0) {
        CAPTURE(op);
        REQUIRE(m.rehashing());  // paused: the rehash cannot have finished
        require_invariants(m);
      }
    }
    REQUIRE(m.rehashing());
    require_equal(m, oracle);

    // SCAN across both tables reports every element.
    std::unordered_set<std::string> scanned;
    uint64_t cursor = 0;
    do {
      cursor = m.scan(cursor, [&](Entry& e) { scanned.insert(e.key); });
    } while (cursor != 0);
    REQUIRE(scanned.size() == oracle.size());
    for (const auto& [k, v] : oracle) REQUIRE(scanned.count(k) == 1);

    // random_element only returns members, drawn from both tables.
    for (int i = 0; i < 2'000; ++i) {
      Entry* e = m.random_element(rng);
      REQUIRE(e != nullptr);
      auto it = oracle.find(e->key);
      REQUIRE(it != oracle.end());
      REQUIRE(it->second == e->value);
    }

    m.resume_rehash();
    while (m.rehash(1'000'000)) {
    }
    REQUIRE_FALSE(m.rehashing());
    require_invariants(m);
    require_equal(m, oracle);
  }
}

TEST_CASE("HashTable operations in the middle of a shrinking rehash", "[hash_table]") {
  for (uint64_t seed : {11u, 12u}) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    Map m;
    std::unordered_map<std::string, uint64_t> oracle;
    for (uint64_t i = 0; i < 4'000; ++i) {
      insert(m, key_of(i), i);
      oracle[key_of(i)] = i;
    }
    while (m.rehash(100)) {
    }
    size_t full_buckets = m.bucket_count();
    // Erase until shrink_if_sparse starts a resize.
    uint64_t i = 0;
    while (!m.rehashing()) {
      REQUIRE(i < 4'000);
      REQUIRE(m.erase(key_of(i)));
      oracle.erase(key_of(i));
      ++i;
    }
    REQUIRE(m.bucket_count() > full_buckets);  // old and new table both present
    m.rehash(5);
    REQUIRE(m.rehashing());
    m.pause_rehash();
    require_invariants(m);

    for (int op = 0; op < 10'000; ++op) {
      random_op(m, oracle, rng, 4'000, 0.5);
      if (op % 1'000 == 0) {
        CAPTURE(op);
        REQUIRE(m.rehashing());
        require_invariants(m);
      }
    }
    require_equal(m, oracle);
    std::unordered_set<std::string> scanned;
    uint64_t cursor = 0;
    do {
      cursor = m.scan(cursor, [&](Entry& e) { scanned.insert(e.key); });
    } while (cursor != 0);
    for (const auto& [k, v] : oracle) REQUIRE(scanned.count(k) == 1);
    if (!oracle.empty()) {
      for (int d = 0; d < 1'000; ++d) {
        Entry* e = m.random_element(rng);
        REQUIRE(e != nullptr);
        REQUIRE(oracle.count(e->key) == 1);
      }
    }

    m.resume_rehash();
    while (m.rehash(1'000'000)) {
    }
    require_invariants(m);
    require_equal(m, oracle);
  }
}

TEST_CASE("HashTable SCAN reports every element present for the whole scan", "[hash_table]") {
  // A fixed set of stable keys stays in the table while churn keys are inserted and erased
  // between scan calls in waves, so the table grows and shrinks (possibly several times) during
  // one scan, with rehashes left half done between calls.
  for (uint64_t seed : {21u, 22u, 23u, 24u, 25u, 26u}) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    Map m;
    std::unordered_set<std::string> stable;
    for (uint64_t i = 0; i < 300; ++i) {
      std::string key = "stable:" + std::to_string(i);
      insert(m, key, i);
      stable.insert(key);
    }
    std::vector<std::string> churn;
    uint64_t next_churn = 0;
    std::unordered_set<std::string> seen;
    uint64_t cursor = 0;
    size_t calls = 0;
    // Paused stretches keep two tables across many scan calls.
    bool paused = false;
    do {
      cursor = m.scan(cursor, [&](Entry& e) {
        // Only current members can be reported.
        FAST_REQUIRE(m.peek(e.key) == &e);
        seen.insert(e.key);
      });
      ++calls;
      bool growing = (calls / 60) % 2 == 0;
      int changes = static_cast<int>(rng() % 80);
      for (int c = 0; c < changes; ++c) {
        if (growing || churn.empty()) {
          std::string key = "churn:" + std::to_string(next_churn++);
          insert(m, key, 0);
          churn.push_back(key);
        } else {
          size_t idx = rng() % churn.size();
          bool erased = m.erase(churn[idx]);
          FAST_REQUIRE(erased);
          churn[idx] = churn.back();
          churn.pop_back();
        }
      }
      switch (rng() % 4) {
        case 0:
          m.rehash(1 + rng() % 20);
          break;
        case 1:
          if (!paused) {
            m.pause_rehash();
            paused = true;
          } else {
            m.resume_rehash();
            paused = false;
          }
          break;
        default:
          break;
      }
      FAST_REQUIRE(calls < 1'000'000);
    } while (cursor != 0);
    if (paused) m.resume_rehash();
    CAPTURE(calls);
    for (const std::string& k : stable) {
      CAPTURE(k);
      REQUIRE(seen.count(k) == 1);
    }
    require_invariants(m);
  }
}

TEST_CASE("HashTable random_element is uniform over the elements", "[hash_table]") {
  // Every element must be equally likely whatever its chain: a chi-square test of the counts
  // against kDraws / kElements. (Picking a random non-empty bucket and then a position would
  // make an element alone in its bucket up to twice as likely as one sharing it.)
  Map m;
  constexpr int kElements = 100;
  constexpr int kDraws = 200'000;
  for (uint64_t i = 0; i < kElements; ++i) insert(m, "elem:" + std::to_string(i), i);
  while (m.rehash(100)) {
  }
  REQUIRE_FALSE(m.rehashing());
  for (uint64_t seed : {31u, 32u}) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    // The acceptance bound adapts to the longest chain it meets; let it settle first.
    for (int d = 0; d < 2000; ++d) m.random_element(rng);
    std::vector<int> counts(kElements, 0);
    for (int d = 0; d < kDraws; ++d) {
      Entry* e = m.random_element(rng);
      FAST_REQUIRE((e != nullptr && m.peek(e->key) == e));
      ++counts[e->value];
    }
    double expected = static_cast<double>(kDraws) / kElements;
    double chi2 = 0;
    for (int c : counts) chi2 += (c - expected) * (c - expected) / expected;
    CAPTURE(chi2);
    // 99 degrees of freedom: the 99.9th percentile is about 148.
    REQUIRE(chi2 < 160);
  }
}

TEST_CASE("HashTable grows across BucketArray segments and frees them while rehashing",
          "[hash_table]") {
  using Segments = cardinal::ds::BucketArray<void*>;
  constexpr size_t kSegmentBytes = Segments::kSegmentSize * sizeof(void*);
  Map m;
  std::mt19937_64 rng(41);
  // 2 segments' worth of elements fill 2 segments; one more starts a resize to 4 segments.
  constexpr uint64_t kFull = 2 * Segments::kSegmentSize;
  for (uint64_t i = 0; i < kFull; ++i) insert(m, key_of(i), i);
  while (m.rehash(1000)) {
  }
  REQUIRE(m.bucket_count() == kFull);
  require_invariants(m);
  insert(m, key_of(kFull), kFull);
  REQUIRE(m.rehashing());
  REQUIRE(m.bucket_count() == 3 * kFull);
  // Each old segment is freed once the rehash has emptied it, so bucket memory peaks at 5
  // segments (2 old + 2 new, then 1 old + 4 new) instead of 6.
  size_t peak = 0;
  int steps = 0;
  while (m.rehash(100)) {
    peak = std::max(peak, m.overhead_bytes() - m.size() * sizeof(void*));
    if (++steps % 100 == 0) {
      // Lookups still work with segments of the old table freed.
      for (int j = 0; j < 50; ++j) {
        uint64_t i = rng() % (kFull + 1);
        Entry* e = m.find(key_of(i));
        REQUIRE(e != nullptr);
        REQUIRE(e->value == i);
      }
    }
  }
  CAPTURE(peak, kSegmentBytes);
  REQUIRE(peak <= 5 * kSegmentBytes + 4096);
  require_invariants(m);
  REQUIRE(m.size() == kFull + 1);

  // Up to 100k elements, then erase nearly everything: the shrink walks freed segments too.
  for (uint64_t i = kFull + 1; i < 100'000; ++i) insert(m, key_of(i), i);
  for (uint64_t i = 0; i < 100'000; ++i) {
    if (i % 1000 != 0) {
      bool erased = m.erase(key_of(i));
      FAST_REQUIRE(erased);
    }
    if (i % 20'000 == 0) require_invariants(m);
  }
  while (m.rehash(1000)) {
  }
  require_invariants(m);
  REQUIRE(m.size() == 100);
  // Shrinks only start on erase, so the final size depends on when the last one began; it
  // must at least have left the 131072-bucket table far behind.
  CAPTURE(m.bucket_count());
  REQUIRE(m.bucket_count() <= 131'072 / 8);
  for (uint64_t i = 0; i < 100'000; i += 1000) {
    Entry* e = m.find(key_of(i));
    REQUIRE(e != nullptr);
    REQUIRE(e->value == i);
  }
}

TEST_CASE("HashTable node addresses are stable across inserts and rehashes", "[hash_table]") {
  Map m;
  std::vector<std::pair<std::string, Entry*>> pinned;
  for (uint64_t i = 0; i < 1000; ++i) {
    auto [e, created] = insert(m, "pinned:" + std::to_string(i), i);
    REQUIRE(created);
    pinned.emplace_back(e->key, e);
  }
  // Many resizes later (grow to ~50k, then shrink), the same nodes are still in place.
  for (uint64_t i = 0; i < 50'000; ++i) insert(m, key_of(i), i);
  for (auto& [k, p] : pinned) REQUIRE(m.find(k) == p);
  for (uint64_t i = 0; i < 50'000; ++i) m.erase(key_of(i));
  while (m.rehash(1000)) {
  }
  for (auto& [k, p] : pinned) {
    REQUIRE(m.find(k) == p);
    REQUIRE(p->key == k);
  }
  require_invariants(m);
}

TEST_CASE("HashTable clear destroys every value, also mid-rehash", "[hash_table]") {
  auto sentinel = std::make_shared<int>(0);
  TrackedMap m;
  for (int i = 0; i < 3000; ++i) {
    std::string key = key_of(static_cast<uint64_t>(i));
    m.find_or_insert(key, [&] { return Tracked{key, sentinel}; });
  }
  REQUIRE(sentinel.use_count() == 3001);
  // Open a rehash so both tables hold nodes when clear() runs.
  while (!m.rehashing()) {
    std::string key = "more:" + std::to_string(m.size());
    m.find_or_insert(key, [&] { return Tracked{key, sentinel}; });
  }
  m.pause_rehash();
  long live = sentinel.use_count() - 1;
  REQUIRE(static_cast<size_t>(live) == m.size());
  m.clear();
  REQUIRE(sentinel.use_count() == 1);
  REQUIRE(m.size() == 0);
  REQUIRE_FALSE(m.rehashing());
  REQUIRE(m.bucket_count() == 0);
  REQUIRE(m.find("k:1") == nullptr);
  REQUIRE_NOTHROW(m.check_invariants());
  m.resume_rehash();
  // Usable again after clear.
  for (int i = 0; i < 100; ++i) {
    std::string key = key_of(static_cast<uint64_t>(i));
    REQUIRE(m.find_or_insert(key, [&] { return Tracked{key, sentinel}; }).second);
  }
  REQUIRE(m.size() == 100);
  REQUIRE_NOTHROW(m.check_invariants());
}

TEST_CASE("HashTable move assignment and construction", "[hash_table]") {
  auto old_token = std::make_shared<int>(1);
  auto new_token = std::make_shared<int>(2);
  TrackedMap a, b;
  for (int i = 0; i < 500; ++i) {
    std::string key = "a:" + std::to_string(i);
    a.find_or_insert(key, [&] { return Tracked{key, old_token}; });
  }
  // b is frozen mid-rehash: the pause must travel with its contents.
  while (!b.rehashing()) {
    std::string key = "b:" + std::to_string(b.size());
    b.find_or_insert(key, [&] { return Tracked{key, new_token}; });
  }
  b.pause_rehash();
  size_t b_size = b.size();
  Tracked* pinned = b.find("b:0");
  REQUIRE(pinned != nullptr);

  a = std::move(b);
  REQUIRE(old_token.use_count() == 1);  // a's old elements were destroyed
  REQUIRE(static_cast<size_t>(new_token.use_count() - 1) == b_size);
  REQUIRE(a.size() == b_size);
  REQUIRE(a.rehashing());
  REQUIRE(a.find("b:0") == pinned);
  REQUIRE(a.find("a:0") == nullptr);
  REQUIRE(b.empty());
  REQUIRE(b.find("b:0") == nullptr);
  REQUIRE_NOTHROW(a.check_invariants());
  REQUIRE_NOTHROW(b.check_invariants());
  // Still paused after the move: rehash() makes no progress.
  REQUIRE(a.rehash(1'000'000));
  a.resume_rehash();
  while (a.rehash(1000)) {
  }
  REQUIRE_NOTHROW(a.check_invariants());

  // The moved-from table is a working empty table.
  b.find_or_insert("x", [] { return Tracked{"x", nullptr}; });
  REQUIRE(b.size() == 1);

  TrackedMap c(std::move(a));
  REQUIRE(c.size() == b_size);
  REQUIRE(c.find("b:0") == pinned);
  REQUIRE(a.empty());
  c = TrackedMap();
  REQUIRE(new_token.use_count() == 1);
}
