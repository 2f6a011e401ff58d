// SetValue: the payload of a Redis set. Small sets of integers are a sorted int64 array
// ("intset": binary search, members come out in ascending order); anything else is a
// ds::HashTable of strings ("hashtable"). A set only ever converts intset -> hashtable, when a
// non-integer member arrives or the size passes set-max-intset-entries, as Redis 7.0 does
// (7.0 has no listpack sets; 7.2 added them). Knows nothing of RESP. Event-loop thread only.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cardinal/ds/intrusive_hash_table.h"
#include "cardinal/ds/packed_node.h"

namespace cardinal::engine {

class SetValue {
 public:
  enum class Encoding : uint8_t { IntSet, HashTable };

  // A set that will hold `first_member`: an intset when it reads as an integer.
  static std::unique_ptr<SetValue> for_member(std::string_view first_member);
  static std::unique_ptr<SetValue> empty_intset();

  Encoding encoding() const { return encoding_; }
  size_t size() const { return encoding_ == Encoding::IntSet ? ints_.size() : table_->size(); }
  bool contains(std::string_view member) const;
  // Adds `member`; false when it was already there. max_intset_entries: set-max-intset-entries.
  bool add(std::string_view member, size_t max_intset_entries);
  bool remove(std::string_view member);

  // Visits every member; `fn` takes a std::string_view valid only during the call.
  template <typename Fn>
  void for_each(Fn&& fn) const {
    if (encoding_ == Encoding::IntSet) {
      char buf[24];
      for (int64_t v : ints_) fn(render(v, buf));
    } else {
      table_->for_each([&](const Member& m) { fn(m.key()); });
    }
  }

  // Largest batch for_each_batch() hands out and retain_members() takes.
  static constexpr size_t kBatch = ds::IntrusiveHashTable<ds::PackedNode<1>::Traits>::kBatch;

  // Visits every member in batches of up to kBatch views (valid during the call) whose memory
  // was requested together; fn(std::span<const std::string_view>) returns false to stop.
  template <typename Fn>
  void for_each_batch(Fn&& fn) const {
    std::string_view views[kBatch];
    if (encoding_ == Encoding::IntSet) {
      char text[kBatch][24];
      for (size_t i = 0; i < ints_.size(); i += kBatch) {
        size_t n = std::min(kBatch, ints_.size() - i);
        for (size_t j = 0; j < n; ++j) views[j] = render(ints_[i + j], text[j]);
        if (!fn(std::span<const std::string_view>(views, n))) return;
      }
      return;
    }
    table_->for_each_batch([&](std::span<Member* const> nodes) {
      for (size_t j = 0; j < nodes.size(); ++j) views[j] = nodes[j]->key();
      return fn(std::span<const std::string_view>(views, nodes.size()));
    });
  }

  // Batched contains(): for each i with alive[i] set, alive[i] becomes contains(members[i]).
  // REQUIRES: members.size() <= kBatch.
  void retain_members(std::span<const std::string_view> members, bool* alive) const;

  // One SSCAN step; an intset is reported whole and the cursor returns 0, as in Redis.
  template <typename Fn>
  uint64_t scan(uint64_t cursor, Fn&& fn) {
    if (encoding_ == Encoding::IntSet) {
      for_each(fn);
      return 0;
    }
    return table_->scan(cursor, [&](const Member& m) { fn(m.key()); });
  }

  // The sorted members of an intset (REQUIRES: encoding() == IntSet); set algebra merges them.
  const std::vector<int64_t>& integers() const { return ints_; }

  // A uniformly chosen member (REQUIRES: size() > 0).
  std::string random_member(std::mt19937_64& rng);
  std::unique_ptr<SetValue> clone() const;

  // Bytes this set holds on the heap beyond the SetValue object (requested sizes: the allocator
  // may round each block up).
  size_t memory_bytes() const;

 private:
  static std::string_view render(int64_t v, char* buf);
  void convert_to_table();

  // A hashtable member: one allocation of link + length + bytes.
  using Member = ds::PackedNode<1>;

  Encoding encoding_ = Encoding::IntSet;
  std::vector<int64_t> ints_;  // sorted, unique
  using Table = ds::IntrusiveHashTable<Member::Traits>;
  std::unique_ptr<Table> table_;  // present once the encoding is hashtable
};

}  // namespace cardinal::engine
