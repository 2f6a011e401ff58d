// Number parsing and formatting with Redis's exact acceptance rules and output formats, because
// clients see both: "007" is not an integer, "1e3" is a float, INCRBYFLOAT prints "5.5" not
// "5.50000". Pure functions, no allocation except where a std::string is returned; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace cardinal::util {

// Strict decimal int64: optional '-', no '+', no spaces, no leading zeros ("0" alone is fine,
// "-0" is not), at most 20 characters, no overflow.
bool parse_i64(std::string_view text, int64_t& out);

// Like parse_i64 but into an unsigned range check done by the caller is not enough for sizes.
bool parse_u64(std::string_view text, uint64_t& out);

// A double as strtod reads it (so "1e3", "inf", "-inf", " hex floats" without the space), but
// the whole text must be consumed, no leading space, not NaN, and overflow to infinity rejected.
bool parse_double(std::string_view text, double& out);
bool parse_long_double(std::string_view text, long double& out);

// Writes v in decimal; returns the number of bytes. buf must hold 21 bytes.
size_t format_i64(int64_t v, char* buf);
std::string i64_to_string(int64_t v);

// INCRBYFLOAT's human format: fixed with 17 decimals, trailing zeros and dot removed.
std::string format_long_double_human(long double v);

// Scores and RESP doubles: exactly printf's "%.17g", with "inf" / "-inf". The buffer form
// writes at most kMaxDoubleChars bytes and returns how many.
constexpr size_t kMaxDoubleChars = 32;
size_t format_double(double v, char* buf);
std::string format_double(double v);

}  // namespace cardinal::util
