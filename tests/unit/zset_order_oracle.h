// The sorted-set order written out independently of ds::SkipList and engine::ZSetValue, for their
// oracle tests: scores ascending, ties by member bytes (memcmp over the common length, then the
// shorter first), and Redis's lex-range bounds. Header-only; tests only.
#pragma once

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "cardinal/ds/skiplist.h"

namespace zset_oracle {

inline int bytes_cmp(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  if (c != 0) return c;
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

using ScoreMember = std::pair<double, std::string>;

struct ScoreMemberLess {
  bool operator()(const ScoreMember& a, const ScoreMember& b) const {
    if (a.first < b.first) return true;
    if (b.first < a.first) return false;
    return bytes_cmp(a.second, b.second) < 0;
  }
};

// `Bound` has `kind` (ds::LexBound::Kind) and `value` (anything viewable as bytes).
template <typename Bound>
bool lex_above_min(std::string_view m, const Bound& b) {
  using Kind = cardinal::ds::LexBound::Kind;
  switch (b.kind) {
    case Kind::kNegInf:
      return true;
    case Kind::kPosInf:
      return false;
    case Kind::kInclusive:
      return bytes_cmp(m, b.value) >= 0;
    case Kind::kExclusive:
      return bytes_cmp(m, b.value) > 0;
  }
  return false;
}

template <typename Bound>
bool lex_below_max(std::string_view m, const Bound& b) {
  using Kind = cardinal::ds::LexBound::Kind;
  switch (b.kind) {
    case Kind::kNegInf:
      return false;
    case Kind::kPosInf:
      return true;
    case Kind::kInclusive:
      return bytes_cmp(m, b.value) <= 0;
    case Kind::kExclusive:
      return bytes_cmp(m, b.value) < 0;
  }
  return false;
}

}  // namespace zset_oracle
