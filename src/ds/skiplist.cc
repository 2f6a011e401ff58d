// SkipList's compiled part: level generation, linking and unlinking with span upkeep, lookups,
// range deletions and the invariant check. The layout and invariants are in skiplist.h.
#include "cardinal/ds/skiplist.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstring>
#include <new>
#include <random>
#include <stdexcept>
#include <string>

namespace cardinal::ds {

namespace {

// splitmix64: a Weyl sequence through a bijective mixer. Fast, and every bit is usable, which
// random_level relies on.
uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Seeds of lists built without one. The thread's generator starts from the OS once, so nobody
// can read the level sequence off the source and pick members that pile short nodes together.
uint64_t fresh_seed() {
  thread_local uint64_t state = [] {
    std::random_device rd;
    return (uint64_t{rd()} << 32) ^ rd();
  }();
  return splitmix64(state);
}

// The zset order. string_view compares bytes as unsigned char with a prefix first, like memcmp
// followed by the lengths. -0.0 == 0.0, so their members decide between them.
bool key_less(double a_score, std::string_view a_member, double b_score,
              std::string_view b_member) {
  if (a_score != b_score) return a_score < b_score;
  return a_member.compare(b_member) < 0;
}

}  // namespace

std::optional<LexBound> LexBound::parse(std::string_view arg) {
  if (arg == "-") return LexBound{Kind::kNegInf, {}};
  if (arg == "+") return LexBound{Kind::kPosInf, {}};
  if (!arg.empty() && arg[0] == '[') return LexBound{Kind::kInclusive, arg.substr(1)};
  if (!arg.empty() && arg[0] == '(') return LexBound{Kind::kExclusive, arg.substr(1)};
  return std::nullopt;
}

bool LexRange::satisfies_min(std::string_view member) const {
  switch (min.kind) {
    case LexBound::Kind::kNegInf:
      return true;
    case LexBound::Kind::kInclusive:
      return member.compare(min.value) >= 0;
    case LexBound::Kind::kExclusive:
      return member.compare(min.value) > 0;
    case LexBound::Kind::kPosInf:
      return false;
  }
  return false;
}

bool LexRange::satisfies_max(std::string_view member) const {
  switch (max.kind) {
    case LexBound::Kind::kNegInf:
      return false;
    case LexBound::Kind::kInclusive:
      return member.compare(max.value) <= 0;
    case LexBound::Kind::kExclusive:
      return member.compare(max.value) < 0;
    case LexBound::Kind::kPosInf:
      return true;
  }
  return false;
}

bool LexRange::empty() const {
  using Kind = LexBound::Kind;
  if (min.kind == Kind::kPosInf || max.kind == Kind::kNegInf) return true;
  if (min.kind == Kind::kNegInf || max.kind == Kind::kPosInf) return false;
  int c = min.value.compare(max.value);
  return c > 0 || (c == 0 && (min.kind == Kind::kExclusive || max.kind == Kind::kExclusive));
}

SkipList::SkipList() : SkipList(fresh_seed()) {}

SkipList::SkipList(uint64_t seed) : rng_state_(seed) {
  reset_head();
}

SkipList::SkipList(SkipList&& other) noexcept : rng_state_(other.rng_state_) {
  reset_head();
  take_from(other);
}

SkipList& SkipList::operator=(SkipList&& other) noexcept {
  if (this != &other) {
    clear();
    rng_state_ = other.rng_state_;
    take_from(other);
  }
  return *this;
}

SkipList::Node* SkipList::head() const {
  // The head is mutable through a const list like every node is: const methods hand out Node*.
  return std::launder(reinterpret_cast<Node*>(const_cast<unsigned char*>(head_storage_)));
}

uint32_t SkipList::span(const Node* x, int i) {
  if (i == 0) return x->forward()[0] != nullptr ? 1 : 0;
  return x->upper_spans()[i - 1];
}

void SkipList::set_span(Node* x, int i, uint32_t s) {
  if (i > 0) x->upper_spans()[i - 1] = s;
}

void SkipList::reset_head() {
  Node* h = new (head_storage_) Node(0.0, kMaxLevel, 0);
  for (int i = 0; i < kMaxLevel; ++i) {
    h->forward()[i] = nullptr;
    set_span(h, i, 0);
  }
}

// Requires this list to be empty with a reset head; leaves `other` empty and usable.
void SkipList::take_from(SkipList& other) {
  Node* h = head();
  Node* oh = other.head();
  for (int i = 0; i < other.level_; ++i) {
    h->forward()[i] = oh->forward()[i];
    set_span(h, i, span(oh, i));
  }
  tail_ = std::exchange(other.tail_, nullptr);
  size_ = std::exchange(other.size_, 0);
  bytes_ = std::exchange(other.bytes_, 0);
  level_ = std::exchange(other.level_, 1);
  other.reset_head();
}

void SkipList::clear() {
  for (Node* n = first(); n;) {
    Node* next = n->next();
    release(n);
    n = next;
  }
  assert(bytes_ == 0);
  reset_head();
  tail_ = nullptr;
  size_ = 0;
  level_ = 1;
}

int SkipList::random_level() {
  // Each pair of trailing zero bits is an independent 1/4 chance of one more level.
  int level = 1 + std::countr_zero(splitmix64(rng_state_)) / 2;
  return std::min(level, kMaxLevel);
}

SkipList::Node* SkipList::allocate(double score, std::string_view member, int level) {
  size_t bytes = node_allocation_size(level, member.size());
  Node* n = new (::operator new(bytes)) Node(score, level, member.size());
  if (!member.empty()) std::memcpy(n->member_bytes(), member.data(), member.size());
  bytes_ += bytes;
  return n;
}

void SkipList::release(Node* n) {
  bytes_ -= node_allocation_size(n->level(), n->member_size());
  ::operator delete(n);  // Node is trivially destructible
}

template <bool kPositions, typename Before>
SkipList::Node* SkipList::descend(Before&& before, Node** update, uint32_t* pos) const {
  Node* x = head();
  uint32_t x_pos = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    while (Node* y = x->forward()[i]) {
      // Without positions the spans are never read: they may sit on another cache line than
      // the forward links, and a descent is mostly waiting for memory.
      uint32_t y_pos = kPositions ? x_pos + span(x, i) : 0;
      if (!before(static_cast<const Node*>(y), y_pos)) break;
      x = y;
      x_pos = y_pos;
    }
    if (update) update[i] = x;
    if (kPositions && pos) pos[i] = x_pos;
  }
  return x;
}

void SkipList::find_predecessors(double score, std::string_view member, Node** update,
                                 uint32_t* pos) const {
  auto before = [&](const Node* y, uint32_t) {
    return key_less(y->score(), y->member(), score, member);
  };
  if (pos) {
    descend<true>(before, update, pos);
  } else {
    descend<false>(before, update, nullptr);
  }
}

// `update` and `pos` come from find_predecessors for n's key; n's level is already chosen.
void SkipList::link(Node* n, Node** update, uint32_t* pos) {
  const int n_level = n->level();
  if (n_level > level_) {
    // The head's null links on the new levels reach past every current node.
    for (int i = level_; i < n_level; ++i) {
      update[i] = head();
      pos[i] = 0;
      set_span(head(), i, static_cast<uint32_t>(size_));
    }
    level_ = n_level;
  }
  const uint32_t n_pos = pos[0] + 1;
  for (int i = 0; i < n_level; ++i) {
    Node* u = update[i];
    // u's link reached position pos[i] + span; that node now sits one further on.
    uint32_t old_end = pos[i] + span(u, i) + 1;
    n->forward()[i] = u->forward()[i];
    u->forward()[i] = n;
    set_span(n, i, old_end - n_pos);
    set_span(u, i, n_pos - pos[i]);
  }
  // Links passing over n on the levels n does not reach skip one more step.
  for (int i = n_level; i < level_; ++i) set_span(update[i], i, span(update[i], i) + 1);
  n->backward_ = update[0] == head() ? nullptr : update[0];
  if (Node* after = n->forward()[0]) {
    after->backward_ = n;
  } else {
    tail_ = n;
  }
  ++size_;
}

// update[i] is the last node before n on level i. Leaves update valid for n's successor, which
// the range deletions rely on.
void SkipList::unlink(Node* n, Node** update) {
  for (int i = 0; i < level_; ++i) {
    Node* u = update[i];
    if (u->forward()[i] == n) {
      set_span(u, i, span(u, i) + span(n, i) - 1);
      u->forward()[i] = n->forward()[i];
    } else {
      set_span(u, i, span(u, i) - 1);
    }
  }
  if (Node* after = n->forward()[0]) {
    after->backward_ = n->backward_;
  } else {
    tail_ = n->backward_;
  }
  while (level_ > 1 && head()->forward()[level_ - 1] == nullptr) --level_;
  --size_;
}

SkipList::Node* SkipList::insert(double score, std::string_view member) {
  assert(!std::isnan(score));
  if (size_ >= kMaxSize) throw std::length_error("skiplist: too many elements");
  if (member.size() > kMaxMemberSize) throw std::length_error("skiplist: member too long");
  Node* update[kMaxLevel];
  uint32_t pos[kMaxLevel];
  find_predecessors(score, member, update, pos);
  Node* n = allocate(score, member, random_level());
  link(n, update, pos);
  return n;
}

void SkipList::erase(Node* n) {
  Node* update[kMaxLevel];
  find_predecessors(n->score(), n->member(), update, nullptr);
  assert(update[0]->forward()[0] == n);
  unlink(n, update);
  release(n);
}

SkipList::Node* SkipList::update_score(Node* n, double new_score) {
  assert(!std::isnan(new_score));
  std::string_view member = n->member();
  const Node* p = n->prev();
  const Node* q = n->next();
  if ((!p || key_less(p->score(), p->member(), new_score, member)) &&
      (!q || key_less(new_score, member, q->score(), q->member()))) {
    n->score_ = new_score;  // still between its neighbours: no link or span changes
    return n;
  }
  Node* update[kMaxLevel];
  uint32_t pos[kMaxLevel];
  find_predecessors(n->score(), member, update, nullptr);
  assert(update[0]->forward()[0] == n);
  unlink(n, update);
  n->score_ = new_score;
  find_predecessors(new_score, member, update, pos);
  link(n, update, pos);
  return n;
}

uint64_t SkipList::rank(const Node* n) const {
  // A descent from the head, as an insert does. Walking rightwards along n's top links needs no
  // comparisons but touches ~4 cold nodes per level; the descent's upper levels are a few nodes
  // every lookup shares, so they stay in cache (perf: 55% of a ZREVRANK load before, on 1M).
  const double score = n->score();
  const std::string_view member = n->member();
  const Node* x = head();
  uint64_t x_pos = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    while (const Node* y = x->forward()[i]) {
      if (y != n && !key_less(y->score(), y->member(), score, member)) break;
      x_pos += span(x, i);
      x = y;
      if (x == n) return x_pos - 1;
    }
  }
  return x_pos - 1;  // not reached for a node of this list
}

SkipList::Node* SkipList::at_rank(uint64_t r) const {
  if (r >= size_) return nullptr;
  const uint32_t target = static_cast<uint32_t>(r + 1);
  return descend<true>([&](const Node*, uint32_t y_pos) { return y_pos <= target; }, nullptr,
                       nullptr);
}

SkipList::Node* SkipList::first_in_range(const ScoreRange& range) const {
  if (range.empty()) return nullptr;
  Node* before = descend<false>(
      [&](const Node* y, uint32_t) { return !range.satisfies_min(y->score()); }, nullptr, nullptr);
  Node* y = before->forward()[0];
  return y && range.satisfies_max(y->score()) ? y : nullptr;
}

SkipList::Node* SkipList::last_in_range(const ScoreRange& range) const {
  if (range.empty()) return nullptr;
  Node* x = descend<false>([&](const Node* y, uint32_t) { return range.satisfies_max(y->score()); },
                           nullptr, nullptr);
  return x != head() && range.satisfies_min(x->score()) ? x : nullptr;
}

SkipList::Node* SkipList::first_in_lex_range(const LexRange& range) const {
  if (range.empty()) return nullptr;
  Node* before = descend<false>(
      [&](const Node* y, uint32_t) { return !range.satisfies_min(y->member()); }, nullptr, nullptr);
  Node* y = before->forward()[0];
  return y && range.satisfies_max(y->member()) ? y : nullptr;
}

SkipList::Node* SkipList::last_in_lex_range(const LexRange& range) const {
  if (range.empty()) return nullptr;
  Node* x = descend<false>(
      [&](const Node* y, uint32_t) { return range.satisfies_max(y->member()); }, nullptr, nullptr);
  return x != head() && range.satisfies_min(x->member()) ? x : nullptr;
}

template <typename Pred>
uint64_t SkipList::delete_run(Node** update, uint64_t limit, Pred&& in_range, Visitor fn) {
  uint64_t removed = 0;
  while (removed < limit) {
    Node* x = update[0]->forward()[0];
    if (!x || !in_range(static_cast<const Node*>(x))) break;
    unlink(x, update);
    fn(x);
    release(x);
    ++removed;
  }
  return removed;
}

uint64_t SkipList::delete_score_range(const ScoreRange& range, Visitor fn) {
  if (range.empty()) return 0;
  Node* update[kMaxLevel];
  descend<false>([&](const Node* y, uint32_t) { return !range.satisfies_min(y->score()); }, update,
                 nullptr);
  return delete_run(
      update, kMaxSize, [&](const Node* x) { return range.satisfies_max(x->score()); }, fn);
}

uint64_t SkipList::delete_lex_range(const LexRange& range, Visitor fn) {
  if (range.empty()) return 0;
  Node* update[kMaxLevel];
  descend<false>([&](const Node* y, uint32_t) { return !range.satisfies_min(y->member()); }, update,
                 nullptr);
  return delete_run(
      update, kMaxSize, [&](const Node* x) { return range.satisfies_max(x->member()); }, fn);
}

uint64_t SkipList::delete_rank_range(uint64_t start, uint64_t end_inclusive, Visitor fn) {
  if (start >= size_ || start > end_inclusive) return 0;
  const uint64_t end = std::min(end_inclusive, size_ - 1);
  const uint32_t first_pos = static_cast<uint32_t>(start + 1);
  Node* update[kMaxLevel];
  descend<true>([&](const Node*, uint32_t y_pos) { return y_pos < first_pos; }, update, nullptr);
  return delete_run(
      update, end - start + 1, [](const Node*) { return true; }, fn);
}

void SkipList::check_invariants() const {
  auto fail = [](const char* what) { throw std::logic_error(std::string("skiplist: ") + what); };
  const Node* h = head();
  if (level_ < 1 || level_ > kMaxLevel) fail("list level out of bounds");
  for (int i = level_; i < kMaxLevel; ++i)
    if (h->forward()[i] != nullptr) fail("head link above the list level");

  // Level 0: order, backward links, tail, count, bytes and the tallest level.
  uint64_t count = 0;
  size_t bytes = 0;
  int tallest = 1;
  const Node* prev = nullptr;
  for (const Node* x = h->forward()[0]; x; prev = x, x = x->forward()[0]) {
    if (++count > size_) fail("more nodes than size()");  // also ends a cycle
    if (x->level() < 1 || x->level() > kMaxLevel) fail("node level out of bounds");
    if (std::isnan(x->score())) fail("NaN score");
    if (x->prev() != prev) fail("wrong backward link");
    if (prev && !key_less(prev->score(), prev->member(), x->score(), x->member()))
      fail("order violated");
    tallest = std::max(tallest, x->level());
    bytes += node_allocation_size(x->level(), x->member_size());
  }
  if (count != size_) fail("fewer nodes than size()");
  if (tail_ != prev) fail("wrong tail");
  if (bytes != bytes_) fail("byte count mismatch");
  if (tallest != level_) fail("list level is not the tallest node's level");

  // Each level's chain holds exactly the nodes taller than it, in level-0 order, and each span
  // is the number of level-0 steps it skips (for a null link: the steps left to the end).
  for (int i = 0; i < level_; ++i) {
    const Node* from = h;
    uint64_t from_pos = 0;
    uint64_t p = 0;
    for (const Node* x = h->forward()[0]; x; x = x->forward()[0]) {
      ++p;
      if (x->level() <= i) continue;
      if (from->forward()[i] != x) fail("level chain skips or misorders a node");
      if (span(from, i) != p - from_pos) fail("wrong span");
      from = x;
      from_pos = p;
    }
    if (from->forward()[i] != nullptr) fail("level chain runs past the last tall node");
    if (span(from, i) != size_ - from_pos) fail("wrong span of a null link");
  }
}

}  // namespace cardinal::ds
