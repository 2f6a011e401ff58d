// ds::IntrusiveHashTable over PackedNode<2> (the hash type's field nodes) against a
// std::unordered_map oracle. The intrusive-only operations — replace() of a node that had to be
// reallocated, unlink() handing the node back, insert_new() — run while a resize is held open,
// so they are exercised with elements in both tables.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <span>
#include <string>
#include <unordered_map>

#include "cardinal/ds/intrusive_hash_table.h"
#include "cardinal/ds/packed_node.h"

using Field = cardinal::ds::PackedNode<2>;
using Table = cardinal::ds::IntrusiveHashTable<Field::Traits>;

namespace {

void check_equal(Table& t, const std::unordered_map<std::string, std::string>& oracle) {
  t.check_invariants();
  REQUIRE(t.size() == oracle.size());
  size_t visited = 0;
  t.for_each([&](const Field& f) {
    ++visited;
    auto it = oracle.find(std::string(f.key()));
    if (it == oracle.end() || it->second != f.part(1)) FAIL("table holds " << f.key());
  });
  REQUIRE(visited == oracle.size());
}

}  // namespace

TEST_CASE("IntrusiveHashTable replace/unlink/insert_new mid-rehash vs an oracle",
          "[intrusive_hash_table]") {
  std::mt19937_64 rng(11);
  Table t;
  std::unordered_map<std::string, std::string> oracle;
  for (int round = 0; round < 40; ++round) {
    // Alternate phases of growth and shrinkage; hold the resize open for half of each phase.
    bool growing = round % 4 < 2;
    if (round % 2 == 0) t.pause_rehash();
    for (int op = 0; op < 400; ++op) {
      std::string key = "k" + std::to_string(rng() % (growing ? 3000 : 300));
      key.push_back(static_cast<char>(rng() % 3));  // some keys end in NUL
      std::string value(rng() % 40, static_cast<char>('a' + rng() % 26));
      switch (rng() % (growing ? 3 : 5)) {
        case 0: {  // upsert: same-length values in place, others by replace()
          auto [f, created] = t.find_or_insert(key, [&] { return Field::make({key, value}); });
          if (!created) {
            if (f->part(1).size() == value.size()) {
              f->overwrite(1, value);
            } else {
              Field* old = t.replace(f, Field::make({key, value}));
              REQUIRE(old == f);
              Field::destroy(old);
            }
          }
          oracle[key] = value;
          break;
        }
        case 1:
          if (!t.peek(key)) {
            t.insert_new(Field::make({key, value}));
            oracle[key] = value;
          }
          break;
        default: {
          Field* f = t.unlink(key);
          REQUIRE((f != nullptr) == (oracle.count(key) == 1));
          if (f) {
            REQUIRE(f->part(1) == oracle[key]);
            Field::destroy(f);
            oracle.erase(key);
          }
          REQUIRE(t.peek(key) == nullptr);
        }
      }
    }
    check_equal(t, oracle);
    if (round % 2 == 0) t.resume_rehash();
  }
  while (t.rehash(100)) {
  }
  check_equal(t, oracle);
  t.clear();
  REQUIRE(t.empty());
}

TEST_CASE("IntrusiveHashTable peek_batch and for_each_batch agree with peek and for_each",
          "[intrusive_hash_table]") {
  std::mt19937_64 rng(5);
  Table t;
  std::unordered_map<std::string, std::string> oracle;
  for (int round = 0; round < 30; ++round) {
    if (round % 3 == 0) t.pause_rehash();  // some rounds probe with both tables live
    for (int i = 0; i < 300; ++i) {
      std::string key = "m" + std::to_string(rng() % 5000);
      if (t.peek(key)) continue;
      t.insert_new(Field::make({key, "v"}));
      oracle[key] = "v";
    }
    // Batches of every size up to kBatch, with some slots masked out.
    for (size_t size = 1; size <= Table::kBatch; ++size) {
      std::string keys[Table::kBatch];
      std::string_view views[Table::kBatch];
      bool want[Table::kBatch];
      Field* found[Table::kBatch];
      Field* const kUntouched = reinterpret_cast<Field*>(&oracle);
      for (size_t i = 0; i < size; ++i) {
        keys[i] = "m" + std::to_string(rng() % 5000);
        views[i] = keys[i];
        want[i] = rng() % 4 != 0;
        found[i] = kUntouched;
      }
      t.peek_batch(std::span<const std::string_view>(views, size), want, found);
      for (size_t i = 0; i < size; ++i) {
        if (!want[i]) {
          REQUIRE(found[i] == kUntouched);
        } else {
          REQUIRE(found[i] == t.peek(views[i]));
          REQUIRE((found[i] != nullptr) == (oracle.count(keys[i]) == 1));
        }
      }
    }
    std::unordered_map<std::string, int> visits;
    size_t batches = 0;
    t.for_each_batch([&](std::span<Field* const> nodes) {
      REQUIRE(nodes.size() <= Table::kBatch);
      REQUIRE_FALSE(nodes.empty());
      ++batches;
      for (Field* f : nodes) ++visits[std::string(f->key())];
      return true;
    });
    REQUIRE(visits.size() == oracle.size());
    for (const auto& [key, n] : visits) REQUIRE(n == 1);
    size_t seen_before_stop = 0;
    t.for_each_batch([&](std::span<Field* const> nodes) {
      seen_before_stop += nodes.size();
      return false;  // stop after the first batch
    });
    REQUIRE(seen_before_stop == std::min(Table::kBatch, oracle.size()));
    if (round % 3 == 0) t.resume_rehash();
  }
}

TEST_CASE("IntrusiveHashTable with resizes avoided grows only when overfull and never shrinks",
          "[intrusive_hash_table]") {
  auto& registry = cardinal::ds::RehashRegistry::instance();
  constexpr size_t kLoad = cardinal::ds::RehashRegistry::kForcedGrowLoad;
  Table t;
  std::unordered_map<std::string, std::string> oracle;
  auto add = [&](size_t i) {
    std::string key = "a" + std::to_string(i);
    t.insert_new(Field::make({key, "v"}));
    oracle[key] = "v";
  };
  size_t n = 0;
  while (t.size() < 64) add(n++);
  while (t.rehash(100)) {
  }
  const size_t buckets = t.bucket_count();
  REQUIRE(buckets >= 64);
  registry.set_resize_avoided(true);
  // Up to kLoad entries per bucket the table keeps its buckets, whatever the load.
  while (t.size() < buckets * kLoad) {
    add(n++);
    REQUIRE(!t.rehashing());
    REQUIRE(t.bucket_count() == buckets);
  }
  check_equal(t, oracle);
  add(n++);  // one over: forced to grow
  REQUIRE(t.rehashing());
  while (t.rehash(100)) {
  }
  const size_t grown = t.bucket_count();
  REQUIRE(grown > buckets);
  // Emptying it down to almost nothing does not shrink it while resizes are avoided.
  for (auto it = oracle.begin(); oracle.size() > 2;) {
    Field::destroy(t.unlink(it->first));
    it = oracle.erase(it);
    REQUIRE(!t.rehashing());
  }
  REQUIRE(t.bucket_count() == grown);
  check_equal(t, oracle);
  registry.set_resize_avoided(false);
  Field::destroy(t.unlink(oracle.begin()->first));  // the next delete may shrink again
  oracle.erase(oracle.begin());
  REQUIRE(t.rehashing());
  while (t.rehash(100)) {
  }
  REQUIRE(t.bucket_count() < grown);
  check_equal(t, oracle);
  t.clear();
}

TEST_CASE("IntrusiveHashTable reserve sizes an empty table at once and grows a full one later",
          "[intrusive_hash_table]") {
  Table t;
  std::unordered_map<std::string, std::string> oracle;
  t.reserve(1000);
  const size_t buckets = t.bucket_count();
  REQUIRE(buckets == 1024);
  REQUIRE(!t.rehashing());
  // Filling it up to the reserved count never resizes.
  for (int i = 0; i < 1000; ++i) {
    std::string key = "r" + std::to_string(i);
    t.insert_new(Field::make({key, "v"}));
    oracle[key] = "v";
    REQUIRE(!t.rehashing());
    REQUIRE(t.bucket_count() == buckets);
  }
  check_equal(t, oracle);
  t.reserve(10);  // never shrinks
  REQUIRE(t.bucket_count() == buckets);
  t.reserve(5000);  // non-empty: an ordinary incremental resize, elements in both tables
  REQUIRE(t.rehashing());
  check_equal(t, oracle);
  while (t.rehash(100)) {
  }
  REQUIRE(t.bucket_count() == 8192);
  check_equal(t, oracle);
  t.clear();
}
