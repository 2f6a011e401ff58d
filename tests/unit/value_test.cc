// engine::Value: a 12-byte value whose strings live inline (<= 8 bytes), in one heap block, or
// as an integer. Checked against plain std::string models: every storage form must give the
// same bytes, length and Redis encoding name, through APPEND/SETRANGE growth and moves.
#include <catch2/catch.hpp>

#include <memory>
#include <random>
#include <string>
#include <utility>

#include "cardinal/engine/value.h"

using cardinal::engine::Encoding;
using cardinal::engine::Value;

namespace {

std::string bytes_of(const Value& v) {
  char scratch[21];
  return std::string(v.string_view(scratch));
}

std::string random_bytes(std::mt19937_64& rng, size_t n) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng() & 0xFF);  // NUL, CR, LF included
  return s;
}

}  // namespace

TEST_CASE("Value: strings of every length round-trip with Redis's encoding names", "[value]") {
  std::mt19937_64 rng(7);
  for (size_t n : {0, 1, 7, 8, 9, 20, 44, 45, 100, 5000}) {
    std::string s = random_bytes(rng, n);
    if (!s.empty()) s[0] = 'x';  // never a canonical integer
    Value v = Value::string_from_client(s);
    REQUIRE(bytes_of(v) == s);
    REQUIRE(v.string_length() == n);
    REQUIRE(v.encoding() == (n <= Value::kEmbStrMax ? Encoding::EmbStr : Encoding::Raw));
    REQUIRE(v.memory_bytes() == (n <= Value::kInlineMax ? 0 : n + 8));
    Value raw = Value::raw_string(s);
    REQUIRE(bytes_of(raw) == s);
    REQUIRE(raw.encoding() == Encoding::Raw);
  }
}

TEST_CASE("Value: integers are stored as integers, shared in 0..9999 like Redis", "[value]") {
  for (const char* text :
       {"0", "9999", "10000", "-1", "9223372036854775807", "-9223372036854775808"}) {
    Value v = Value::string_from_client(text);
    REQUIRE(v.is_int());
    REQUIRE(v.encoding() == Encoding::Int);
    REQUIRE(bytes_of(v) == text);
    long long n = std::stoll(text);
    REQUIRE(v.is_shared_integer() == (n >= 0 && n < 10000));
    REQUIRE_FALSE(v.duplicate().is_shared_integer());
    REQUIRE(bytes_of(v.duplicate()) == text);
  }
  for (const char* text : {"007", "-0", "+1", "1.0", " 1", "9223372036854775808"}) {
    Value v = Value::string_from_client(text);
    REQUIRE_FALSE(v.is_int());
    REQUIRE(bytes_of(v) == text);
  }
}

TEST_CASE("Value: APPEND and SETRANGE against a std::string model", "[value]") {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 200; ++round) {
    std::string model = std::to_string(rng() % 100000);  // starts as an integer
    Value v = Value::string_from_client(model);
    for (int op = 0; op < 30; ++op) {
      std::string piece = random_bytes(rng, rng() % 20);
      if (rng() % 2) {
        model += piece;
        REQUIRE(v.append(piece) == model.size());
      } else {
        size_t offset = rng() % (model.size() + 12);
        if (model.size() < offset + piece.size()) model.resize(offset + piece.size(), '\0');
        model.replace(offset, piece.size(), piece);
        REQUIRE(v.set_range(offset, piece) == model.size());
      }
      REQUIRE(v.encoding() == Encoding::Raw);
      REQUIRE_FALSE(v.is_shared_integer());
      REQUIRE(bytes_of(v) == model);
      REQUIRE(v.string_length() == model.size());
    }
  }
}

TEST_CASE("Value: moves leave the source empty and never double-free", "[value]") {
  Value a = Value::text(std::string(100, 'a'));
  Value b = std::move(a);
  REQUIRE(bytes_of(b) == std::string(100, 'a'));
  REQUIRE(a.string_length() == 0);  // NOLINT(bugprone-use-after-move): the documented state
  Value c = Value::text("short");
  c = std::move(b);
  REQUIRE(bytes_of(c) == std::string(100, 'a'));
  c = Value::integer(5);
  REQUIRE(bytes_of(c) == "5");
  Value set = Value::set(cardinal::engine::SetValue::for_member("m"));
  set.as_set().add("m", 512);
  c = std::move(set);
  REQUIRE(c.type() == cardinal::engine::ValueType::Set);
  REQUIRE(c.as_set().contains("m"));
  REQUIRE(c.memory_bytes() > 0);
}

TEST_CASE("Value: a list reports quicklist, duplicates deeply and counts its nodes", "[value]") {
  Value list = Value::list(std::make_unique<cardinal::ds::QuickList>());
  for (int i = 0; i < 1000; ++i) list.as_list().push_back("element-" + std::to_string(i));
  REQUIRE(list.type() == cardinal::engine::ValueType::List);
  REQUIRE(cardinal::engine::encoding_name(list.encoding()) == "quicklist");
  REQUIRE(list.memory_bytes() >= sizeof(cardinal::ds::QuickList) + 1000 * 10);

  Value copy = list.duplicate();
  std::string out;
  REQUIRE(list.as_list().pop_front(out));
  REQUIRE(out == "element-0");
  REQUIRE(copy.as_list().size() == 1000);
  REQUIRE(copy.as_list().get(0, out));
  REQUIRE(out == "element-0");

  Value moved = std::move(copy);
  REQUIRE(moved.as_list().size() == 1000);
  moved = Value::integer(1);  // releases the list (ASan checks the nodes are freed)
  REQUIRE(moved.is_int());
}
