#include "cardinal/util/glob.h"

#include <cctype>
#include <utility>

namespace cardinal::util {

namespace {

char fold(char c, bool nocase) {
  return nocase ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
}

// Matches one bracket class starting just after '['. Advances `p` past the class (to the
// closing ']' or to the last byte when unclosed) and returns whether `c` is in it.
bool match_class(std::string_view pattern, size_t& p, char c, bool nocase) {
  bool negate = p < pattern.size() && pattern[p] == '^';
  if (negate) ++p;
  bool found = false;
  while (true) {
    if (p >= pattern.size()) {
      p = pattern.size() - 1;  // unclosed: the class ended with the pattern
      break;
    }
    char pc = pattern[p];
    if (pc == '\\' && p + 1 < pattern.size()) {
      ++p;
      if (pattern[p] == c) found = true;
    } else if (pc == ']') {
      break;
    } else if (p + 2 < pattern.size() && pattern[p + 1] == '-') {
      char lo = pattern[p], hi = pattern[p + 2];
      if (lo > hi) std::swap(lo, hi);  // swap first, then fold, as Redis does
      lo = fold(lo, nocase);
      hi = fold(hi, nocase);
      char fc = fold(c, nocase);
      if (fc >= lo && fc <= hi) found = true;
      p += 2;
    } else if (fold(pc, nocase) == fold(c, nocase)) {
      found = true;
    }
    ++p;
  }
  return negate ? !found : found;
}

// Matches the single-byte token at pattern[p] against c; on success sets `next` past it.
bool match_token(std::string_view pattern, size_t p, char c, bool nocase, size_t& next) {
  char pc = pattern[p];
  if (pc == '?') {
    next = p + 1;
    return true;
  }
  if (pc == '[') {
    size_t q = p + 1;
    if (q >= pattern.size() || !match_class(pattern, q, c, nocase)) return false;
    next = q + 1;
    return true;
  }
  if (pc == '\\' && p + 1 < pattern.size()) pc = pattern[++p];
  next = p + 1;
  return fold(pc, nocase) == fold(c, nocase);
}

}  // namespace

// Every token but '*' consumes exactly one byte, so on a mismatch it is enough to retry from
// the most recent '*' with it swallowing one more byte: O(pattern x text) in the worst case,
// where naive recursion over every star is exponential (KEYS "*a*a*a...b" would hang).
bool glob_match(std::string_view pattern, std::string_view text, bool nocase) {
  // Redis's matcher never enters its loop for an empty text: only an empty pattern matches.
  if (text.empty()) return pattern.empty();
  size_t p = 0, t = 0;
  size_t star = std::string_view::npos, star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      while (p < pattern.size() && pattern[p] == '*') ++p;
      if (p == pattern.size()) return true;
      star = p;
      star_text = t;
      continue;
    }
    size_t next;
    if (p < pattern.size() && match_token(pattern, p, text[t], nocase, next)) {
      p = next;
      ++t;
      continue;
    }
    if (star == std::string_view::npos) return false;
    p = star;
    t = ++star_text;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace cardinal::util
