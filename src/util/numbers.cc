#include "cardinal/util/numbers.h"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace cardinal::util {

namespace {
constexpr size_t kMaxIntegerChars = 20;
// strtod needs a NUL-terminated copy; numbers longer than this are never valid anyway except
// with absurd zero padding, which Redis also bounds (MAX_LONG_DOUBLE_CHARS).
constexpr size_t kMaxFloatChars = 5 * 1024;
}  // namespace

bool parse_u64(std::string_view text, uint64_t& out) {
  if (text.empty() || text.size() > kMaxIntegerChars) return false;
  if (text.size() > 1 && text[0] == '0') return false;
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return false;
  out = value;
  return true;
}

bool parse_i64(std::string_view text, int64_t& out) {
  if (text.empty() || text.size() > kMaxIntegerChars) return false;
  bool negative = text[0] == '-';
  std::string_view digits = negative ? text.substr(1) : text;
  if (digits.empty() || !std::isdigit(static_cast<unsigned char>(digits[0]))) return false;
  if (digits[0] == '0') {
    if (digits.size() > 1 || negative) return false;  // leading zeros and "-0" are text
    out = 0;
    return true;
  }
  uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude);
  if (ec != std::errc() || end != digits.data() + digits.size()) return false;
  if (negative) {
    if (magnitude > static_cast<uint64_t>(INT64_MAX) + 1) return false;
    out = static_cast<int64_t>(0 - magnitude);
  } else {
    if (magnitude > static_cast<uint64_t>(INT64_MAX)) return false;
    out = static_cast<int64_t>(magnitude);
  }
  return true;
}

template <typename F>
static bool parse_floating(std::string_view text, F& out, F (*conv)(const char*, char**)) {
  if (text.empty() || text.size() >= kMaxFloatChars) return false;
  if (std::isspace(static_cast<unsigned char>(text[0]))) return false;
  char buf[kMaxFloatChars];
  text.copy(buf, text.size());
  buf[text.size()] = '\0';
  char* end = nullptr;
  errno = 0;
  F value = conv(buf, &end);
  if (static_cast<size_t>(end - buf) != text.size()) return false;  // also catches embedded NUL
  if (errno == ERANGE && (std::isinf(value) || value == 0)) return false;
  if (std::isnan(value)) return false;
  out = value;
  return true;
}

bool parse_double(std::string_view text, double& out) {
  return parse_floating<double>(text, out, &std::strtod);
}

bool parse_long_double(std::string_view text, long double& out) {
  return parse_floating<long double>(text, out, &std::strtold);
}

size_t format_i64(int64_t v, char* buf) {
  auto [end, ec] = std::to_chars(buf, buf + 21, v);
  (void)ec;
  return static_cast<size_t>(end - buf);
}

std::string i64_to_string(int64_t v) {
  char buf[21];
  return std::string(buf, format_i64(v, buf));
}

std::string format_long_double_human(long double v) {
  char buf[kMaxFloatChars];
  int len = std::snprintf(buf, sizeof(buf), "%.17Lf", v);
  if (len <= 0 || static_cast<size_t>(len) >= sizeof(buf)) return {};
  std::string_view s(buf, static_cast<size_t>(len));
  if (s.find('.') != std::string_view::npos) {
    while (s.back() == '0') s.remove_suffix(1);
    if (s.back() == '.') s.remove_suffix(1);
  }
  if (s == "-0") s = "0";
  return std::string(s);
}

size_t format_double(double v, char* buf) {
  if (std::isinf(v)) {
    std::memcpy(buf, v > 0 ? "inf" : "-inf", v > 0 ? 3 : 4);
    return v > 0 ? 3 : 4;
  }
  // to_chars with a precision is specified as printf's %.17g, without printf's locale and
  // format-string machinery (which dominated profiles of ZRANGE ... WITHSCORES).
  auto [end, ec] = std::to_chars(buf, buf + kMaxDoubleChars, v, std::chars_format::general, 17);
  (void)ec;
  return static_cast<size_t>(end - buf);
}

std::string format_double(double v) {
  char buf[kMaxDoubleChars];
  return std::string(buf, format_double(v, buf));
}

}  // namespace cardinal::util
