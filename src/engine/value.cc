#include "cardinal/engine/value.h"

#include <limits>
#include <new>
#include <stdexcept>
#include <utility>

#include "cardinal/util/numbers.h"

namespace cardinal::engine {

std::string_view type_name(ValueType t) {
  switch (t) {
    case ValueType::String:
      return "string";
    case ValueType::List:
      return "list";
    case ValueType::Set:
      return "set";
    case ValueType::ZSet:
      return "zset";
    case ValueType::Hash:
      return "hash";
  }
  return "none";
}

std::string_view encoding_name(Encoding e) {
  switch (e) {
    case Encoding::Int:
      return "int";
    case Encoding::EmbStr:
      return "embstr";
    case Encoding::Raw:
      return "raw";
    case Encoding::IntSet:
      return "intset";
    case Encoding::HashTable:
      return "hashtable";
    case Encoding::ListPack:
      return "listpack";
    case Encoding::QuickList:
      return "quicklist";
    case Encoding::SkipList:
      return "skiplist";
  }
  return "unknown";
}

struct Value::HeapString {
  uint32_t size;
  uint32_t capacity;

  char* data() { return reinterpret_cast<char*>(this + 1); }
  const char* data() const { return reinterpret_cast<const char*>(this + 1); }

  // The engine's strings are bounded by 4 GiB - 1 (Redis's own default cap is 512 MB).
  static HeapString* make(size_t capacity) {
    if (capacity > std::numeric_limits<uint32_t>::max())
      throw std::length_error("string exceeds 4 GiB");
    auto* s = static_cast<HeapString*>(::operator new(sizeof(HeapString) + capacity));
    s->size = 0;
    s->capacity = static_cast<uint32_t>(capacity);
    return s;
  }
};

Value Value::string_bytes(std::string_view bytes, Encoding e) {
  Value v(ValueType::String, e);
  if (bytes.size() <= kInlineMax) {
    v.flags_ = kInline;
    v.inline_size_ = static_cast<uint8_t>(bytes.size());
    if (!bytes.empty()) std::memcpy(v.payload_, bytes.data(), bytes.size());
  } else {
    HeapString* s = HeapString::make(bytes.size());
    std::memcpy(s->data(), bytes.data(), bytes.size());
    s->size = static_cast<uint32_t>(bytes.size());
    v.store(s);
  }
  return v;
}

Value Value::string_from_client(std::string_view bytes) {
  int64_t n;
  if (bytes.size() <= 20 && util::parse_i64(bytes, n)) return integer(n);
  return text(bytes);
}

Value Value::raw_string(std::string_view bytes) {
  return string_bytes(bytes, Encoding::Raw);
}

Value Value::integer(int64_t n) {
  Value v(ValueType::String, Encoding::Int);
  v.store(n);
  if (n >= 0 && n < 10000) v.flags_ = kSharedInteger;
  return v;
}

Value Value::text(std::string_view bytes) {
  return string_bytes(bytes, bytes.size() <= kEmbStrMax ? Encoding::EmbStr : Encoding::Raw);
}

Value Value::set(std::unique_ptr<SetValue> s) {
  Value v(ValueType::Set, Encoding::HashTable);
  v.store(s.release());
  return v;
}

Value Value::hash(std::unique_ptr<HashValue> h) {
  Value v(ValueType::Hash, Encoding::ListPack);
  v.store(h.release());
  return v;
}

Value Value::list(std::unique_ptr<ds::QuickList> l) {
  Value v(ValueType::List, Encoding::QuickList);
  v.store(l.release());
  return v;
}

Value Value::zset(std::unique_ptr<ZSetValue> z) {
  Value v(ValueType::ZSet, Encoding::ListPack);
  v.store(z.release());
  return v;
}

Value::Value(Value&& other) noexcept
    : type_(other.type_),
      encoding_(other.encoding_),
      flags_(other.flags_),
      inline_size_(other.inline_size_) {
  std::memcpy(payload_, other.payload_, sizeof payload_);
  // The source keeps nothing it could free: an empty inline string.
  other.type_ = ValueType::String;
  other.encoding_ = Encoding::EmbStr;
  other.flags_ = kInline;
  other.inline_size_ = 0;
}

Value& Value::operator=(Value&& other) noexcept {
  if (this != &other) {
    release();
    new (this) Value(std::move(other));
  }
  return *this;
}

void Value::release() {
  switch (type_) {
    case ValueType::String:
      if (encoding_ != Encoding::Int && !is_inline()) ::operator delete(load<HeapString*>());
      break;
    case ValueType::Set:
      delete load<SetValue*>();
      break;
    case ValueType::Hash:
      delete load<HashValue*>();
      break;
    case ValueType::List:
      delete load<ds::QuickList*>();
      break;
    case ValueType::ZSet:
      delete load<ZSetValue*>();
      break;
  }
  type_ = ValueType::String;
  encoding_ = Encoding::EmbStr;
  flags_ = kInline;
  inline_size_ = 0;
}

Encoding Value::encoding() const {
  if (type_ == ValueType::Hash)
    return as_hash().encoding() == HashValue::Encoding::ListPack ? Encoding::ListPack
                                                                 : Encoding::HashTable;
  if (type_ == ValueType::ZSet)
    return as_zset().encoding() == ZSetValue::Encoding::ListPack ? Encoding::ListPack
                                                                 : Encoding::SkipList;
  if (type_ == ValueType::Set)
    return as_set().encoding() == SetValue::Encoding::IntSet ? Encoding::IntSet
                                                             : Encoding::HashTable;
  return encoding_;
}

Value Value::duplicate() const {
  if (type_ == ValueType::Hash) return hash(as_hash().clone());
  if (type_ == ValueType::Set) return set(as_set().clone());
  if (type_ == ValueType::ZSet) return zset(as_zset().clone());
  if (type_ == ValueType::List) return list(std::make_unique<ds::QuickList>(as_list().clone()));
  if (is_int()) {
    Value v = integer(as_int());
    v.flags_ = 0;
    return v;
  }
  char scratch[21];
  return string_bytes(string_view(scratch), encoding_);
}

std::string_view Value::string_view(char* scratch) const {
  if (is_int()) return {scratch, util::format_i64(as_int(), scratch)};
  if (is_inline()) return {reinterpret_cast<const char*>(payload_), inline_size_};
  const HeapString* s = load<HeapString*>();
  return {s->data(), s->size};
}

size_t Value::string_length() const {
  if (is_int()) {
    char buf[21];
    return util::format_i64(as_int(), buf);
  }
  return is_inline() ? inline_size_ : load<HeapString*>()->size;
}

Value::HeapString* Value::writable_string(size_t size) {
  HeapString* s = (is_int() || is_inline()) ? nullptr : load<HeapString*>();
  if (!s || s->capacity < size) {
    // Grow geometrically so a loop of APPENDs costs amortized O(1) per byte, but by at most
    // 1 MB past the need, as Redis's greedy preallocation does.
    size_t capacity = size < (1u << 20) ? size * 2 : size + (1u << 20);
    if (capacity > std::numeric_limits<uint32_t>::max())
      capacity = std::max<size_t>(size, std::numeric_limits<uint32_t>::max());
    HeapString* grown = HeapString::make(capacity);
    char scratch[21];
    std::string_view current = string_view(scratch);
    if (!current.empty()) std::memcpy(grown->data(), current.data(), current.size());
    grown->size = static_cast<uint32_t>(current.size());
    if (s) ::operator delete(s);
    s = grown;
    store(s);
    flags_ = 0;
  }
  encoding_ = Encoding::Raw;
  return s;
}

size_t Value::append(std::string_view bytes) {
  size_t old_size = string_length();
  HeapString* s = writable_string(old_size + bytes.size());
  if (!bytes.empty()) std::memcpy(s->data() + old_size, bytes.data(), bytes.size());
  s->size = static_cast<uint32_t>(old_size + bytes.size());
  return s->size;
}

size_t Value::set_range(size_t offset, std::string_view bytes) {
  size_t old_size = string_length();
  size_t new_size = std::max(old_size, offset + bytes.size());
  HeapString* s = writable_string(new_size);
  if (offset > old_size) std::memset(s->data() + old_size, 0, offset - old_size);
  if (!bytes.empty()) std::memcpy(s->data() + offset, bytes.data(), bytes.size());
  s->size = static_cast<uint32_t>(new_size);
  return s->size;
}

size_t Value::memory_bytes() const {
  switch (type_) {
    case ValueType::String:
      if (is_int() || is_inline()) return 0;
      return sizeof(HeapString) + load<HeapString*>()->capacity;
    case ValueType::Set:
      return sizeof(SetValue) + as_set().memory_bytes();
    case ValueType::Hash:
      return sizeof(HashValue) + as_hash().memory_bytes();
    case ValueType::List:
      return sizeof(ds::QuickList) + as_list().memory_bytes();
    case ValueType::ZSet:
      return sizeof(ZSetValue) + as_zset().memory_bytes();
  }
  return 0;
}

}  // namespace cardinal::engine
