// util::glob_match: Redis's glob dialect (KEYS, SCAN MATCH, CONFIG GET, PSUBSCRIBE). A table of
// hand-checked cases pins the quirks, and a property test compares the matcher with a small
// reference written here from the rules alone, on random patterns over the metacharacters.
#include <catch2/catch.hpp>

#include <cctype>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>

#include "cardinal/util/glob.h"

using cardinal::util::glob_match;
using namespace std::string_literals;

namespace {

// Reference matcher, written for clarity rather than speed. The rules:
//  - a non-empty pattern never matches the empty text (Redis quirk: "*" does not match "");
//  - '*' matches any run of bytes, '?' any one byte;
//  - '\x' outside a class matches x literally ('\' as the last pattern byte is literal);
//  - '[...]' matches one byte: optional '^' negates; inside, '\x' is x (compared exactly, even
//    with nocase), "x-y" is a range (endpoints swapped when reversed; with nocase the swap
//    happens on the raw bytes and only then are endpoints and byte lowercased), anything else
//    is a literal; ']' closes, and an unclosed class runs to the end of the pattern;
//  - bytes compare as signed chars.
class Reference {
 public:
  Reference(std::string_view pattern, std::string_view text, bool nocase)
      : p_(pattern), t_(text), nocase_(nocase) {}

  bool run() const { return t_.empty() ? p_.empty() : at(0, 0); }

 private:
  static int lower(int c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

  bool same(char a, char b) const {
    return nocase_ ? lower(static_cast<signed char>(a)) == lower(static_cast<signed char>(b))
                   : a == b;
  }

  // Does class starting at p_[start] (just after '[') contain c; sets `end` to the index just
  // past the class.
  bool in_class(size_t start, char c, size_t& end) const {
    size_t i = start;
    bool negate = i < p_.size() && p_[i] == '^';
    if (negate) ++i;
    bool hit = false;
    while (i < p_.size()) {
      if (p_[i] == '\\' && i + 1 < p_.size()) {
        hit |= p_[i + 1] == c;
        i += 2;
      } else if (p_[i] == ']') {
        ++i;
        end = i;
        return hit != negate;
      } else if (i + 2 < p_.size() && p_[i + 1] == '-') {
        int lo = static_cast<signed char>(p_[i]), hi = static_cast<signed char>(p_[i + 2]);
        int x = static_cast<signed char>(c);
        if (lo > hi) std::swap(lo, hi);
        if (nocase_) lo = lower(lo), hi = lower(hi), x = lower(x);
        hit |= lo <= x && x <= hi;
        i += 3;
      } else {
        hit |= same(p_[i], c);
        ++i;
      }
    }
    end = p_.size();
    return hit != negate;
  }

  bool at(size_t p, size_t t) const {
    if (p == p_.size()) return t == t_.size();
    if (p_[p] == '*') {
      for (size_t k = t; k <= t_.size(); ++k)
        if (at(p + 1, k)) return true;
      return false;
    }
    if (t == t_.size()) return false;
    switch (p_[p]) {
      case '?':
        return at(p + 1, t + 1);
      case '[': {
        size_t end = 0;
        if (p + 1 == p_.size()) return false;  // a lone '[' at the end matches nothing
        return in_class(p + 1, t_[t], end) && at(end, t + 1);
      }
      case '\\':
        if (p + 1 < p_.size()) return same(p_[p + 1], t_[t]) && at(p + 2, t + 1);
        [[fallthrough]];
      default:
        return same(p_[p], t_[t]) && at(p + 1, t + 1);
    }
  }

  std::string_view p_, t_;
  bool nocase_;
};

bool reference(std::string_view pattern, std::string_view text, bool nocase = false) {
  return Reference(pattern, text, nocase).run();
}

struct GlobCase {
  std::string pattern;
  std::string text;
  bool match;
  bool nocase = false;
};

std::string random_string(std::mt19937& rng, std::string_view alphabet, size_t max_len) {
  std::string s(rng() % (max_len + 1), ' ');
  for (char& c : s) c = alphabet[rng() % alphabet.size()];
  return s;
}

// Runs fn in a forked child; false when it has not exited cleanly within timeout_ms (the
// child is then killed).
bool finishes_within_ms(int timeout_ms, const std::function<void()>& fn) {
  pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    fn();
    _exit(0);  // skip exit handlers (and the sanitizer's leak check) in the child
  }
  for (int waited = 0; waited <= timeout_ms; waited += 10) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) && WEXITSTATUS(status) == 0;
    usleep(10'000);
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return false;
}

}  // namespace

TEST_CASE("glob_match table", "[glob]") {
  // Each expectation was checked by hand against the rules above (and against redis-server
  // 7.0 KEYS where the text could be a key).
  std::vector<GlobCase> cases = {
      {"", "", true},
      {"", "a", false},
      {"*", "", false},  // Redis quirk; KEYS special-cases a bare "*"
      {"**", "", false},
      {"?", "", false},
      {"*", "anything", true},
      {"*", "\0\r\n"s, true},
      {"a*", "a", true},
      {"a*", "abc", true},
      {"a**", "a", true},
      {"*a", "a", true},
      {"*a", "ba", true},
      {"*a", "ab", false},
      {"a*b*c", "aXbYc", true},
      {"a*b*c", "abc", true},
      {"a*b*c", "acb", false},
      {"h?llo", "hello", true},
      {"h?llo", "hllo", false},
      {"h?llo", "heello", false},
      {"??", "a", false},
      {"h[ae]llo", "hallo", true},
      {"h[ae]llo", "hillo", false},
      {"h[^e]llo", "hallo", true},
      {"h[^e]llo", "hello", false},
      {"h[a-c]llo", "hbllo", true},
      {"h[a-c]llo", "hdllo", false},
      {"h[c-a]llo", "hbllo", true},  // reversed range
      {"[z-a]", "m", true},
      {"[^z-a]", "m", false},
      {"[a-]", "]", true},  // "a-]" is the range ']'..'a', and the class is unclosed
      {"[a-]", "-", false},
      {"[a-", "a", true},  // too short for a range: literals 'a' and '-', unclosed
      {"[a-", "-", true},
      {"[]", "]", false},  // "[]" is an empty class that matches nothing
      {"[]]", "]", false},
      {"[", "[", false},
      {"[", "", false},
      {"[abc", "b", true},  // unclosed class runs to the end
      {"[abc", "bx", false},
      {"[^", "x", true},
      {"x[^", "x", false},
      {"\\*", "*", true},
      {"\\*", "a", false},
      {"\\?", "?", true},
      {"\\?", "a", false},
      {"\\[a]", "[a]", true},
      {"\\[a]", "a", false},
      {"\\a", "a", true},
      {"a\\", "a\\", true},  // a trailing backslash is literal
      {"[\\]]", "]", true},
      {"[\\^]", "^", true},
      {"[\\-]", "-", true},
      {"[\\-]", "\\", false},
      {"[a\\-z]", "m", false},
      {"[*]", "*", true},
      {"[?]", "a", false},
      {"HELLO", "hello", false},
      {"HELLO", "hello", true, true},
      {"h[A-C]llo", "hbllo", true, true},
      {"h[a-c]llo", "HBLLO", true, true},
      {"h[^A]llo", "hallo", false, true},
      {"\\H", "h", true, true},
      {"[\\H]", "h", false, true},  // escapes in a class compare exactly, even with nocase
      {"a\0b"s, "a\0b"s, true},
      {"a?b", "a\0b"s, true},
      {"[\x01-\x7f]"s, "\0"s, false},
      {"\xff*"s, "\xff\xfe"s, true},
      // Bytes compare as signed chars, so "\x01-\xff" is the range -1..1.
      {"[\x01-\xff]"s, "\x80"s, false},
      {"[\x01-\xff]"s, "\0"s, true},
      {"[\x01-\xff]"s, "\xff"s, true},
      {"[\x01-\xff]"s, "a"s, false},
  };
  for (const GlobCase& c : cases) {
    INFO("pattern '" << c.pattern << "' text '" << c.text << "' nocase " << c.nocase);
    REQUIRE(glob_match(c.pattern, c.text, c.nocase) == c.match);
    // The reference must agree with the table too, or the property test proves nothing.
    REQUIRE(reference(c.pattern, c.text, c.nocase) == c.match);
  }
}

TEST_CASE("glob_match equals the reference on random patterns", "[glob]") {
  for (uint32_t seed : {1u, 2u, 3u}) {
    INFO("seed " << seed);
    std::mt19937 rng(seed);
    for (int i = 0; i < 30'000; ++i) {
      std::string pattern = random_string(rng, "ab*?[]^-\\", 8);
      std::string text = random_string(rng, "ab*?[]^-\\", 6);
      bool want = reference(pattern, text);
      if (glob_match(pattern, text) != want) {
        CAPTURE(pattern, text, want);
        FAIL("glob_match disagrees with the reference");
      }
    }
  }
}

TEST_CASE("glob_match nocase equals the reference on lowercase patterns", "[glob]") {
  // Patterns stay lowercase so no range has an uppercase endpoint (the next case covers those).
  std::mt19937 rng(9);
  for (int i = 0; i < 30'000; ++i) {
    std::string pattern = random_string(rng, "ab*?[]^-\\", 8);
    std::string text = random_string(rng, "abAB]^-", 6);
    bool want = reference(pattern, text, true);
    if (glob_match(pattern, text, true) != want) {
      CAPTURE(pattern, text, want);
      FAIL("glob_match(nocase) disagrees with the reference");
    }
  }
}

TEST_CASE("glob_match nocase ranges with uppercase endpoints follow Redis", "[glob]") {
  // redis-server 7.0 swaps reversed endpoints before lowercasing them, so with nocase "[Z-a]"
  // is the empty range 'z'..'a' (CONFIG GET "[Z-a]axclients" returns nothing there); cardinal
  // lowercases first and then swaps, so it matches every letter.
  CHECK_FALSE(glob_match("[Z-a]axclients", "maxclients", true));
  CHECK_FALSE(glob_match("[a-Z]", "m", true));
  CHECK_FALSE(glob_match("[A-]]", "^", true));
  std::mt19937 rng(10);
  for (int i = 0; i < 30'000; ++i) {
    std::string pattern = random_string(rng, "aAbB*?[]^-\\", 8);
    std::string text = random_string(rng, "abAB]^-", 6);
    bool want = reference(pattern, text, true);
    if (glob_match(pattern, text, true) != want) {
      CAPTURE(pattern, text, want);
      FAIL("glob_match(nocase) disagrees with the reference");
    }
  }
}

TEST_CASE("glob_match handles several stars quickly", "[glob]") {
  REQUIRE(glob_match("*a*a*a*b", std::string(50, 'a') + "b"));
  REQUIRE_FALSE(glob_match("*a*a*a*b", std::string(50, 'a')));
}

TEST_CASE("glob_match stays polynomial on star-heavy patterns", "[glob]") {
  // "*a*a...*a*b" against a run of 'a's has no match, and a matcher that retries every split
  // of the text for every star does C(n, k) work. redis-server answers KEYS with this pattern
  // over a 100-byte key instantly (it stops retrying longer matches once the text has run
  // out). Run it in a child process so a runaway matcher cannot hang the suite.
  std::string pattern;
  for (int i = 0; i < 12; ++i) pattern += "*a";
  pattern += "b";
  std::string text(60, 'a');
  REQUIRE(finishes_within_ms(1000, [&] { (void)glob_match(pattern, text); }));
}
