#include "cardinal/engine/value.h"

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
  }
  return "unknown";
}

Value Value::string_from_client(std::string_view bytes) {
  int64_t n;
  if (bytes.size() <= 20 && util::parse_i64(bytes, n)) return integer(n);
  return text(std::string(bytes));
}

Value Value::raw_string(std::string bytes) {
  Value v(ValueType::String, Encoding::Raw);
  v.payload_ = std::move(bytes);
  return v;
}

Value Value::integer(int64_t n) {
  Value v(ValueType::String, Encoding::Int);
  v.payload_ = n;
  v.shared_integer_ = n >= 0 && n < 10000;
  return v;
}

Value Value::text(std::string bytes) {
  Value v(ValueType::String, bytes.size() <= kEmbStrMax ? Encoding::EmbStr : Encoding::Raw);
  v.payload_ = std::move(bytes);
  return v;
}

Value Value::set(std::unique_ptr<SetValue> s) {
  Value v(ValueType::Set, Encoding::HashTable);
  v.payload_ = std::move(s);
  return v;
}

Value Value::hash(std::unique_ptr<HashValue> h) {
  Value v(ValueType::Hash, Encoding::ListPack);
  v.payload_ = std::move(h);
  return v;
}

Encoding Value::encoding() const {
  if (type_ == ValueType::Hash)
    return as_hash().encoding() == HashValue::Encoding::ListPack ? Encoding::ListPack
                                                                 : Encoding::HashTable;
  if (type_ == ValueType::Set)
    return as_set().encoding() == SetValue::Encoding::IntSet ? Encoding::IntSet
                                                             : Encoding::HashTable;
  return encoding_;
}

Value Value::duplicate() const {
  Value v(type_, encoding_);
  if (type_ == ValueType::Hash) {
    v.payload_ = as_hash().clone();
  } else if (type_ == ValueType::Set) {
    v.payload_ = as_set().clone();
  } else if (is_int()) {
    v.payload_ = as_int();
  } else {
    v.payload_ = std::get<std::string>(payload_);
  }
  return v;
}

std::string_view Value::string_view(char* scratch) const {
  if (is_int()) return {scratch, util::format_i64(as_int(), scratch)};
  return std::get<std::string>(payload_);
}

size_t Value::string_length() const {
  if (is_int()) {
    char buf[21];
    return util::format_i64(as_int(), buf);
  }
  return std::get<std::string>(payload_).size();
}

std::string& Value::mutable_raw() {
  if (is_int()) payload_ = util::i64_to_string(as_int());
  encoding_ = Encoding::Raw;
  shared_integer_ = false;
  return std::get<std::string>(payload_);
}

}  // namespace cardinal::engine
