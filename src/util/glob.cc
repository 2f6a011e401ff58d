#include "cardinal/util/glob.h"

#include <cctype>
#include <utility>

namespace cardinal::util {

namespace {

// Deep "*a*b*c..." patterns against long texts would otherwise recurse without bound.
constexpr int kMaxNesting = 1000;

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
      char lo = fold(pattern[p], nocase), hi = fold(pattern[p + 2], nocase);
      if (lo > hi) std::swap(lo, hi);
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

bool match(std::string_view pattern, std::string_view text, bool nocase, int depth) {
  if (depth > kMaxNesting) return false;
  size_t p = 0, t = 0;
  while (p < pattern.size() && t < text.size()) {
    char pc = pattern[p];
    if (pc == '*') {
      while (p + 1 < pattern.size() && pattern[p + 1] == '*') ++p;
      if (p + 1 == pattern.size()) return true;
      for (size_t start = t; start < text.size(); ++start) {
        if (match(pattern.substr(p + 1), text.substr(start), nocase, depth + 1)) return true;
      }
      return false;
    }
    if (pc == '?') {
      ++t;
    } else if (pc == '[') {
      ++p;
      if (p >= pattern.size() || !match_class(pattern, p, text[t], nocase)) return false;
      ++t;
    } else {
      if (pc == '\\' && p + 1 < pattern.size()) pc = pattern[++p];
      if (fold(pc, nocase) != fold(text[t], nocase)) return false;
      ++t;
    }
    ++p;
    if (t == text.size()) {
      while (p < pattern.size() && pattern[p] == '*') ++p;
    }
  }
  return p == pattern.size() && t == text.size();
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text, bool nocase) {
  return match(pattern, text, nocase, 0);
}

}  // namespace cardinal::util
