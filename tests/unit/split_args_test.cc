// util::split_args and append_quoted: the quoting rules of inline commands and config files,
// and the quoted form MONITOR / CLIENT LIST print. The split expectations were also checked by
// sending the same lines as inline "ECHO ..." commands to redis-server 7.0.
#include <catch2/catch.hpp>

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "cardinal/util/split_args.h"

using cardinal::util::append_quoted;
using cardinal::util::split_args;
using namespace std::string_literals;
using Args = std::vector<std::string>;

namespace {

struct SplitCase {
  std::string line;
  std::optional<Args> expected;  // nullopt: unbalanced quotes
};

std::string quoted(std::string_view s) {
  std::string out;
  append_quoted(out, s);
  return out;
}

}  // namespace

TEST_CASE("split_args splits and unquotes", "[split_args]") {
  std::vector<SplitCase> cases = {
      {"", Args{}},
      {"   ", Args{}},
      {" \t\r\n\v\f", Args{}},
      {"a b  c", Args{"a", "b", "c"}},
      {"  lead and trail  ", Args{"lead", "and", "trail"}},
      {"a\tb\rc\nd", Args{"a", "b", "c", "d"}},
      // \v and \f are skipped between arguments but do not end an unquoted one.
      {"\va", Args{"a"}},
      {"a\vb", Args{"a\vb"}},
      {"\"a\"\vb", Args{"a", "b"}},
      {"\"a b\" c", Args{"a b", "c"}},
      {"\"\"", Args{""}},
      {"'' x", Args{"", "x"}},
      // A quote inside an unquoted argument opens a quoted part of the same argument.
      {"a\"b c\"", Args{"ab c"}},
      {"a'b c'", Args{"ab c"}},
      // Double-quote escapes.
      {"\"\\n\\r\\t\\b\\a\"", Args{"\n\r\t\b\a"}},
      {"\"\\q\\\\\\\"\"", Args{"q\\\""}},  // unknown escape: the byte itself
      {"\"\\x41z\\x4A\\x4a\"", Args{"AzJJ"}},
      {"\"\\x00\\xff\"", Args{"\0\xff"s}},
      {"\"\\x4\"", Args{"x4"}},    // one hex digit: not a hex escape
      {"\"\\xg1\"", Args{"xg1"}},  // no hex digit
      {"\"a\\x\"", Args{"ax"}},
      // Single quotes: only \' is special.
      {"'a\\'b'", Args{"a'b"}},
      {"'a\\nb'", Args{"a\\nb"}},
      {"'a\"b'", Args{"a\"b"}},
      {"'a\\\\b'", Args{"a\\\\b"}},
      {"'\\\\'", std::nullopt},  // the second backslash escapes the closing quote
      // Unbalanced or badly closed quotes.
      {"\"abc", std::nullopt},
      {"'abc", std::nullopt},
      {"\"a\"b", std::nullopt},
      {"'a'b", std::nullopt},
      {"\"a\\\"", std::nullopt},  // the only quote is escaped
      {"\"a\\", std::nullopt},
      {"x \"a\"\"b\"", std::nullopt},
      // The line ends at a NUL byte, quoted or not.
      {"a b\0c d"s, Args{"a", "b"}},
      {"ab\0cd"s, Args{"ab"}},
      {"\"a\0b\""s, std::nullopt},
      {"'a\0'"s, std::nullopt},
  };
  for (const SplitCase& c : cases) {
    INFO("line: " << quoted(c.line));
    auto got = split_args(c.line);
    REQUIRE(got.has_value() == c.expected.has_value());
    if (got) REQUIRE(*got == *c.expected);
  }
}

TEST_CASE("append_quoted escapes like Redis's sdscatrepr", "[split_args]") {
  REQUIRE(quoted("") == "\"\"");
  REQUIRE(quoted("abc ~") == "\"abc ~\"");
  REQUIRE(quoted("a\"b\\c") == "\"a\\\"b\\\\c\"");
  REQUIRE(quoted("\n\r\t\a\b") == "\"\\n\\r\\t\\a\\b\"");
  REQUIRE(quoted("\0\x01\x1f\x7f\x80\xff"s) == "\"\\x00\\x01\\x1f\\x7f\\x80\\xff\"");
  REQUIRE(quoted("\v\f") == "\"\\x0b\\x0c\"");
  std::string out = "prefix ";
  append_quoted(out, "x");
  REQUIRE(out == "prefix \"x\"");
}

TEST_CASE("split_args reads back whatever append_quoted wrote", "[split_args]") {
  std::mt19937 rng(8);
  for (int i = 0; i < 20'000; ++i) {
    std::string s(rng() % 12, '\0');
    for (char& c : s) c = static_cast<char>(rng() % 256);
    std::string line = quoted(s) + " " + quoted("second");
    auto got = split_args(line);
    if (!got || *got != Args{s, "second"}) {
      CAPTURE(line);
      FAIL("round trip failed");
    }
  }
}
