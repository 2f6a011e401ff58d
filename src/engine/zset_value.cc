// ZSetValue's two encodings and the rules that decide between them; see zset_value.h.
//
// Listpack entry format: varint member length, member bytes, then a score code. A score that is
// an integer of magnitude below 2^53 is stored as varint(zigzag(v) << 1), so the small integer
// scores most sets use cost one or two bytes; any other score as varint 1 followed by the 8 raw
// bytes of the double. A listpack never holds -0.0: Redis 7.0's listpack stores an integral
// score as an integer, which loses the sign of zero (ZADD k -0 a; ZSCORE k a -> "0"), while its
// skiplist keeps it ("-0"). Storing +0.0 reproduces both replies.
#include "cardinal/engine/zset_value.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <unordered_set>

#include "cardinal/ds/intrusive_hash_table.h"
#include "cardinal/util/varint.h"

namespace cardinal::engine {

namespace {

using Node = ds::SkipList::Node;

// The member index over skiplist nodes. The list owns and frees the nodes, so the index never
// destroys one: it is cleared (or nodes unlinked) before the list frees them.
struct IndexTraits {
  using Node = ds::SkipList::Node;
  static Node*& next(Node& n) { return n.hash_next; }
  static std::string_view key(const Node& n) { return n.member(); }
  static void destroy(Node*) {}
};
using Index = ds::IntrusiveHashTable<IndexTraits>;

constexpr double kExactIntLimit = 9007199254740992.0;  // 2^53

bool integral_score(double s) {
  return s == std::trunc(s) && std::fabs(s) < kExactIntLimit;
}

uint64_t zigzag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
int64_t unzigzag(uint64_t u) {
  return static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1);
}

size_t score_code_size(double s) {
  if (integral_score(s)) return util::varint_size(zigzag(static_cast<int64_t>(s)) << 1);
  return 1 + sizeof(double);
}

char* put_score(char* p, double s) {
  if (integral_score(s)) return util::varint_put(p, zigzag(static_cast<int64_t>(s)) << 1);
  p = util::varint_put(p, 1);
  std::memcpy(p, &s, sizeof s);
  return p + sizeof s;
}

// The zset order (score, then member bytes with a prefix first); -0.0 == 0.0.
bool key_less(double a_score, std::string_view a_member, double b_score,
              std::string_view b_member) {
  if (a_score != b_score) return a_score < b_score;
  return a_member.compare(b_member) < 0;
}

// ZADD's decision for an existing member whose score is `current`.
ZAddOutcome decide_update(double current, double score, ZAddFlags flags) {
  if (flags.nx) return {ZAddResult::Skipped, current};
  double wanted = flags.incr ? current + score : score;
  if (std::isnan(wanted)) return {ZAddResult::NotANumber, current};
  if ((flags.gt && wanted <= current) || (flags.lt && wanted >= current))
    return {ZAddResult::Skipped, current};
  // -0.0 == 0.0: no update, and the stored zero keeps its sign, as in Redis.
  if (wanted == current) return {ZAddResult::Unchanged, current};
  return {ZAddResult::Updated, wanted};
}

}  // namespace

struct ZSetValue::Sorted {
  ds::SkipList list;
  Index index;  // declared after the list, so destroyed before it frees the nodes

  Node* insert(double score, std::string_view member) {
    Node* n = list.insert(score, member);
    try {
      index.insert_new(n);
    } catch (...) {
      list.erase(n);
      throw;
    }
    return n;
  }
};

ZSetValue::ZSetValue() = default;
ZSetValue::~ZSetValue() = default;

std::unique_ptr<ZSetValue> ZSetValue::create(size_t size_hint, size_t value_len_hint,
                                             const ZSetLimits& limits) {
  std::unique_ptr<ZSetValue> z(new ZSetValue());
  if (limits.max_listpack_entries == 0 || size_hint > limits.max_listpack_entries ||
      value_len_hint > limits.max_listpack_value)
    z->sorted_ = std::make_unique<Sorted>();
  return z;
}

ZSetValue::Encoding ZSetValue::encoding() const {
  return sorted_ ? Encoding::SkipList : Encoding::ListPack;
}

size_t ZSetValue::size() const {
  return sorted_ ? sorted_->list.size() : packed_count_;
}

// ---- listpack primitives ----

ZSetValue::Packed ZSetValue::decode(size_t pos) const {
  const char* base = packed_.data();
  uint64_t len;
  const char* p = util::varint_get(base + pos, len);
  std::string_view member(p, len);
  p += len;
  uint64_t code;
  p = util::varint_get(p, code);
  double score;
  if (code & 1) {
    std::memcpy(&score, p, sizeof score);
    p += sizeof score;
  } else {
    score = static_cast<double>(unzigzag(code >> 1));
  }
  return {pos, static_cast<size_t>(p - base), member, score};
}

std::optional<ZSetValue::Packed> ZSetValue::packed_find(std::string_view member,
                                                        uint64_t* index) const {
  uint64_t i = 0;
  for (size_t pos = 0; pos < packed_.size(); ++i) {
    Packed e = decode(pos);
    if (e.member == member) {
      if (index) *index = i;
      return e;
    }
    pos = e.end;
  }
  return std::nullopt;
}

size_t ZSetValue::packed_offset(uint64_t i) const {
  size_t pos = 0;
  while (i-- > 0 && pos < packed_.size()) pos = decode(pos).end;
  return pos;
}

void ZSetValue::packed_insert(double score, std::string_view member) {
  if (score == 0) score = 0.0;  // no -0.0 in a listpack (see the top of this file)
  size_t need = util::varint_size(member.size()) + member.size() + score_code_size(score);
  size_t pos = 0;
  while (pos < packed_.size()) {
    Packed e = decode(pos);
    if (key_less(score, member, e.score, e.member)) break;
    pos = e.end;
  }
  // Sized exactly, as a listpack grows by what each write needs.
  if (packed_.capacity() < packed_.size() + need) packed_.reserve(packed_.size() + need);
  packed_.insert(packed_.begin() + static_cast<ptrdiff_t>(pos), need, '\0');
  char* p = packed_.data() + pos;
  p = util::varint_put(p, member.size());
  if (!member.empty()) std::memcpy(p, member.data(), member.size());
  put_score(p + member.size(), score);
  ++packed_count_;
}

void ZSetValue::packed_erase(size_t begin, size_t end, uint64_t entries, bool may_shrink) {
  packed_.erase(packed_.begin() + static_cast<ptrdiff_t>(begin),
                packed_.begin() + static_cast<ptrdiff_t>(end));
  packed_count_ -= static_cast<uint32_t>(entries);
  // Give back what a shrinking set no longer needs, as a listpack's realloc would.
  if (may_shrink && packed_.capacity() > 2 * packed_.size() + 64) packed_.shrink_to_fit();
}

bool ZSetValue::packed_visit_desc(uint64_t lo, uint64_t hi, EntryVisitor fn) const {
  // Entries decode only forwards, so walk to each chunk and replay it backwards.
  constexpr uint64_t kChunk = 32;
  uint64_t chunk_hi = hi;
  while (true) {
    uint64_t chunk_lo = chunk_hi - lo >= kChunk ? chunk_hi - (kChunk - 1) : lo;
    size_t offsets[kChunk];
    size_t pos = packed_offset(chunk_lo);
    for (uint64_t k = 0; k <= chunk_hi - chunk_lo; ++k) {
      offsets[k] = pos;
      pos = decode(pos).end;
    }
    for (uint64_t k = chunk_hi - chunk_lo + 1; k-- > 0;) {
      Packed e = decode(offsets[k]);
      if (!fn(e.member, e.score)) return false;
    }
    if (chunk_lo == lo) return true;
    chunk_hi = chunk_lo - 1;
  }
}

template <typename Min, typename Max>
uint64_t ZSetValue::packed_first(Min&& min, Max&& max) const {
  uint64_t i = 0;
  for (size_t pos = 0; pos < packed_.size(); ++i) {
    Packed e = decode(pos);
    if (min(e.member, e.score)) return max(e.member, e.score) ? i : packed_count_;
    pos = e.end;
  }
  return packed_count_;
}

template <typename Min, typename Max>
uint64_t ZSetValue::packed_last(Min&& min, Max&& max) const {
  uint64_t i = 0, found = packed_count_;
  bool found_ok = false;
  for (size_t pos = 0; pos < packed_.size(); ++i) {
    Packed e = decode(pos);
    if (max(e.member, e.score)) {
      found = i;
      found_ok = min(e.member, e.score);
    }
    pos = e.end;
  }
  return found_ok ? found : packed_count_;
}

// ---- conversions ----

void ZSetValue::convert_to_skiplist() {
  auto sorted = std::make_unique<Sorted>();
  for (size_t pos = 0; pos < packed_.size();) {
    Packed e = decode(pos);
    sorted->insert(e.score, e.member);
    pos = e.end;
  }
  sorted_ = std::move(sorted);
  std::vector<char>().swap(packed_);
  packed_count_ = 0;
}

void ZSetValue::convert_to_listpack_if_fits(const ZSetLimits& limits) {
  if (!sorted_ || sorted_->list.size() > limits.max_listpack_entries) return;
  size_t bytes = 0;
  for (const Node* n = sorted_->list.first(); n; n = n->next()) {
    if (n->member().size() > limits.max_listpack_value) return;
    double s = n->score() == 0 ? 0.0 : n->score();
    bytes += util::varint_size(n->member().size()) + n->member().size() + score_code_size(s);
  }
  std::vector<char> packed(bytes);
  char* p = packed.data();
  for (const Node* n = sorted_->list.first(); n; n = n->next()) {
    std::string_view m = n->member();
    p = util::varint_put(p, m.size());
    if (!m.empty()) std::memcpy(p, m.data(), m.size());
    p = put_score(p + m.size(), n->score() == 0 ? 0.0 : n->score());
  }
  packed_count_ = static_cast<uint32_t>(sorted_->list.size());
  packed_.swap(packed);
  sorted_.reset();
}

// ---- point operations ----

std::optional<double> ZSetValue::score(std::string_view member) const {
  if (sorted_) {
    const Node* n = sorted_->index.peek(member);
    if (!n) return std::nullopt;
    return n->score();
  }
  if (auto e = packed_find(member, nullptr)) return e->score;
  return std::nullopt;
}

ZAddOutcome ZSetValue::add(double score, std::string_view member, ZAddFlags flags,
                           const ZSetLimits& limits) {
  assert(!std::isnan(score));
  if (!sorted_) {
    if (auto e = packed_find(member, nullptr)) {
      ZAddOutcome out = decide_update(e->score, score, flags);
      if (out.result != ZAddResult::Updated) return out;
      // Reserve first, and keep the buffer while erasing, so erase-then-insert cannot fail
      // half way.
      double stored = out.score == 0 ? 0.0 : out.score;
      size_t grow = score_code_size(stored);
      if (packed_.capacity() < packed_.size() + grow) packed_.reserve(packed_.size() + grow);
      std::string copy;  // only when the caller's view points into this very buffer
      std::less<const char*> before;
      if (!before(member.data(), packed_.data()) &&
          before(member.data(), packed_.data() + packed_.size())) {
        copy.assign(member);
        member = copy;
      }
      packed_erase(e->begin, e->end, 1, false);
      packed_insert(stored, member);
      return {ZAddResult::Updated, stored};
    }
    if (flags.xx) return {ZAddResult::Skipped, 0};
    if (packed_count_ + 1 > limits.max_listpack_entries ||
        member.size() > limits.max_listpack_value) {
      convert_to_skiplist();
    } else {
      packed_insert(score, member);
      return {ZAddResult::Added, score == 0 ? 0.0 : score};
    }
  }
  if (Node* n = sorted_->index.find(member)) {
    ZAddOutcome out = decide_update(n->score(), score, flags);
    if (out.result == ZAddResult::Updated) sorted_->list.update_score(n, out.score);
    return out;
  }
  if (flags.xx) return {ZAddResult::Skipped, 0};
  sorted_->insert(score, member);
  return {ZAddResult::Added, score};
}

void ZSetValue::remove_node(Node* n) {
  sorted_->index.unlink(n->member());
  sorted_->list.erase(n);
}

bool ZSetValue::remove(std::string_view member) {
  if (sorted_) {
    Node* n = sorted_->index.unlink(member);
    if (!n) return false;
    sorted_->list.erase(n);
    return true;
  }
  auto e = packed_find(member, nullptr);
  if (!e) return false;
  packed_erase(e->begin, e->end, 1);
  return true;
}

std::optional<ZSetValue::Rank> ZSetValue::rank(std::string_view member, bool reverse) const {
  uint64_t r;
  double s;
  if (sorted_) {
    const Node* n = sorted_->index.peek(member);
    if (!n) return std::nullopt;
    r = sorted_->list.rank(n);
    s = n->score();
  } else {
    auto e = packed_find(member, &r);
    if (!e) return std::nullopt;
    s = e->score;
  }
  return Rank{reverse ? size() - 1 - r : r, s};
}

std::pair<std::string_view, double> ZSetValue::at_rank(uint64_t r) const {
  assert(r < size());
  if (sorted_) {
    const Node* n = sorted_->list.at_rank(r);
    return {n->member(), n->score()};
  }
  Packed e = decode(packed_offset(r));
  return {e.member, e.score};
}

std::pair<std::string_view, double> ZSetValue::random_entry(std::mt19937_64& rng) const {
  // Uniform over ranks, which at_rank reaches in O(log n) without touching the index.
  return at_rank(std::uniform_int_distribution<uint64_t>(0, size() - 1)(rng));
}

// ---- walks ----

void ZSetValue::for_each(EntryVisitor fn) const {
  if (sorted_) {
    for (const Node* n = sorted_->list.first(); n; n = n->next())
      if (!fn(n->member(), n->score())) return;
    return;
  }
  for (size_t pos = 0; pos < packed_.size();) {
    Packed e = decode(pos);
    if (!fn(e.member, e.score)) return;
    pos = e.end;
  }
}

void ZSetValue::visit_rank_range(uint64_t start, uint64_t end_inclusive, bool reverse,
                                 EntryVisitor fn) const {
  assert(start <= end_inclusive && end_inclusive < size());
  uint64_t count = end_inclusive - start + 1;
  if (sorted_) {
    if (!reverse) {
      const Node* n = sorted_->list.at_rank(start);
      for (; n && count-- > 0; n = n->next())
        if (!fn(n->member(), n->score())) return;
    } else {
      sorted_->list.for_each_backward(size() - 1 - start, size() - 1 - end_inclusive,
                                      [&](const Node* n) { return fn(n->member(), n->score()); });
    }
    return;
  }
  if (reverse) {
    packed_visit_desc(size() - 1 - end_inclusive, size() - 1 - start, fn);
    return;
  }
  for (size_t pos = packed_offset(start); count-- > 0;) {
    Packed e = decode(pos);
    if (!fn(e.member, e.score)) return;
    pos = e.end;
  }
}

// Both range kinds: `min`/`max` test one bound each on (member, score). Like ZRANGEBYSCORE:
// start at the first entry in range (the last when reverse), step over `offset` entries, then
// visit while the far bound holds, at most `limit` of them.
template <typename Min, typename Max>
void ZSetValue::visit_range(Min&& min, Max&& max, const Node* start, bool reverse, uint64_t offset,
                            uint64_t limit, EntryVisitor fn) const {
  if (limit == 0) return;
  if (sorted_) {
    const ds::SkipList& list = sorted_->list;
    if (!start) return;
    if (reverse) {
      uint64_t r = list.rank(start);
      if (offset > r) return;
      const uint64_t from = r - offset;
      const uint64_t down_to = limit > from ? 0 : from - (limit - 1);
      list.for_each_backward(from, down_to, [&](const Node* n) {
        if (limit == 0 || !min(n->member(), n->score())) return false;
        --limit;
        return fn(n->member(), n->score());
      });
      return;
    }
    const Node* n = start;
    if (offset > 0) {
      uint64_t r = list.rank(n);
      if (offset >= list.size() - r) return;
      n = list.at_rank(r + offset);
    }
    for (; n && limit > 0; --limit, n = n->next()) {
      if (!max(n->member(), n->score()) || !fn(n->member(), n->score())) return;
    }
    return;
  }
  if (!reverse) {
    uint64_t i = packed_first(min, max);
    if (i >= packed_count_ || offset >= packed_count_ - i) return;
    for (size_t pos = packed_offset(i + offset); pos < packed_.size() && limit > 0; --limit) {
      Packed e = decode(pos);
      if (!max(e.member, e.score) || !fn(e.member, e.score)) return;
      pos = e.end;
    }
    return;
  }
  uint64_t i = packed_last(min, max);
  if (i >= packed_count_ || offset > i) return;
  packed_visit_desc(0, i - offset, [&](std::string_view m, double s) {
    if (limit == 0 || !min(m, s)) return false;
    --limit;
    return fn(m, s);
  });
}

void ZSetValue::visit_score_range(const ds::ScoreRange& range, bool reverse, uint64_t offset,
                                  uint64_t limit, EntryVisitor fn) const {
  if (range.empty()) return;
  auto min = [&](std::string_view, double s) { return range.satisfies_min(s); };
  auto max = [&](std::string_view, double s) { return range.satisfies_max(s); };
  const Node* start = nullptr;
  if (sorted_)
    start = reverse ? sorted_->list.last_in_range(range) : sorted_->list.first_in_range(range);
  visit_range(min, max, start, reverse, offset, limit, fn);
}

void ZSetValue::visit_lex_range(const ds::LexRange& range, bool reverse, uint64_t offset,
                                uint64_t limit, EntryVisitor fn) const {
  if (range.empty()) return;
  auto min = [&](std::string_view m, double) { return range.satisfies_min(m); };
  auto max = [&](std::string_view m, double) { return range.satisfies_max(m); };
  const Node* start = nullptr;
  if (sorted_) {
    start =
        reverse ? sorted_->list.last_in_lex_range(range) : sorted_->list.first_in_lex_range(range);
  }
  visit_range(min, max, start, reverse, offset, limit, fn);
}

uint64_t ZSetValue::count_in_score_range(const ds::ScoreRange& range) const {
  if (range.empty()) return 0;
  if (sorted_) {
    const Node* first = sorted_->list.first_in_range(range);
    if (!first) return 0;
    const Node* last = sorted_->list.last_in_range(range);
    return sorted_->list.rank(last) - sorted_->list.rank(first) + 1;
  }
  uint64_t n = 0;
  visit_score_range(range, false, 0, kNoLimit, [&](std::string_view, double) {
    ++n;
    return true;
  });
  return n;
}

uint64_t ZSetValue::count_in_lex_range(const ds::LexRange& range) const {
  if (range.empty()) return 0;
  if (sorted_) {
    const Node* first = sorted_->list.first_in_lex_range(range);
    const Node* last = sorted_->list.last_in_lex_range(range);
    if (!first || !last) return 0;
    uint64_t a = sorted_->list.rank(first), b = sorted_->list.rank(last);
    return b >= a ? b - a + 1 : 0;
  }
  uint64_t n = 0;
  visit_lex_range(range, false, 0, kNoLimit, [&](std::string_view, double) {
    ++n;
    return true;
  });
  return n;
}

// ---- range removals and pops ----

template <typename Min, typename Max>
uint64_t ZSetValue::remove_packed_range(Min&& min, Max&& max) {
  uint64_t i = packed_first(min, max);
  if (i >= packed_count_) return 0;
  size_t begin = packed_offset(i);
  size_t end = begin;
  uint64_t n = 0;
  while (end < packed_.size()) {
    Packed e = decode(end);
    if (!max(e.member, e.score)) break;
    end = e.end;
    ++n;
  }
  packed_erase(begin, end, n);
  return n;
}

uint64_t ZSetValue::remove_rank_range(uint64_t start, uint64_t end_inclusive) {
  if (start > end_inclusive || start >= size()) return 0;
  end_inclusive = std::min<uint64_t>(end_inclusive, size() - 1);
  if (sorted_) {
    Index& index = sorted_->index;
    return sorted_->list.delete_range_by_rank(start, end_inclusive,
                                              [&](Node* n) { index.unlink(n->member()); });
  }
  size_t begin = packed_offset(start);
  size_t end = begin;
  for (uint64_t k = start; k <= end_inclusive; ++k) end = decode(end).end;
  packed_erase(begin, end, end_inclusive - start + 1);
  return end_inclusive - start + 1;
}

uint64_t ZSetValue::remove_score_range(const ds::ScoreRange& range) {
  if (range.empty()) return 0;
  if (sorted_) {
    Index& index = sorted_->index;
    return sorted_->list.delete_range_by_score(range, [&](Node* n) { index.unlink(n->member()); });
  }
  return remove_packed_range([&](std::string_view, double s) { return range.satisfies_min(s); },
                             [&](std::string_view, double s) { return range.satisfies_max(s); });
}

uint64_t ZSetValue::remove_lex_range(const ds::LexRange& range) {
  if (range.empty()) return 0;
  if (sorted_) {
    Index& index = sorted_->index;
    return sorted_->list.delete_range_by_lex(range, [&](Node* n) { index.unlink(n->member()); });
  }
  return remove_packed_range([&](std::string_view m, double) { return range.satisfies_min(m); },
                             [&](std::string_view m, double) { return range.satisfies_max(m); });
}

uint64_t ZSetValue::pop(bool from_max, uint64_t count, EntryVisitor fn) {
  count = std::min<uint64_t>(count, size());
  uint64_t popped = 0;
  if (sorted_) {
    while (popped < count) {
      Node* n = from_max ? sorted_->list.last() : sorted_->list.first();
      bool go_on = fn(n->member(), n->score());
      remove_node(n);
      ++popped;
      if (!go_on) break;
    }
    return popped;
  }
  if (count == 0) return 0;
  if (from_max) {
    packed_visit_desc(packed_count_ - count, packed_count_ - 1, [&](std::string_view m, double s) {
      ++popped;
      return fn(m, s);
    });
    packed_erase(packed_offset(packed_count_ - popped), packed_.size(), popped);
    return popped;
  }
  size_t end = 0;
  while (popped < count) {
    Packed e = decode(end);
    end = e.end;
    ++popped;
    if (!fn(e.member, e.score)) break;
  }
  packed_erase(0, end, popped);
  return popped;
}

uint64_t ZSetValue::scan(uint64_t cursor, EntryVisitor fn) const {
  if (!sorted_) {
    for_each(fn);
    return 0;
  }
  // A table step cannot stop inside a bucket, so fn's answer is ignored here.
  return sorted_->index.scan(cursor, [&](Node& n) { fn(n.member(), n.score()); });
}

// ---- copies, accounting, checks ----

std::unique_ptr<ZSetValue> ZSetValue::clone() const {
  std::unique_ptr<ZSetValue> copy(new ZSetValue());
  copy->packed_ = packed_;
  copy->packed_count_ = packed_count_;
  if (sorted_) {
    copy->sorted_ = std::make_unique<Sorted>();
    for (const Node* n = sorted_->list.first(); n; n = n->next())
      copy->sorted_->insert(n->score(), n->member());
  }
  return copy;
}

size_t ZSetValue::memory_bytes() const {
  size_t bytes = packed_.capacity();
  if (sorted_)
    bytes += sizeof(Sorted) + sorted_->list.memory_bytes() + sorted_->index.bucket_bytes();
  return bytes;
}

void ZSetValue::check_invariants() const {
  auto fail = [](const std::string& what) { throw std::logic_error("zset: " + what); };
  if (sorted_) {
    if (!packed_.empty() || packed_count_ != 0) fail("listpack bytes next to a skiplist");
    sorted_->list.check_invariants();
    sorted_->index.check_invariants();
    if (sorted_->index.size() != sorted_->list.size()) fail("index and list sizes differ");
    for (const Node* n = sorted_->list.first(); n; n = n->next())
      if (sorted_->index.peek(n->member()) != n) fail("list node missing from the index");
    return;
  }
  uint64_t count = 0;
  std::unordered_set<std::string_view> members;
  std::optional<Packed> prev;
  for (size_t pos = 0; pos < packed_.size();) {
    Packed e = decode(pos);
    if (e.end > packed_.size()) fail("entry runs past the buffer");
    if (std::isnan(e.score)) fail("NaN score");
    if (e.score == 0 && std::signbit(e.score)) fail("-0 in a listpack");
    if (prev && !key_less(prev->score, prev->member, e.score, e.member)) fail("order violated");
    if (!members.insert(e.member).second) fail("duplicate member");
    prev = e;
    ++count;
    pos = e.end;
  }
  if (count != packed_count_) fail("entry count mismatch");
}

}  // namespace cardinal::engine
