// Value: what a key holds — its type, its encoding (the name OBJECT ENCODING reports) and its
// payload, in 12 bytes so a keyspace entry stays small. Strings that read as canonical 64-bit
// integers are stored as integers; strings of up to 8 bytes live inside the Value itself;
// longer ones in one heap block {size, capacity, bytes}. Encoding names follow Redis's rules
// ("int", "embstr" up to 44 bytes, "raw" when longer or mutated) regardless of where the bytes
// live. Move-only; owns its payload. Single-threaded (event loop).
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

#include "cardinal/ds/quick_list.h"
#include "cardinal/engine/hash_value.h"
#include "cardinal/engine/set_value.h"
#include "cardinal/engine/zset_value.h"

namespace cardinal::engine {

enum class ValueType : uint8_t { String, List, Set, ZSet, Hash };
// Lists always report "quicklist", as Redis 7.0 does for every list (7.2 reports "listpack" for
// small ones); sorted sets report "listpack" or "skiplist".
enum class Encoding : uint8_t {
  Int,
  EmbStr,
  Raw,
  IntSet,
  HashTable,
  ListPack,
  QuickList,
  SkipList
};

std::string_view type_name(ValueType t);
std::string_view encoding_name(Encoding e);

class Value {
 public:
  // Longest string Redis stores inline with its object header ("embstr").
  static constexpr size_t kEmbStrMax = 44;
  // Longest string kept inside the Value without a heap block.
  static constexpr size_t kInlineMax = 8;

  // The encoding Redis picks for a value arriving from a client (SET, MSET, ...).
  static Value string_from_client(std::string_view bytes);
  // A string whose encoding is raw regardless of content (SETRANGE on a missing key).
  static Value raw_string(std::string_view bytes);
  // A string made from a computed integer (INCR and friends).
  static Value integer(int64_t v);
  // A string from formatted text that is never reinterpreted as an integer (INCRBYFLOAT).
  static Value text(std::string_view bytes);
  static Value set(std::unique_ptr<SetValue> set);
  static Value hash(std::unique_ptr<HashValue> hash);
  static Value list(std::unique_ptr<ds::QuickList> list);
  static Value zset(std::unique_ptr<ZSetValue> zset);

  Value(Value&& other) noexcept;
  Value& operator=(Value&& other) noexcept;
  Value(const Value&) = delete;
  Value& operator=(const Value&) = delete;
  ~Value() { release(); }

  ValueType type() const { return type_; }
  Encoding encoding() const;
  bool is_string() const { return type_ == ValueType::String; }
  bool is_int() const { return type_ == ValueType::String && encoding_ == Encoding::Int; }
  int64_t as_int() const { return load<int64_t>(); }

  // String bytes; integer values are rendered into `scratch` (21 bytes) and viewed from there.
  // The view is valid until the value changes or moves.
  std::string_view string_view(char* scratch) const;
  size_t string_length() const;
  // APPEND: returns the new length. SETRANGE: writes `bytes` at `offset`, zero-filling any gap;
  // returns the new length. Both leave the encoding "raw", as Redis does.
  size_t append(std::string_view bytes);
  size_t set_range(size_t offset, std::string_view bytes);

  // Redis hands out shared objects for integers 0..9999 it creates (REFCOUNT 2147483647);
  // a duplicate made by COPY is a private object again.
  bool is_shared_integer() const { return (flags_ & kSharedInteger) != 0; }
  // A deep copy (COPY); never shares an integer object.
  Value duplicate() const;

  SetValue& as_set() { return *load<SetValue*>(); }
  const SetValue& as_set() const { return *load<SetValue*>(); }
  HashValue& as_hash() { return *load<HashValue*>(); }
  const HashValue& as_hash() const { return *load<HashValue*>(); }
  ds::QuickList& as_list() { return *load<ds::QuickList*>(); }
  const ds::QuickList& as_list() const { return *load<ds::QuickList*>(); }
  ZSetValue& as_zset() { return *load<ZSetValue*>(); }
  const ZSetValue& as_zset() const { return *load<ZSetValue*>(); }

  // Heap bytes this value owns beyond its 12 bytes (requested sizes).
  size_t memory_bytes() const;

 private:
  struct HeapString;  // {uint32 size, uint32 capacity, bytes}

  static constexpr uint8_t kSharedInteger = 1;
  static constexpr uint8_t kInline = 2;

  Value(ValueType t, Encoding e) : type_(t), encoding_(e) {}
  static Value string_bytes(std::string_view bytes, Encoding e);

  template <typename T>
  T load() const {
    T v;
    std::memcpy(&v, payload_, sizeof v);
    return v;
  }
  template <typename T>
  void store(T v) {
    std::memcpy(payload_, &v, sizeof v);
  }
  bool is_inline() const { return (flags_ & kInline) != 0; }
  // The heap block of a long string, made writable with room for `size` bytes.
  HeapString* writable_string(size_t size);
  void release();

  unsigned char payload_[8] = {};  // int64 | owning pointer | inline bytes
  ValueType type_;
  Encoding encoding_;
  uint8_t flags_ = 0;
  uint8_t inline_size_ = 0;
};

static_assert(sizeof(Value) == 12);

}  // namespace cardinal::engine
