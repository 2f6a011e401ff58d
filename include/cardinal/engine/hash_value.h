// HashValue: the payload of a Redis hash. Small hashes are one packed byte buffer of
// (field, value) pairs in insertion order — varint length + bytes for each — searched linearly
// ("listpack", at most hash-max-listpack-entries pairs, so a 5-field hash is one ~100-byte
// block); larger ones a hash table of packed nodes ("hashtable"). As in Redis 7.0 the
// conversion is one-way: a field or value longer than hash-max-listpack-value converts before
// it is stored, and an entry count above hash-max-listpack-entries converts after any write
// (even an overwrite, so a lowered limit takes effect on the next write).
// Knows nothing of RESP. Event-loop thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cardinal/ds/intrusive_hash_table.h"
#include "cardinal/ds/packed_node.h"
#include "cardinal/util/varint.h"

namespace cardinal::engine {

struct HashLimits {
  size_t max_listpack_entries = 512;
  size_t max_listpack_value = 64;
};

class HashValue {
 public:
  enum class Encoding : uint8_t { ListPack, HashTable };
  using Entry = std::pair<std::string, std::string>;

  HashValue();
  ~HashValue();
  HashValue(const HashValue&) = delete;
  HashValue& operator=(const HashValue&) = delete;

  Encoding encoding() const { return table_ ? Encoding::HashTable : Encoding::ListPack; }
  size_t size() const;

  // The value of `field`; the view is valid until the hash is next modified.
  std::optional<std::string_view> get(std::string_view field) const;
  // Inserts or overwrites; true when the field is new. Converts when the count passes the limit.
  bool set(std::string_view field, std::string_view value, const HashLimits& limits);
  bool remove(std::string_view field);

  template <typename Fn>  // fn(std::string_view field, std::string_view value)
  void for_each(Fn&& fn) const {
    if (table_) {
      table_->for_each([&](const Field& f) { fn(f.part(0), f.part(1)); });
      return;
    }
    for (size_t pos = 0; pos < packed_.size();) {
      PackedPair p = decode(pos);
      fn(p.field, p.value);
      pos = p.end;
    }
  }

  // One HSCAN step; a listpack is reported whole and the cursor returns 0, as in Redis.
  template <typename Fn>
  uint64_t scan(uint64_t cursor, Fn&& fn) {
    if (!table_) {
      for_each(fn);
      return 0;
    }
    return table_->scan(cursor, [&](const Field& f) { fn(f.part(0), f.part(1)); });
  }

  // A uniformly chosen entry (REQUIRES: size() > 0).
  Entry random_entry(std::mt19937_64& rng);
  std::unique_ptr<HashValue> clone() const;

  // Bytes this hash holds on the heap beyond the HashValue object (requested sizes).
  size_t memory_bytes() const;

 private:
  // A hashtable entry: one allocation of link, field and value.
  using Field = ds::PackedNode<2>;
  using Table = ds::IntrusiveHashTable<Field::Traits>;

  // One pair of the packed listpack: its byte range and views of its two strings.
  struct PackedPair {
    size_t begin, end;
    std::string_view field, value;
  };
  PackedPair decode(size_t pos) const {
    uint64_t len;
    const char* p = util::varint_get(packed_.data() + pos, len);
    std::string_view field(p, len);
    p = util::varint_get(p + len, len);
    std::string_view value(p, len);
    return {pos, static_cast<size_t>(p + len - packed_.data()), field, value};
  }
  std::optional<PackedPair> find_packed(std::string_view field) const;
  static void encode_pair(std::vector<char>& out, std::string_view field, std::string_view value);
  void convert_to_table();

  // The listpack; empty once converted. A vector because reserve() sizes it exactly: like a
  // Redis listpack it grows by what each write needs, never by doubling.
  std::vector<char> packed_;
  uint32_t packed_count_ = 0;     // pairs in packed_
  std::unique_ptr<Table> table_;  // the hashtable encoding, once converted
};

}  // namespace cardinal::engine
