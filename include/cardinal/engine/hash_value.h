// HashValue: the payload of a Redis hash. Small hashes are a vector of (field, value) pairs in
// insertion order ("listpack": linear search over at most hash-max-listpack-entries pairs);
// larger ones a ds::HashTable ("hashtable"). As in Redis 7.0 the conversion is one-way: a
// field or value longer than hash-max-listpack-value converts before it is stored, and an
// entry count above hash-max-listpack-entries converts after any write (even an overwrite,
// so a lowered limit takes effect on the next write).
// Knows nothing of RESP. Event-loop thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cardinal/ds/intrusive_hash_table.h"
#include "cardinal/ds/packed_node.h"

namespace cardinal::engine {

struct HashLimits {
  size_t max_listpack_entries = 512;
  size_t max_listpack_value = 64;
};

class HashValue {
 public:
  enum class Encoding : uint8_t { ListPack, HashTable };
  using Entry = std::pair<std::string, std::string>;

  Encoding encoding() const { return encoding_; }
  size_t size() const { return encoding_ == Encoding::ListPack ? pairs_.size() : table_.size(); }

  // The value of `field`; the view is valid until the hash is next modified.
  std::optional<std::string_view> get(std::string_view field) const;
  // Inserts or overwrites; true when the field is new. Converts when the count passes the limit.
  bool set(std::string_view field, std::string_view value, const HashLimits& limits);
  bool remove(std::string_view field);

  template <typename Fn>  // fn(std::string_view field, std::string_view value)
  void for_each(Fn&& fn) const {
    if (encoding_ == Encoding::ListPack) {
      for (const Entry& e : pairs_) fn(std::string_view(e.first), std::string_view(e.second));
    } else {
      table_.for_each([&](const Field& f) { fn(f.part(0), f.part(1)); });
    }
  }

  // One HSCAN step; a listpack is reported whole and the cursor returns 0, as in Redis.
  template <typename Fn>
  uint64_t scan(uint64_t cursor, Fn&& fn) {
    if (encoding_ == Encoding::ListPack) {
      for_each(fn);
      return 0;
    }
    return table_.scan(cursor, [&](const Field& f) { fn(f.part(0), f.part(1)); });
  }

  // A uniformly chosen entry (REQUIRES: size() > 0).
  Entry random_entry(std::mt19937_64& rng);
  std::unique_ptr<HashValue> clone() const;

  // Bytes this hash holds on the heap beyond the HashValue object (requested sizes).
  size_t memory_bytes() const;

 private:
  // A hashtable entry: one allocation of link, field and value.
  using Field = ds::PackedNode<2>;
  void convert_to_table();

  Encoding encoding_ = Encoding::ListPack;
  std::vector<Entry> pairs_;
  ds::IntrusiveHashTable<Field::Traits> table_;
};

}  // namespace cardinal::engine
