// IntrusiveHashTable<Traits>: a chained hash table over caller-built nodes that carry their own
// chain link and key bytes, so an element costs one allocation (link + key + payload) plus its
// bucket slot. It resizes incrementally: during a resize two tables coexist; every find, insert,
// erase and random pick moves a bounded number of buckets (at most one chain plus ten empty
// buckets) and the server timer finishes idle tables through the RehashRegistry, so no single
// request pays for a whole rehash. Buckets live in a BucketArray, so no resize allocates more
// than one 4 KiB segment at a time (plus the segment directory).
//
// Traits: `using Node`; `static Node*& next(Node&)` (the chain link inside the node);
// `static std::string_view key(const Node&)`; `static void destroy(Node*)` (frees a node the
// table owns). The table owns every linked node; unlink()/replace() hand nodes back.
// Invariants: keys are unique; a node's address is stable while linked (other indexes may keep
// Node*); when rehashing, buckets of table 0 below rehash_index_ are empty. scan() follows
// Redis's reverse-binary cursor, so an element present for a whole scan is reported at least
// once even if the table grows or shrinks in between.
// Complexity: O(1) average for find/insert/erase. Single-threaded: one owner thread.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <random>
#include <span>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "cardinal/ds/bucket_array.h"
#include "cardinal/ds/rehash_registry.h"
#include "cardinal/util/clock.h"
#include "cardinal/util/hash.h"

namespace cardinal::ds {

template <typename Traits>
class IntrusiveHashTable final : private Rehashable {
 public:
  using Node = typename Traits::Node;
  static constexpr size_t kInitialBuckets = 4;

  IntrusiveHashTable() = default;
  IntrusiveHashTable(const IntrusiveHashTable&) = delete;
  IntrusiveHashTable& operator=(const IntrusiveHashTable&) = delete;
  IntrusiveHashTable(IntrusiveHashTable&& other) noexcept { swap(other); }
  IntrusiveHashTable& operator=(IntrusiveHashTable&& other) noexcept {
    if (this != &other) {
      clear();
      swap(other);
    }
    return *this;
  }
  ~IntrusiveHashTable() { clear(); }

  void swap(IntrusiveHashTable& other) noexcept {
    RehashRegistry& registry = RehashRegistry::instance();
    registry.remove(this);
    registry.remove(&other);
    std::swap(tables_, other.tables_);
    std::swap(rehash_index_, other.rehash_index_);
    std::swap(pause_count_, other.pause_count_);
    std::swap(longest_chain_, other.longest_chain_);
    if (rehashing()) registry.add(this);
    if (other.rehashing()) registry.add(&other);
  }

  size_t size() const { return tables_[0].used + tables_[1].used; }

  // Room for `n` elements without growing: an empty table takes its buckets at once (a loader
  // that knows the count skips every resize on the way); a non-empty one starts an ordinary
  // incremental resize when it is smaller. Never shrinks.
  void reserve(size_t n) {
    if (n == 0 || rehashing()) return;
    size_t want = std::max(kInitialBuckets, std::bit_ceil(n));
    if (want <= tables_[0].buckets.size()) return;
    if (tables_[0].used == 0) {
      tables_[0].buckets.reset(want);
      return;
    }
    start_resize(want);
  }
  bool empty() const { return size() == 0; }
  bool rehashing() const { return rehash_index_ >= 0; }
  size_t bucket_count() const { return tables_[0].buckets.size() + tables_[1].buckets.size(); }

  // Lookup without moving buckets (for const callers and iteration callbacks).
  Node* peek(std::string_view key) const {
    if (size() == 0) return nullptr;
    return find_hashed(key, util::hash_bytes(key));
  }

  // Largest batch peek_batch() and for_each_batch() handle at once.
  static constexpr size_t kBatch = 16;

  // peek() for up to kBatch keys at once: found[i] becomes the node for keys[i] or nullptr;
  // keys whose `want[i]` is false are skipped (found[i] untouched). All buckets are touched
  // before any chain is walked, so the cache misses of a batch overlap instead of queueing.
  void peek_batch(std::span<const std::string_view> keys, const bool* want, Node** found) const {
    if (size() == 0) {
      for (size_t i = 0; i < keys.size(); ++i)
        if (want[i]) found[i] = nullptr;
      return;
    }
    const int tables = rehashing() ? 2 : 1;
    uint64_t hashes[kBatch];
    for (size_t i = 0; i < keys.size(); ++i) {
      if (!want[i]) continue;
      hashes[i] = util::hash_bytes(keys[i]);
      for (int t = 0; t < tables; ++t)
        __builtin_prefetch(tables_[t].buckets.address_of(hashes[i] & tables_[t].mask()));
    }
    for (size_t i = 0; i < keys.size(); ++i) {
      if (!want[i]) continue;
      for (int t = 0; t < tables; ++t)
        __builtin_prefetch(tables_[t].buckets.get(hashes[i] & tables_[t].mask()));
    }
    for (size_t i = 0; i < keys.size(); ++i)
      if (want[i]) found[i] = find_hashed(keys[i], hashes[i]);
  }

  // Visits every node once, handing fn(std::span<Node* const>) batches of up to kBatch nodes
  // whose cache lines were requested together; fn returns false to stop early. The table must
  // not be modified meanwhile.
  template <typename Fn>
  void for_each_batch(Fn&& fn) const {
    Node* heads[kBatch];
    Node* batch[kBatch];
    size_t heads_n = 0, n = 0;
    // Chains are walked only once their heads, requested together, have arrived.
    auto drain_heads = [&] {
      for (size_t h = 0; h < heads_n; ++h) {
        for (Node* node = heads[h]; node; node = Traits::next(*node)) {
          batch[n++] = node;
          if (n == kBatch) {
            n = 0;
            if (!fn(std::span<Node* const>(batch, kBatch))) return false;
          }
        }
      }
      heads_n = 0;
      return true;
    };
    for (const Table& tab : tables_) {
      for (size_t i = 0; i < tab.buckets.size(); ++i) {
        if (!tab.buckets.segment_present(i)) {
          i |= tab.buckets.segment_len() - 1;
          continue;
        }
        Node* head = tab.buckets.get(i);
        if (!head) continue;
        __builtin_prefetch(head);
        heads[heads_n++] = head;
        if (heads_n == kBatch && !drain_heads()) return;
      }
    }
    if (!drain_heads()) return;
    if (n > 0) fn(std::span<Node* const>(batch, n));
  }

  Node* find(std::string_view key) {
    if (size() == 0) return nullptr;
    step_if_rehashing();
    return find_hashed(key, util::hash_bytes(key));
  }

  // Returns the node for `key`, linking the one make() builds (its key must equal `key`) when
  // absent; .second tells whether it was created.
  template <typename Make>
  std::pair<Node*, bool> find_or_insert(std::string_view key, Make&& make) {
    step_if_rehashing();
    uint64_t h = util::hash_bytes(key);
    if (Node* found = find_hashed(key, h)) return {found, false};
    Node* n = make();
    link_hashed(n, h);
    return {n, true};
  }

  // Links `n`. REQUIRES: no linked node has its key.
  void insert_new(Node* n) {
    step_if_rehashing();
    link_hashed(n, util::hash_bytes(Traits::key(*n)));
  }

  // Unlinks the node for `key` and hands it to the caller; nullptr when absent.
  Node* unlink(std::string_view key) {
    if (size() == 0) return nullptr;
    step_if_rehashing();
    uint64_t h = util::hash_bytes(key);
    for (int t = 0; t <= (rehashing() ? 1 : 0); ++t) {
      Table& tab = tables_[t];
      size_t idx = h & tab.mask();
      if (!tab.buckets.segment_present(idx)) continue;
      for (Node** link = &tab.buckets.slot(idx); *link; link = &Traits::next(**link)) {
        Node* n = *link;
        if (Traits::key(*n) != key) continue;
        *link = Traits::next(*n);
        Traits::next(*n) = nullptr;
        --tab.used;
        shrink_if_sparse();
        return n;
      }
    }
    return nullptr;
  }

  bool erase(std::string_view key) {
    Node* n = unlink(key);
    if (n) Traits::destroy(n);
    return n != nullptr;
  }

  // Puts `replacement` where `current` is linked and hands `current` back (a node that had to
  // be reallocated to grow). REQUIRES: current is linked; both have the same key.
  Node* replace(Node* current, Node* replacement) {
    uint64_t h = util::hash_bytes(Traits::key(*current));
    for (int t = 0; t <= (rehashing() ? 1 : 0); ++t) {
      Table& tab = tables_[t];
      size_t idx = h & tab.mask();
      if (!tab.buckets.segment_present(idx)) continue;
      for (Node** link = &tab.buckets.slot(idx); *link; link = &Traits::next(**link)) {
        if (*link != current) continue;
        Traits::next(*replacement) = Traits::next(*current);
        *link = replacement;
        Traits::next(*current) = nullptr;
        return current;
      }
    }
    throw std::logic_error("replace: node not linked");
  }

  void clear() {
    for (Table& tab : tables_) {
      for (size_t i = 0; i < tab.buckets.size() && tab.used > 0; ++i) {
        if (!tab.buckets.segment_present(i)) {
          i |= tab.buckets.segment_len() - 1;  // skip the absent segment
          continue;
        }
        for (Node* n = tab.buckets.get(i); n;) {
          Node* next = Traits::next(*n);
          Traits::destroy(n);
          --tab.used;
          n = next;
        }
      }
      tab.buckets.reset(0);
      tab.used = 0;
    }
    rehash_index_ = -1;
    RehashRegistry::instance().remove(this);
  }

  // Visits every node once; the table must not be modified by `fn`.
  template <typename Fn>
  void for_each(Fn&& fn) const {
    for (const Table& tab : tables_) {
      for (size_t i = 0; i < tab.buckets.size(); ++i) {
        if (!tab.buckets.segment_present(i)) {
          i |= tab.buckets.segment_len() - 1;
          continue;
        }
        for (Node* n = tab.buckets.get(i); n; n = Traits::next(*n)) fn(*n);
      }
    }
  }

  // One SCAN call: reports the nodes of the bucket(s) under `cursor` to fn(Node&) and returns
  // the next cursor (0 when the scan is complete). `fn` must not modify the table.
  template <typename Fn>
  uint64_t scan(uint64_t cursor, Fn&& fn) {
    if (size() == 0) return 0;
    auto emit = [&](const Table& tab, uint64_t idx) {
      for (Node* n = tab.buckets.get(idx & tab.mask()); n; n = Traits::next(*n)) fn(*n);
    };
    uint64_t v = cursor;
    if (!rehashing()) {
      const Table& tab = tables_[0];
      emit(tab, v);
      return next_cursor(v, tab.mask());
    }
    const Table* small = &tables_[0];
    const Table* large = &tables_[1];
    if (small->mask() > large->mask()) std::swap(small, large);
    emit(*small, v);
    // Then every bucket of the larger table that expands the smaller table's bucket.
    do {
      emit(*large, v);
      v = next_cursor(v, large->mask());
    } while (v & (small->mask() ^ large->mask()));
    return v;
  }

  // A uniformly random node (nullptr when empty). A random bucket is accepted with
  // probability chain_length / K, where K is the longest chain seen, and then a random position
  // in it is taken: every node has probability 1 / (buckets * K). Picking a random
  // non-empty bucket and then a position would favour nodes that sit alone in a bucket.
  template <typename Rng>
  Node* random_element(Rng& rng) {
    if (size() == 0) return nullptr;
    step_if_rehashing();
    while (true) {
      Node* head;
      if (rehashing()) {
        size_t s0 = tables_[0].buckets.size();
        size_t lo = static_cast<size_t>(rehash_index_);
        size_t i =
            std::uniform_int_distribution<size_t>(lo, s0 + tables_[1].buckets.size() - 1)(rng);
        head = i < s0 ? tables_[0].buckets.get(i) : tables_[1].buckets.get(i - s0);
      } else {
        head = tables_[0].buckets.get(rng() & tables_[0].mask());
      }
      if (!head) continue;
      size_t len = 0;
      for (Node* n = head; n; n = Traits::next(*n)) ++len;
      if (len > longest_chain_) longest_chain_ = static_cast<uint32_t>(len);
      size_t pick = std::uniform_int_distribution<size_t>(0, longest_chain_ - 1)(rng);
      if (pick >= len) continue;
      while (pick--) head = Traits::next(*head);
      return head;
    }
  }

  // Moves up to `steps` chains from the old table to the new; false when no rehash remains.
  bool rehash(size_t steps) override {
    if (!rehashing() || pause_count_ > 0) return rehashing();
    Table& from = tables_[0];
    Table& to = tables_[1];
    size_t empty_budget = steps * 10;
    while (steps-- > 0 && from.used > 0) {
      size_t idx = static_cast<size_t>(rehash_index_);
      while (from.buckets.get(idx) == nullptr) {
        idx = advance_past(idx);
        if (--empty_budget == 0) {
          rehash_index_ = static_cast<int64_t>(idx);
          return true;
        }
      }
      for (Node* n = from.buckets.get(idx); n;) {
        Node* next = Traits::next(*n);
        Node*& head = to.buckets.slot(util::hash_bytes(Traits::key(*n)) & to.mask());
        Traits::next(*n) = head;
        head = n;
        --from.used;
        ++to.used;
        n = next;
      }
      from.buckets.slot(idx) = nullptr;
      rehash_index_ = static_cast<int64_t>(advance_past(idx));
    }
    if (from.used == 0) {
      std::swap(tables_[0], tables_[1]);
      tables_[1] = Table{};
      rehash_index_ = -1;
      RehashRegistry::instance().remove(this);
      return false;
    }
    return true;
  }

  // Rehashes in batches of 100 chains until done or `budget_us` microseconds have passed;
  // returns the number of batches run.
  size_t rehash_for_us(int64_t budget_us) {
    int64_t deadline = util::monotonic_us() + budget_us;
    size_t batches = 0;
    while (rehash(100)) {
      ++batches;
      if (util::monotonic_us() >= deadline) break;
    }
    return batches;
  }

  // Test and iteration hook: while paused no buckets move (a resize may still begin).
  void pause_rehash() { ++pause_count_; }
  void resume_rehash() { --pause_count_; }

  // Bytes of bucket arrays (the nodes are the caller's to count).
  size_t bucket_bytes() const {
    return tables_[0].buckets.allocated_bytes() + tables_[1].buckets.allocated_bytes();
  }

  // Throws std::logic_error when a structural invariant is broken (tests only: O(n)).
  void check_invariants() const {
    size_t counted[2] = {0, 0};
    for (int t = 0; t < 2; ++t) {
      const Table& tab = tables_[t];
      if (tab.buckets.size() != 0 && !std::has_single_bit(tab.buckets.size()))
        throw std::logic_error("bucket count not a power of two");
      for (size_t i = 0; i < tab.buckets.size(); ++i) {
        for (Node* n = tab.buckets.get(i); n; n = Traits::next(*n)) {
          ++counted[t];
          if ((util::hash_bytes(Traits::key(*n)) & tab.mask()) != i)
            throw std::logic_error("element in the wrong bucket");
          if (t == 0 && rehashing() && i < static_cast<size_t>(rehash_index_))
            throw std::logic_error("element below the rehash index");
          if (peek(Traits::key(*n)) != n) throw std::logic_error("duplicate key");
        }
      }
      if (counted[t] != tab.used) throw std::logic_error("used count mismatch");
    }
    if (!rehashing() && tables_[1].buckets.size() != 0)
      throw std::logic_error("second table present outside a rehash");
  }

 private:
  struct Table {
    BucketArray<Node*> buckets;
    size_t used = 0;
    size_t mask() const { return buckets.size() - 1; }
  };

  static uint64_t next_cursor(uint64_t v, uint64_t mask) {
    // Increment the reversed cursor over the masked bits only.
    v |= ~mask;
    v = reverse_bits(v);
    ++v;
    return reverse_bits(v);
  }

  static uint64_t reverse_bits(uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
    return __builtin_bswap64(v);
  }

  // The next bucket index of table 0 during a rehash, freeing each segment once passed.
  size_t advance_past(size_t idx) {
    Table& from = tables_[0];
    size_t seg_len = from.buckets.segment_len();
    size_t next = from.buckets.segment_present(idx) ? idx + 1 : (idx | (seg_len - 1)) + 1;
    if ((next & (seg_len - 1)) == 0 && from.buckets.segment_present(idx) &&
        seg_len < from.buckets.size())
      from.buckets.free_segment_of(idx);
    return next;
  }

  Node* find_hashed(std::string_view key, uint64_t h) const {
    for (int t = 0; t <= (rehashing() ? 1 : 0); ++t) {
      const Table& tab = tables_[t];
      for (Node* n = tab.buckets.get(h & tab.mask()); n; n = Traits::next(*n))
        if (Traits::key(*n) == key) return n;
    }
    return nullptr;
  }

  void link_hashed(Node* n, uint64_t h) {
    grow_if_needed();
    Table& tab = tables_[rehashing() ? 1 : 0];
    Node*& head = tab.buckets.slot(h & tab.mask());
    Traits::next(*n) = head;
    head = n;
    ++tab.used;
  }

  void step_if_rehashing() {
    if (rehashing()) rehash(1);
  }

  void start_resize(size_t buckets) {
    Table& target = tables_[0].buckets.size() == 0 ? tables_[0] : tables_[1];
    target.buckets.reset(buckets);
    target.used = 0;
    if (&target == &tables_[1]) {
      rehash_index_ = 0;
      RehashRegistry::instance().add(this);
    }
  }

  void grow_if_needed() {
    if (rehashing()) return;
    const Table& t0 = tables_[0];
    if (t0.buckets.size() == 0) {
      start_resize(kInitialBuckets);
    } else if (t0.used >= t0.buckets.size() &&
               (t0.used >= t0.buckets.size() * RehashRegistry::kForcedGrowLoad ||
                !RehashRegistry::instance().resize_avoided())) {
      start_resize(std::bit_ceil(t0.used + 1));
    }
  }

  void shrink_if_sparse() {
    if (rehashing()) return;
    const Table& t0 = tables_[0];
    if (t0.buckets.size() > kInitialBuckets && t0.used * 8 < t0.buckets.size() &&
        !RehashRegistry::instance().resize_avoided())
      start_resize(std::max(kInitialBuckets, std::bit_ceil(t0.used)));
  }

  Table tables_[2];
  int64_t rehash_index_ = -1;
  uint32_t pause_count_ = 0;
  uint32_t longest_chain_ = 1;  // random_element's acceptance bound; only ever grows
};

}  // namespace cardinal::ds
