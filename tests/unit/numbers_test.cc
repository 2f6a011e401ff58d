// util numbers: which texts Redis treats as integers and floats, and how it prints them. The
// acceptance rules are visible to clients (INCR on "007" fails, "1e3" is a valid score), so
// both accept and reject lists are spelled out, plus a property test of parse_i64 against a
// reference built from the rule text.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <string>

#include "cardinal/util/numbers.h"

using namespace cardinal::util;
using namespace std::string_literals;

namespace {

std::optional<int64_t> i64(std::string_view s) {
  int64_t v = 12345;  // must be left alone on failure
  if (!parse_i64(s, v)) {
    if (v != 12345) FAIL("parse_i64 wrote its output on failure");
    return std::nullopt;
  }
  return v;
}

// The rule, independently: optional '-', then "0" or a non-zero digit and more digits, not
// "-0", value within int64.
std::optional<int64_t> reference_i64(const std::string& s) {
  size_t i = 0;
  bool neg = !s.empty() && s[0] == '-';
  if (neg) i = 1;
  if (i == s.size()) return std::nullopt;
  for (size_t j = i; j < s.size(); ++j)
    if (s[j] < '0' || s[j] > '9') return std::nullopt;
  if (s[i] == '0' && (s.size() - i > 1 || neg)) return std::nullopt;
  const uint64_t limit = neg ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  uint64_t mag = 0;
  for (size_t j = i; j < s.size(); ++j) {
    uint64_t d = static_cast<uint64_t>(s[j] - '0');
    if (mag > (limit - d) / 10) return std::nullopt;  // mag * 10 + d would exceed limit
    mag = mag * 10 + d;
  }
  if (!neg) return static_cast<int64_t>(mag);
  return mag == uint64_t{1} << 63 ? INT64_MIN : -static_cast<int64_t>(mag);
}

std::optional<double> dbl(std::string_view s) {
  double v = 42;
  if (!parse_double(s, v)) return std::nullopt;
  return v;
}

std::optional<long double> ldbl(std::string_view s) {
  long double v = 42;
  if (!parse_long_double(s, v)) return std::nullopt;
  return v;
}

}  // namespace

TEST_CASE("parse_i64 accepts canonical integers only", "[numbers]") {
  REQUIRE(i64("0") == 0);
  REQUIRE(i64("-1") == -1);
  REQUIRE(i64("7") == 7);
  REQUIRE(i64("1234567890") == 1234567890);
  REQUIRE(i64("9223372036854775807") == INT64_MAX);
  REQUIRE(i64("-9223372036854775808") == INT64_MIN);
  for (std::string bad : {""s,
                          "+1"s,
                          "01"s,
                          "00"s,
                          "-0"s,
                          "-01"s,
                          " 1"s,
                          "1 "s,
                          "-"s,
                          "--1"s,
                          "1-"s,
                          "0x10"s,
                          "1e3"s,
                          "1.0"s,
                          "abc"s,
                          "1\0"s,
                          "\0"s + "1",
                          "9223372036854775808"s,
                          "-9223372036854775809"s,
                          "18446744073709551616"s,
                          "99999999999999999999"s,
                          "-00000000000000000001"s,
                          "100000000000000000000"s}) {
    INFO("'" << bad << "' (" << bad.size() << " bytes)");
    REQUIRE_FALSE(i64(bad).has_value());
  }
}

TEST_CASE("parse_i64 agrees with the rule on random digit strings", "[numbers]") {
  std::mt19937_64 rng(3);
  const std::string alphabet = "0123456789-+ ";
  for (int i = 0; i < 100'000; ++i) {
    std::string s(rng() % 22, '0');
    // Mostly digits so that long valid numbers and overflows are common.
    for (char& c : s) c = rng() % 8 ? static_cast<char>('0' + rng() % 10) : alphabet[rng() % 13];
    if (rng() % 3 == 0 && !s.empty()) s[0] = '-';
    auto want = reference_i64(s);
    auto got = i64(s);
    if (got != want) {
      CAPTURE(s, want.has_value(), got.has_value());
      FAIL("parse_i64 disagrees with the reference");
    }
  }
  // Every int64 printed by the standard library parses back to itself.
  for (int i = 0; i < 20'000; ++i) {
    int64_t v = static_cast<int64_t>(rng()) >> (rng() % 64);
    if (i64(std::to_string(v)) != v) {
      CAPTURE(v);
      FAIL("round trip failed");
    }
  }
}

TEST_CASE("parse_u64 range and syntax", "[numbers]") {
  uint64_t v = 0;
  REQUIRE(parse_u64("0", v));
  REQUIRE(v == 0);
  REQUIRE(parse_u64("18446744073709551615", v));
  REQUIRE(v == UINT64_MAX);
  for (const char* bad : {"", "-1", "+1", "01", "18446744073709551616", "1 ", " 1", "1x"}) {
    INFO(bad);
    REQUIRE_FALSE(parse_u64(bad, v));
  }
}

TEST_CASE("format_i64 and i64_to_string", "[numbers]") {
  char buf[21];
  REQUIRE(std::string(buf, format_i64(INT64_MIN, buf)) == "-9223372036854775808");
  REQUIRE(std::string(buf, format_i64(INT64_MAX, buf)) == "9223372036854775807");
  REQUIRE(std::string(buf, format_i64(0, buf)) == "0");
  REQUIRE(i64_to_string(-42) == "-42");
}

TEST_CASE("parse_double accepts what strtod reads in full", "[numbers]") {
  const double inf = std::numeric_limits<double>::infinity();
  REQUIRE(dbl("1e3") == 1000.0);
  REQUIRE(dbl("1.5") == 1.5);
  REQUIRE(dbl("-1.5") == -1.5);
  REQUIRE(dbl(".5") == 0.5);
  REQUIRE(dbl("5.") == 5.0);
  REQUIRE(dbl("+2") == 2.0);
  REQUIRE(dbl("007") == 7.0);
  REQUIRE(dbl("0x10") == 16.0);
  REQUIRE(dbl("inf") == inf);
  REQUIRE(dbl("-inf") == -inf);
  REQUIRE(dbl("+inf") == inf);
  REQUIRE(dbl("Infinity") == inf);
  REQUIRE(dbl("1.7976931348623157e308") == std::numeric_limits<double>::max());
  // A denormal underflows with ERANGE but is not zero: Redis keeps it.
  auto tiny = dbl("1e-310");
  REQUIRE(tiny.has_value());
  REQUIRE(*tiny > 0);
  REQUIRE(*tiny < 1e-300);
}

TEST_CASE("parse_double rejects partial, NaN and out-of-range texts", "[numbers]") {
  for (std::string bad :
       {""s,    " 1"s,  "\t1"s,  "\n1"s,   "1 "s,     "1.5x"s,      "abc"s,
        "nan"s, "NaN"s, "-nan"s, "1e999"s, "-1e999"s, "1e-999"s,    "1e"s,
        "e1"s,  "-"s,   "."s,    "0x"s,    "1\0"s,    "1\0"s + "2", std::string(6000, '1')}) {
    INFO("'" << bad << "' (" << bad.size() << " bytes)");
    REQUIRE_FALSE(dbl(bad).has_value());
  }
}

TEST_CASE("parse_long_double", "[numbers]") {
  REQUIRE(ldbl("1e3") == 1000.0L);
  REQUIRE(ldbl("-inf") == -std::numeric_limits<long double>::infinity());
  REQUIRE(ldbl("inf") == std::numeric_limits<long double>::infinity());
  REQUIRE(ldbl("1e999").has_value());  // in range for long double
  for (std::string bad :
       {""s, " 1"s, "1 "s, "nan"s, "1e5000"s, "-1e5000"s, "1e-5000"s, "1.5x"s, "1\0"s}) {
    INFO("'" << bad << "'");
    REQUIRE_FALSE(ldbl(bad).has_value());
  }
}

TEST_CASE("format_long_double_human prints INCRBYFLOAT results", "[numbers]") {
  // INCRBYFLOAT parses both operands as long double and adds them.
  long double a = 0, b = 0;
  REQUIRE(parse_long_double("10.5", a));
  REQUIRE(parse_long_double("0.1", b));
  REQUIRE(format_long_double_human(a + b) == "10.6");
  REQUIRE(format_long_double_human(3.0L) == "3");
  REQUIRE(format_long_double_human(-0.0L) == "0");
  REQUIRE(format_long_double_human(-1e-18L) == "0");  // rounds to "-0.000..." first
  REQUIRE(format_long_double_human(1e-18L) == "0");
  REQUIRE(format_long_double_human(1.5L) == "1.5");
  REQUIRE(format_long_double_human(-2.25L) == "-2.25");
  REQUIRE(format_long_double_human(0.1L) == "0.1");
  REQUIRE(format_long_double_human(100.0L) == "100");  // zeros before the dot stay
  REQUIRE(format_long_double_human(1e20L) == "100000000000000000000");
  REQUIRE(format_long_double_human(5000.0L) == "5000");
  REQUIRE(format_long_double_human(std::numeric_limits<long double>::infinity()) == "inf");
  REQUIRE(format_long_double_human(-std::numeric_limits<long double>::infinity()) == "-inf");
}

TEST_CASE("format_double is %.17g with inf", "[numbers]") {
  // Expected strings from Python's '%.17g' % v.
  REQUIRE(format_double(0.1) == "0.10000000000000001");
  REQUIRE(format_double(1.5) == "1.5");
  REQUIRE(format_double(3.0) == "3");
  REQUIRE(format_double(-0.0) == "-0");
  REQUIRE(format_double(1e300) == "1.0000000000000001e+300");
  REQUIRE(format_double(1.0 / 3) == "0.33333333333333331");
  REQUIRE(format_double(std::numeric_limits<double>::infinity()) == "inf");
  REQUIRE(format_double(-std::numeric_limits<double>::infinity()) == "-inf");
  // Round trip: %.17g is exact for every finite double.
  std::mt19937_64 rng(17);
  for (int i = 0; i < 10'000; ++i) {
    uint64_t bits = rng();
    double v;
    std::memcpy(&v, &bits, sizeof v);
    if (!std::isfinite(v)) continue;
    double back = 0;
    std::string text = format_double(v);
    if (!parse_double(text, back) || back != v) {
      CAPTURE(text);
      FAIL("format_double does not round-trip");
    }
  }
}

TEST_CASE("format_double matches printf %.17g byte for byte", "[numbers]") {
  auto printf_17g = [](double v) {
    char buf[64];
    int n = std::snprintf(buf, sizeof buf, "%.17g", v);
    return std::string(buf, static_cast<size_t>(n));
  };
  std::mt19937_64 rng(2026);
  std::vector<double> values = {0.0,
                                -0.0,
                                1.0,
                                -1.0,
                                0.5,
                                1e16,
                                1e17,
                                123456789012345678.0,
                                1e-5,
                                1e-4,
                                9.5e-5,
                                1e21,
                                5e-324,
                                2.2250738585072014e-308,
                                1.7976931348623157e308,
                                0.1 + 0.2,
                                100.0,
                                1e15 + 0.3};
  for (int i = 0; i < 20'000; ++i) {
    uint64_t bits = rng();
    double v;
    std::memcpy(&v, &bits, sizeof v);
    if (std::isfinite(v)) values.push_back(v);
    values.push_back(static_cast<double>(static_cast<int64_t>(rng() >> (rng() % 64))) /
                     static_cast<double>(uint64_t{1} << (rng() % 40)));
  }
  for (double v : values) {
    char buf[kMaxDoubleChars];
    INFO(printf_17g(v));
    REQUIRE(std::string(buf, format_double(v, buf)) == printf_17g(v));
  }
}
