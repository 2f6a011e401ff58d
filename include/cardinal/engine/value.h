// Value: what a key holds — its type, its encoding (the name OBJECT ENCODING reports) and its
// payload. Strings that read as canonical 64-bit integers are stored as integers, short strings
// report "embstr" and long or mutated ones "raw", following Redis's rules so OBJECT ENCODING
// matches. Later types add payload alternatives. Single-threaded (event loop).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "cardinal/engine/hash_value.h"
#include "cardinal/engine/set_value.h"

namespace cardinal::engine {

enum class ValueType : uint8_t { String, List, Set, ZSet, Hash };
enum class Encoding : uint8_t { Int, EmbStr, Raw, IntSet, HashTable, ListPack };

std::string_view type_name(ValueType t);
std::string_view encoding_name(Encoding e);

class Value {
 public:
  // Longest string Redis stores inline with its object header ("embstr").
  static constexpr size_t kEmbStrMax = 44;

  // The encoding Redis picks for a value arriving from a client (SET, MSET, ...).
  static Value string_from_client(std::string_view bytes);
  // A string whose encoding is raw regardless of content (APPEND, SETRANGE results).
  static Value raw_string(std::string bytes);
  // A string made from a computed integer (INCR and friends).
  static Value integer(int64_t v);
  // A string from formatted text that is never reinterpreted as an integer (INCRBYFLOAT).
  static Value text(std::string bytes);
  static Value set(std::unique_ptr<SetValue> set);
  static Value hash(std::unique_ptr<HashValue> hash);

  Value(Value&&) noexcept = default;
  Value& operator=(Value&&) noexcept = default;

  ValueType type() const { return type_; }
  Encoding encoding() const;
  bool is_string() const { return type_ == ValueType::String; }
  bool is_int() const { return std::holds_alternative<int64_t>(payload_); }
  int64_t as_int() const { return std::get<int64_t>(payload_); }

  // String bytes; integer values are rendered into `scratch` (21 bytes) and viewed from there.
  std::string_view string_view(char* scratch) const;
  size_t string_length() const;
  // Mutable bytes for APPEND/SETRANGE: converts to the raw encoding first.
  std::string& mutable_raw();

  // Redis hands out shared objects for integers 0..9999 it creates (REFCOUNT 2147483647);
  // a duplicate made by COPY is a private object again.
  bool is_shared_integer() const { return shared_integer_; }
  // A deep copy (COPY); never shares an integer object.
  Value duplicate() const;

  SetValue& as_set() { return *std::get<std::unique_ptr<SetValue>>(payload_); }
  const SetValue& as_set() const { return *std::get<std::unique_ptr<SetValue>>(payload_); }
  HashValue& as_hash() { return *std::get<std::unique_ptr<HashValue>>(payload_); }
  const HashValue& as_hash() const { return *std::get<std::unique_ptr<HashValue>>(payload_); }

 private:
  Value(ValueType t, Encoding e) : type_(t), encoding_(e) {}

  ValueType type_;
  Encoding encoding_;
  bool shared_integer_ = false;
  std::variant<int64_t, std::string, std::unique_ptr<SetValue>, std::unique_ptr<HashValue>>
      payload_;
};

}  // namespace cardinal::engine
