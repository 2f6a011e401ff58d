// ds::SkipList against an ordered oracle: a std::set of (score, member) sorted by a comparison
// written here from the zset rules (score, then memcmp with a prefix first). Random inserts,
// erases, score updates and range deletions run in batches; after each batch everything the
// list can answer is compared with the oracle: order both ways, rank() and at_rank() of every
// node, score and lex range lookups, node addresses, and check_invariants() for spans and links.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cardinal/ds/skiplist.h"
#include "zset_order_oracle.h"

using cardinal::ds::LexBound;
using cardinal::ds::LexRange;
using cardinal::ds::ScoreRange;
using cardinal::ds::SkipList;
using Node = SkipList::Node;

// REQUIRE only when the condition fails: Catch2's per-assertion bookkeeping would otherwise
// dominate the runtime of the long random runs. `cond` must have no side effects.
#define FAST_REQUIRE(cond)      \
  do {                          \
    if (!(cond)) REQUIRE(cond); \
  } while (0)

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kDenormMin = std::numeric_limits<double>::denorm_min();

using zset_oracle::bytes_cmp;
using Key = zset_oracle::ScoreMember;
using KeyLess = zset_oracle::ScoreMemberLess;
using Oracle = std::set<Key, KeyLess>;

// Scores are compared with their sign: -0.0 must come back as -0.0.
bool same_double(double a, double b) {
  return a == b && std::signbit(a) == std::signbit(b);
}

// The k-th byte string over a 9-symbol alphabet, shortest first: "", the nine one-byte strings,
// the 81 two-byte strings, ... Nearby members share prefixes, and the alphabet holds NUL, CR, LF
// and bytes above 0x7f, so a signed or C-string comparison would misorder them. Every 97th
// member gets a long tail of 'x' (outside the alphabet, so members stay distinct).
std::string member_of(uint64_t k) {
  static constexpr char kAlphabet[] = {'\0', '\x01', 'a', 'b', '\r', '\n', '\x7f', '\x80', '\xff'};
  const uint64_t index = k;
  size_t len = 0;
  uint64_t count = 1;  // strings of length `len`
  while (k >= count) {
    k -= count;
    ++len;
    count *= 9;
  }
  std::string m(len, '\0');
  for (size_t i = len; i-- > 0;) {
    m[i] = kAlphabet[k % 9];
    k /= 9;
  }
  if (index % 97 == 96) m.append(200 + index % 50, 'x');
  return m;
}

// Mostly small integers, so scores tie often and members decide; plus the extremes.
double random_score(std::mt19937_64& rng) {
  static constexpr double kSpecial[] = {-kInf, kInf,       -0.0,        0.0, -1e308,
                                        1e308, kDenormMin, -kDenormMin, 0.1, -0.1};
  uint64_t r = rng() % 100;
  if (r < 15) return kSpecial[rng() % std::size(kSpecial)];
  if (r < 80) return static_cast<double>(static_cast<int64_t>(rng() % 9) - 4);
  if (r < 95) return static_cast<double>(static_cast<int64_t>(rng() % 81) - 40) / 4;
  return std::uniform_real_distribution<double>(-1e6, 1e6)(rng);
}

// A new score for an existing element: often one that keeps its place (update in place), often
// one that moves it.
double nearby_score(double s, std::mt19937_64& rng) {
  switch (rng() % 5) {
    case 0:
      return s;
    case 1:
      return std::nextafter(s, kInf);
    case 2:
      return std::nextafter(s, -kInf);
    case 3:
      return -s;
    default:
      return random_score(rng);
  }
}

bool oracle_in_score_range(double s, const ScoreRange& r) {
  bool low = r.min_exclusive ? r.min < s : r.min <= s;
  bool high = r.max_exclusive ? s < r.max : s <= r.max;
  return low && high;
}

ScoreRange random_score_range(std::mt19937_64& rng) {
  ScoreRange r;
  r.min = random_score(rng);
  switch (rng() % 4) {
    case 0:
      r.max = random_score(rng);  // may be below min: an empty range
      break;
    case 1:
      r.max = r.min;
      break;
    default:
      r.max = r.min + static_cast<double>(rng() % 3);
  }
  if (rng() % 10 == 0) r.min = -kInf;
  if (rng() % 10 == 0) r.max = kInf;
  r.min_exclusive = rng() % 2 == 0;
  r.max_exclusive = rng() % 2 == 0;
  return r;
}

// A lex bound that owns its bytes (LexBound only views them).
struct OwnedBound {
  LexBound::Kind kind;
  std::string value;
  LexBound view() const { return {kind, value}; }
};

LexRange lex_range(const OwnedBound& lo, const OwnedBound& hi) {
  return {lo.view(), hi.view()};
}

bool oracle_above_min(std::string_view m, const OwnedBound& b) {
  return zset_oracle::lex_above_min(m, b);
}

bool oracle_below_max(std::string_view m, const OwnedBound& b) {
  return zset_oracle::lex_below_max(m, b);
}

OwnedBound random_lex_bound(std::mt19937_64& rng, uint64_t key_space) {
  uint64_t r = rng() % 20;
  if (r == 0) return {LexBound::Kind::kNegInf, {}};
  if (r == 1) return {LexBound::Kind::kPosInf, {}};
  std::string v = member_of(rng() % key_space);
  if (rng() % 4 == 0 && !v.empty()) v.pop_back();  // a prefix, often not a member
  if (rng() % 4 == 0) v.push_back(static_cast<char>(rng() % 256));
  return {r % 2 == 0 ? LexBound::Kind::kInclusive : LexBound::Kind::kExclusive, std::move(v)};
}

// A narrow lex range: a member and its extensions ("[m" .. "[m\xff"), or two random bounds.
std::pair<OwnedBound, OwnedBound> random_lex_range(std::mt19937_64& rng, uint64_t key_space,
                                                   bool narrow) {
  if (!narrow) return {random_lex_bound(rng, key_space), random_lex_bound(rng, key_space)};
  std::string m = member_of(rng() % key_space);
  OwnedBound lo{rng() % 2 ? LexBound::Kind::kInclusive : LexBound::Kind::kExclusive, m};
  OwnedBound hi{rng() % 2 ? LexBound::Kind::kInclusive : LexBound::Kind::kExclusive, m + "\xff"};
  return {lo, hi};
}

// The list under test plus its oracle and the bookkeeping a member index would do. Each node's
// hash_next is set to the node itself: the list must never touch it.
struct Model {
  explicit Model(uint64_t seed) : list(seed) {}

  SkipList list;
  Oracle order;
  std::unordered_map<std::string, Node*> nodes;
  std::vector<std::string> members;  // for uniform random picks
  std::unordered_map<std::string, size_t> slot;

  bool has(const std::string& m) const { return nodes.count(m) != 0; }
  size_t size() const { return order.size(); }
  const std::string& random_member(std::mt19937_64& rng) const {
    return members[rng() % members.size()];
  }

  void insert(double score, const std::string& m) {
    Node* n = list.insert(score, m);
    FAST_REQUIRE(n != nullptr);
    FAST_REQUIRE(n->hash_next == nullptr);
    FAST_REQUIRE(same_double(n->score(), score));
    FAST_REQUIRE(n->member() == m);
    n->hash_next = n;
    order.emplace(score, m);
    nodes.emplace(m, n);
    slot.emplace(m, members.size());
    members.push_back(m);
  }

  void update(const std::string& m, double score) {
    Node* n = nodes.at(m);
    double old = n->score();
    FAST_REQUIRE(list.update_score(n, score) == n);
    FAST_REQUIRE(same_double(n->score(), score));
    FAST_REQUIRE(n->member() == m);
    FAST_REQUIRE(n->hash_next == n);
    FAST_REQUIRE(order.erase(Key{old, m}) == 1);
    order.emplace(score, m);
  }

  void erase(const std::string& m) {
    Node* n = nodes.at(m);
    double score = n->score();
    list.erase(n);
    forget(score, m);
  }

  void upsert(double score, const std::string& m) {
    if (has(m)) {
      update(m, score);
    } else {
      insert(score, m);
    }
  }

  // Drops an element the list has already removed.
  void forget(double score, std::string m) {
    FAST_REQUIRE(order.erase(Key{score, m}) == 1);
    nodes.erase(m);
    size_t i = slot.at(m);
    std::swap(members[i], members.back());
    slot[members[i]] = i;
    slot.erase(m);
    members.pop_back();
  }

  // The oracle's elements from `from` on that satisfy the lower bound, up to the first that fails
  // the upper one. `from` comes from the set's own search (at or just before the range), which
  // keeps deletions from scanning the whole oracle.
  template <typename AboveMin, typename BelowMax>
  std::vector<Key> range_from(Oracle::const_iterator from, AboveMin&& above_min,
                              BelowMax&& below_max) const {
    while (from != order.end() && !above_min(*from)) ++from;
    std::vector<Key> out;
    for (; from != order.end() && below_max(*from); ++from) out.push_back(*from);
    return out;
  }

  // Runs a range deletion as del(fn) and checks that it removed exactly `expected`, in order,
  // with each node still readable when fn saw it.
  template <typename Del>
  void delete_and_check(const std::vector<Key>& expected, Del&& del) {
    std::vector<Key> seen;
    bool intact = true;
    uint64_t count = del([&](Node* n) {
      intact = intact && n->hash_next == n && nodes.count(std::string(n->member())) == 1 &&
               nodes.at(std::string(n->member())) == n;
      seen.emplace_back(n->score(), std::string(n->member()));
    });
    REQUIRE(intact);
    REQUIRE(count == expected.size());
    REQUIRE(seen.size() == expected.size());
    for (size_t i = 0; i < seen.size(); ++i) {
      FAST_REQUIRE(same_double(seen[i].first, expected[i].first));
      FAST_REQUIRE(seen[i].second == expected[i].second);
    }
    for (const Key& k : seen) forget(k.first, k.second);
  }

  void delete_score_range(const ScoreRange& r) {
    // (min, "") sorts before every element scored min: the empty member is the smallest.
    auto expected = range_from(
        order.lower_bound(Key{r.min, ""}),
        [&](const Key& k) { return r.min_exclusive ? r.min < k.first : r.min <= k.first; },
        [&](const Key& k) { return r.max_exclusive ? k.first < r.max : k.first <= r.max; });
    delete_and_check(expected, [&](auto fn) { return list.delete_range_by_score(r, fn); });
  }

  void delete_rank_range(uint64_t start, uint64_t end) {
    std::vector<Key> expected;
    const uint64_t n = order.size();
    if (start < n && start <= end) {
      // Walk in from the nearer end of the set.
      auto it = start <= n / 2 ? std::next(order.begin(), static_cast<ptrdiff_t>(start))
                               : std::prev(order.end(), static_cast<ptrdiff_t>(n - start));
      for (uint64_t i = start; i <= std::min(end, n - 1); ++i, ++it) expected.push_back(*it);
    }
    delete_and_check(expected, [&](auto fn) { return list.delete_range_by_rank(start, end, fn); });
  }

  void delete_lex_range(const OwnedBound& lo, const OwnedBound& hi) {
    // Every score is equal here, so the set is in member order.
    auto from = lo.kind == LexBound::Kind::kNegInf   ? order.begin()
                : lo.kind == LexBound::Kind::kPosInf ? order.end()
                                                     : order.lower_bound(Key{0.0, lo.value});
    auto expected = range_from(
        from, [&](const Key& k) { return oracle_above_min(k.second, lo); },
        [&](const Key& k) { return oracle_below_max(k.second, hi); });
    LexRange r = lex_range(lo, hi);
    delete_and_check(expected, [&](auto fn) { return list.delete_range_by_lex(r, fn); });
  }
};

Node* node_of(const Model& m, const Key* k) {
  return k ? m.nodes.at(k->second) : nullptr;
}

// Compares everything the list answers with the oracle. In lex mode every score is equal (0.0
// or -0.0), so lex ranges have an answer to compare against.
void verify(const Model& m, std::mt19937_64& rng, uint64_t key_space, bool lex_mode,
            int range_queries) {
  REQUIRE_NOTHROW(m.list.check_invariants());
  REQUIRE(m.list.size() == m.order.size());
  REQUIRE(m.list.empty() == m.order.empty());

  std::vector<const Key*> expected;
  expected.reserve(m.order.size());
  for (const Key& k : m.order) expected.push_back(&k);

  std::vector<Node*> forward;
  forward.reserve(expected.size());
  const Node* prev = nullptr;
  for (Node* n = m.list.first(); n; n = n->next()) {
    size_t i = forward.size();
    FAST_REQUIRE(i < expected.size());
    FAST_REQUIRE(same_double(n->score(), expected[i]->first));
    FAST_REQUIRE(n->member() == expected[i]->second);
    FAST_REQUIRE(m.nodes.at(expected[i]->second) == n);  // the address given at insert
    FAST_REQUIRE(n->hash_next == n);
    FAST_REQUIRE(n->prev() == prev);
    FAST_REQUIRE(m.list.rank(n) == i);
    FAST_REQUIRE(m.list.at_rank(i) == n);
    forward.push_back(n);
    prev = n;
  }
  REQUIRE(forward.size() == expected.size());
  REQUIRE(m.list.last() == prev);
  size_t i = forward.size();
  for (Node* n = m.list.last(); n; n = n->prev()) {
    FAST_REQUIRE(i > 0);
    FAST_REQUIRE(forward[--i] == n);
  }
  REQUIRE(i == 0);
  REQUIRE(m.list.at_rank(m.list.size()) == nullptr);
  REQUIRE(m.list.at_rank(std::numeric_limits<uint64_t>::max()) == nullptr);

  for (int q = 0; q < range_queries; ++q) {
    ScoreRange r = random_score_range(rng);
    auto in = [&](const Key* k) { return oracle_in_score_range(k->first, r); };
    auto first = std::find_if(expected.begin(), expected.end(), in);
    auto last = std::find_if(expected.rbegin(), expected.rend(), in);
    const Key* want_first = first == expected.end() ? nullptr : *first;
    const Key* want_last = last == expected.rend() ? nullptr : *last;
    CAPTURE(r.min, r.max, r.min_exclusive, r.max_exclusive);
    FAST_REQUIRE(m.list.first_in_range(r) == node_of(m, want_first));
    FAST_REQUIRE(m.list.last_in_range(r) == node_of(m, want_last));
  }

  for (int q = 0; q < range_queries; ++q) {
    // Named references, not a structured binding: clang 14 cannot capture bindings in lambdas.
    const auto bounds = random_lex_range(rng, key_space, q % 2 == 0);
    const OwnedBound& lo = bounds.first;
    const OwnedBound& hi = bounds.second;
    LexRange r = lex_range(lo, hi);
    Node* got_first = m.list.first_in_lex_range(r);
    Node* got_last = m.list.last_in_lex_range(r);
    if (!lex_mode) {
      // Unspecified when scores differ, but it must be one of the list's nodes.
      FAST_REQUIRE((!got_first || m.nodes.at(std::string(got_first->member())) == got_first));
      FAST_REQUIRE((!got_last || m.nodes.at(std::string(got_last->member())) == got_last));
      continue;
    }
    auto in = [&](const Key* k) {
      return oracle_above_min(k->second, lo) && oracle_below_max(k->second, hi);
    };
    auto first = std::find_if(expected.begin(), expected.end(), in);
    auto last = std::find_if(expected.rbegin(), expected.rend(), in);
    FAST_REQUIRE(got_first == node_of(m, first == expected.end() ? nullptr : *first));
    FAST_REQUIRE(got_last == node_of(m, last == expected.rend() ? nullptr : *last));
  }
}

// One random operation. `insert_bias` in [0, 1] shifts the mix towards inserts (the list grows)
// or removals (it shrinks). In lex mode every score is 0.0 or -0.0.
void random_op(Model& m, std::mt19937_64& rng, uint64_t key_space, double insert_bias,
               bool lex_mode) {
  auto score = [&] { return lex_mode ? (rng() % 2 ? 0.0 : -0.0) : random_score(rng); };
  double u = std::uniform_real_distribution<double>(0, 1)(rng);
  if (u < insert_bias || m.size() == 0) {
    double s = score();  // drawn first: argument evaluation order differs between compilers
    m.upsert(s, member_of(rng() % key_space));
    return;
  }
  u = std::uniform_real_distribution<double>(0, 1)(rng);
  if (u < 0.50) {
    m.erase(m.random_member(rng));
  } else if (u < 0.85) {
    std::string member = m.random_member(rng);
    double s = m.nodes.at(member)->score();
    m.update(member, lex_mode ? -s : nearby_score(s, rng));
  } else if (u < 0.92) {
    // A few ranks; now and then everything from a point near the end, or a reversed pair.
    uint64_t start = rng() % (m.size() + 2);
    uint64_t end = start + rng() % 4;
    if (rng() % 8 == 0) {
      start = m.size() - std::min<uint64_t>(m.size(), rng() % 4);
      end = std::numeric_limits<uint64_t>::max();
    }
    if (rng() % 16 == 0) std::swap(start, end);  // reversed: removes nothing
    m.delete_rank_range(start, end);
  } else if (lex_mode) {
    // Mostly a member and its extensions; rarely two random bounds, which may span half the list.
    auto [lo, hi] = random_lex_range(rng, key_space, rng() % 128 != 0);
    m.delete_lex_range(lo, hi);
  } else if (u < 0.96) {
    // Narrow score ranges, nearly always on odd quarters (rare scores): one popular integer holds
    // about a fourteenth of the list.
    ScoreRange r;
    r.min = rng() % 64 == 0 ? random_score(rng)
                            : static_cast<double>(2 * static_cast<int64_t>(rng() % 40) - 39) / 4;
    r.max = rng() % 2 == 0 ? r.min : std::nextafter(r.min, kInf);
    r.min_exclusive = rng() % 4 == 0;
    r.max_exclusive = rng() % 4 == 0;
    m.delete_score_range(r);
  } else {
    m.erase(m.random_member(rng));
  }
}

void run_random(uint64_t seed, int ops, int batch, uint64_t key_space, bool lex_mode,
                int range_queries) {
  CAPTURE(seed);
  std::mt19937_64 rng(seed);
  Model m(seed);
  for (int op = 0; op < ops; ++op) {
    // Alternate growing and shrinking phases so levels rise and fall.
    double bias = (op / (batch * 5)) % 2 == 0 ? 0.75 : 0.3;
    random_op(m, rng, key_space, bias, lex_mode);
    if (op % batch == batch - 1) {
      CAPTURE(op);
      verify(m, rng, key_space, lex_mode, range_queries);
    }
  }
  verify(m, rng, key_space, lex_mode, range_queries);
}

std::vector<Node*> nodes_in_order(const SkipList& list) {
  std::vector<Node*> out;
  for (Node* n = list.first(); n; n = n->next()) out.push_back(n);
  return out;
}

}  // namespace

TEST_CASE("SkipList starts empty and answers every query on an empty list", "[skiplist]") {
  SkipList list(1);
  auto none = [](Node*) { FAIL("callback on an empty list"); };
  for (int round = 0; round < 2; ++round) {
    REQUIRE_NOTHROW(list.check_invariants());
    REQUIRE(list.size() == 0);
    REQUIRE(list.empty());
    REQUIRE(list.level() == 1);
    REQUIRE(list.first() == nullptr);
    REQUIRE(list.last() == nullptr);
    REQUIRE(list.memory_bytes() == 0);
    REQUIRE(list.at_rank(0) == nullptr);
    REQUIRE(list.first_in_range(ScoreRange{}) == nullptr);
    REQUIRE(list.last_in_range(ScoreRange{}) == nullptr);
    REQUIRE(list.first_in_lex_range(LexRange{}) == nullptr);
    REQUIRE(list.last_in_lex_range(LexRange{}) == nullptr);
    REQUIRE(list.delete_range_by_score(ScoreRange{}, none) == 0);
    REQUIRE(list.delete_range_by_lex(LexRange{}, none) == 0);
    REQUIRE(list.delete_range_by_rank(0, 10, none) == 0);
    // Fill and empty it again: the second round checks the emptied list.
    for (int i = 0; i < 100; ++i) list.insert(i, member_of(static_cast<uint64_t>(i)));
    REQUIRE(list.size() == 100);
    while (!list.empty()) list.erase(list.at_rank(list.size() / 2));
  }
}

TEST_CASE("SkipList orders by score, then by member bytes", "[skiplist]") {
  // Each rule of the zset order, as (lower, higher) pairs.
  const std::vector<std::pair<Key, Key>> rules = {
      {{-kInf, "z"}, {-1e308, "a"}},           // -inf below every finite score
      {{1e308, "z"}, {kInf, ""}},              // +inf above every finite score
      {{-1, "z"}, {0.5, "a"}},                 // score decides before member
      {{2, ""}, {2, std::string(1, '\0')}},    // empty member first
      {{2, "a"}, {2, std::string("a\0", 2)}},  // a prefix before its extensions
      {{2, "a\r\n"}, {2, "ab"}},               // bytes compare as values: '\r' < 'b'
      {{2, "a"}, {2, "\x80"}},                 // unsigned: 0x80 above 'a'
      {{2, "\x7f"}, {2, "\xff"}},              // unsigned: 0xff is the largest byte
      {{-0.0, "b"}, {0.0, "c"}},               // -0.0 equals 0.0: the member decides
      {{0.0, "b"}, {-0.0, "c"}},
      {{-kDenormMin, "z"}, {-0.0, "a"}},  // the smallest negative is below zero
  };
  for (const auto& [lo, hi] : rules) {
    CAPTURE(lo.first, lo.second, hi.first, hi.second);
    REQUIRE(KeyLess{}(lo, hi));  // the oracle agrees with the rule
    for (bool low_first : {true, false}) {
      SkipList list(7);
      if (low_first) {
        list.insert(lo.first, lo.second);
        list.insert(hi.first, hi.second);
      } else {
        list.insert(hi.first, hi.second);
        list.insert(lo.first, lo.second);
      }
      REQUIRE_NOTHROW(list.check_invariants());
      REQUIRE(list.first()->member() == lo.second);
      REQUIRE(same_double(list.first()->score(), lo.first));
      REQUIRE(list.last()->member() == hi.second);
    }
  }
}

TEST_CASE("SkipList matches an ordered oracle under random operations", "[skiplist]") {
  for (uint64_t seed : {1u, 2u, 77u}) run_random(seed, 30'000, 1'000, 3'000, false, 30);
}

TEST_CASE("SkipList lex ranges match the oracle when all scores are equal", "[skiplist]") {
  for (uint64_t seed : {3u, 4u, 99u}) run_random(seed, 20'000, 1'000, 2'500, true, 30);
}

TEST_CASE("SkipList stays consistent over a long random run", "[skiplist]") {
  run_random(2024, 200'000, 20'000, 40'000, false, 30);
}

TEST_CASE("SkipList range deletions remove exactly their range", "[skiplist]") {
  std::mt19937_64 rng(11);
  Model m(11);
  auto refill = [&] {
    while (m.size() < 2'000) {
      std::string member = member_of(rng() % 3'000);
      if (!m.has(member)) m.insert(random_score(rng), member);
    }
  };
  SECTION("by score, including empty and infinite ranges") {
    refill();
    m.delete_score_range({.min = 1, .max = 0});  // min above max
    m.delete_score_range({.min = 1, .max = 1, .min_exclusive = true});
    m.delete_score_range({.min = 1, .max = 1, .max_exclusive = true});
    m.delete_score_range({.min = kInf, .max = kInf});  // only the +inf scores
    m.delete_score_range({.min = -kInf, .max = -kInf, .min_exclusive = true});
    m.delete_score_range({.min = -kInf, .max = -1e308});
    m.delete_score_range({.min = 0, .max = 0});  // -0.0 and 0.0 alike
    verify(m, rng, 3'000, false, 20);
    for (int i = 0; i < 300; ++i) {
      if (i % 10 == 0) refill();
      m.delete_score_range(random_score_range(rng));
      if (i % 25 == 0) verify(m, rng, 3'000, false, 10);
    }
    m.delete_score_range({});  // everything
    REQUIRE(m.list.empty());
    verify(m, rng, 3'000, false, 10);
  }
  SECTION("by rank, including clamped and out-of-range bounds") {
    refill();
    const uint64_t kMax = std::numeric_limits<uint64_t>::max();
    m.delete_rank_range(5, 4);                        // reversed
    m.delete_rank_range(m.size(), kMax);              // starts past the end
    m.delete_rank_range(0, 0);                        // the first
    m.delete_rank_range(m.size() - 1, m.size() - 1);  // the last
    m.delete_rank_range(m.size() - 3, kMax);          // clamped to the end
    verify(m, rng, 3'000, false, 10);
    for (int i = 0; i < 300; ++i) {
      if (i % 10 == 0) refill();
      uint64_t start = rng() % m.size();
      m.delete_rank_range(start, start + rng() % 50);
      if (i % 25 == 0) verify(m, rng, 3'000, false, 10);
    }
    m.delete_rank_range(0, kMax);
    REQUIRE(m.list.empty());
    verify(m, rng, 3'000, false, 10);
  }
  SECTION("by lex, with every kind of bound") {
    Model lex(12);
    auto fill = [&] {
      while (lex.size() < 1'500) {
        std::string member = member_of(rng() % 2'000);
        if (!lex.has(member)) lex.insert(rng() % 2 ? 0.0 : -0.0, member);
      }
    };
    using K = LexBound::Kind;
    fill();
    lex.delete_lex_range({K::kPosInf, {}}, {K::kPosInf, {}});          // "+" as min: nothing
    lex.delete_lex_range({K::kNegInf, {}}, {K::kNegInf, {}});          // "-" as max: nothing
    lex.delete_lex_range({K::kInclusive, "b"}, {K::kInclusive, "a"});  // reversed
    lex.delete_lex_range({K::kExclusive, "a"}, {K::kInclusive, "a"});
    lex.delete_lex_range({K::kExclusive, "a"}, {K::kExclusive, std::string("a\0", 2)});
    lex.delete_lex_range({K::kNegInf, {}}, {K::kInclusive, std::string(1, '\0')});
    lex.delete_lex_range({K::kExclusive, "\xff"}, {K::kPosInf, {}});
    verify(lex, rng, 2'000, true, 20);
    for (int i = 0; i < 300; ++i) {
      if (i % 10 == 0) fill();
      auto [lo, hi] = random_lex_range(rng, 2'000, i % 3 != 0);
      lex.delete_lex_range(lo, hi);
      if (i % 25 == 0) verify(lex, rng, 2'000, true, 10);
    }
    lex.delete_lex_range({K::kNegInf, {}}, {K::kPosInf, {}});
    REQUIRE(lex.list.empty());
    verify(lex, rng, 2'000, true, 10);
  }
}

TEST_CASE("SkipList update_score keeps the node, in place or relinked", "[skiplist]") {
  std::mt19937_64 rng(5);
  Model m(5);
  for (uint64_t k = 0; k < 500; ++k) m.insert(static_cast<double>(k % 50), member_of(k));
  const size_t bytes = m.list.memory_bytes();
  for (int i = 0; i < 5'000; ++i) {
    std::string member = m.random_member(rng);
    double s = m.nodes.at(member)->score();
    double target;
    switch (i % 4) {
      case 0:
        target = s;  // unchanged
        break;
      case 1:
        target = std::nextafter(s, rng() % 2 ? kInf : -kInf);  // small move, often in place
        break;
      case 2:
        target = rng() % 2 ? -kInf : kInf;  // to an end
        break;
      default:
        target = random_score(rng);
    }
    m.update(member, target);
    if (i % 500 == 0) verify(m, rng, 500, false, 10);
  }
  verify(m, rng, 500, false, 10);
  REQUIRE(m.list.memory_bytes() == bytes);  // no node was reallocated

  // The first node moves past the last and back; verify() checks first(), last() and prev().
  Node* n = m.list.first();
  Node* old_last = m.list.last();
  const double top = old_last->score();
  m.update(std::string(n->member()), top + 1);
  if (top != kInf) REQUIRE(m.list.last() == n);
  verify(m, rng, 500, false, 10);
  m.update(std::string(n->member()), -kInf);
  verify(m, rng, 500, false, 10);
}

TEST_CASE("SkipList levels follow p = 1/4 and are fixed by the seed", "[skiplist]") {
  constexpr int kNodes = 100'000;
  SkipList list(42);
  for (int i = 0; i < kNodes; ++i) list.insert(i, {});  // equal empty members, distinct scores
  std::vector<int> at_level(SkipList::kMaxLevel + 1, 0);
  int tallest = 0;
  for (Node* n = list.first(); n; n = n->next()) {
    REQUIRE(n->level() >= 1);
    REQUIRE(n->level() <= SkipList::kMaxLevel);
    ++at_level[static_cast<size_t>(n->level())];
    tallest = std::max(tallest, n->level());
  }
  REQUIRE(list.level() == tallest);
  // Spans here exceed 16 bits: ranks across the whole list still add up.
  REQUIRE_NOTHROW(list.check_invariants());
  for (uint64_t r = 0; r < kNodes; r += 997) {
    Node* n = list.at_rank(r);
    FAST_REQUIRE(n != nullptr);
    FAST_REQUIRE(n->score() == static_cast<double>(r));
    FAST_REQUIRE(list.rank(n) == r);
  }
  // P(level = k) = 3/4 * (1/4)^(k-1); allow five standard deviations of the binomial count.
  for (int k = 1; k <= 5; ++k) {
    double p = 0.75 * std::pow(0.25, k - 1);
    double mean = kNodes * p;
    double sd = std::sqrt(kNodes * p * (1 - p));
    CAPTURE(k, at_level[static_cast<size_t>(k)], mean);
    REQUIRE(std::abs(at_level[static_cast<size_t>(k)] - mean) <= 5 * sd);
  }

  auto levels = [](SkipList& l, uint64_t offset) {
    std::vector<int> out;
    for (uint64_t i = 0; i < 2'000; ++i) {
      // Insert order and member bytes differ between calls; the levels must not care.
      out.push_back(
          l.insert(static_cast<double>((i * 7919 + offset) % 2'000), member_of(i))->level());
    }
    return out;
  };
  SkipList a(9), b(9), c(10), d, e;
  std::vector<int> la = levels(a, 0);
  REQUIRE(levels(b, 1'000) == la);  // same seed, same level sequence
  REQUIRE(levels(c, 0) != la);
  REQUIRE(levels(d, 0) != levels(e, 0));  // default seeds differ per list
  REQUIRE_NOTHROW(a.check_invariants());
  REQUIRE_NOTHROW(d.check_invariants());
}

TEST_CASE("SkipList ranks across links wider than 16 bits", "[skiplist]") {
  // Dropping every tall node but the last leaves the head's upper links skipping tens of
  // thousands of level-1 nodes (lookups near the front are then linear; that is the point).
  constexpr uint64_t kNodes = 100'000;
  SkipList list(13);
  for (uint64_t i = 0; i < kNodes; ++i) list.insert(static_cast<double>(i), {});
  std::vector<Node*> tall;
  for (Node* n = list.first(); n; n = n->next())
    if (n->level() > 1) tall.push_back(n);
  REQUIRE(tall.size() > 2);
  Node* kept = tall.back();
  tall.pop_back();
  // From the back, so each erase still finds an intact index in front of its node.
  for (auto it = tall.rbegin(); it != tall.rend(); ++it) list.erase(*it);
  REQUIRE(list.level() == kept->level());
  REQUIRE(list.rank(kept) > 65'536);
  REQUIRE_NOTHROW(list.check_invariants());
  std::vector<Node*> order = nodes_in_order(list);
  for (uint64_t r = 0; r < order.size(); r += 331) {
    FAST_REQUIRE(list.at_rank(r) == order[r]);
    FAST_REQUIRE(list.rank(order[r]) == r);
  }
  REQUIRE(list.at_rank(list.rank(kept)) == kept);
  list.insert(-1, "front");
  REQUIRE(list.rank(kept) ==
          static_cast<uint64_t>(std::find(order.begin(), order.end(), kept) - order.begin()) + 1);
  REQUIRE_NOTHROW(list.check_invariants());
}

TEST_CASE("SkipList node memory: one allocation, accounted exactly", "[skiplist]") {
  // A level-1 node with a 16-byte member fits the 64-byte malloc class with its header.
  REQUIRE(SkipList::node_allocation_size(1, 16) <= 56);
  REQUIRE(SkipList::node_allocation_size(2, 16) == SkipList::node_allocation_size(1, 16) + 12);

  std::mt19937_64 rng(3);
  SkipList list(3);
  for (uint64_t k = 0; k < 3'000; ++k) list.insert(random_score(rng), member_of(k));
  auto sum = [&] {
    size_t total = 0;
    for (Node* n = list.first(); n; n = n->next())
      total += SkipList::node_allocation_size(n->level(), n->member().size());
    return total;
  };
  REQUIRE(list.memory_bytes() == sum());
  while (list.size() > 1'000) list.erase(list.at_rank(rng() % list.size()));
  REQUIRE(list.memory_bytes() == sum());
  list.clear();
  REQUIRE(list.memory_bytes() == 0);
  REQUIRE_NOTHROW(list.check_invariants());
}

TEST_CASE("SkipList holds binary and long members", "[skiplist]") {
  SkipList list(8);
  const std::string big(1 << 20, '\0');
  std::string big_plus = big;
  big_plus.back() = '\x01';
  std::vector<std::string> members = {
      "", std::string(1, '\0'), std::string(2, '\0'), "\r\n", "\r\n\r\n", big, big_plus};
  for (const std::string& m : members) list.insert(1.5, m);
  REQUIRE_NOTHROW(list.check_invariants());
  std::sort(members.begin(), members.end(),
            [](const std::string& a, const std::string& b) { return bytes_cmp(a, b) < 0; });
  size_t i = 0;
  for (Node* n = list.first(); n; n = n->next(), ++i) {
    REQUIRE(n->member() == members[i]);
    REQUIRE(list.rank(n) == i);
  }
  REQUIRE(list.memory_bytes() >= 2 * big.size());
  LexRange r{{LexBound::Kind::kInclusive, big}, {LexBound::Kind::kInclusive, big_plus}};
  REQUIRE(list.first_in_lex_range(r)->member() == big);
  REQUIRE(list.last_in_lex_range(r)->member() == big_plus);
  std::vector<std::string> removed;
  REQUIRE(list.delete_range_by_lex(r, [&](Node* n) { removed.emplace_back(n->member()); }) == 2);
  REQUIRE(removed == std::vector<std::string>{big, big_plus});
  REQUIRE_NOTHROW(list.check_invariants());
}

TEST_CASE("SkipList move construction and assignment", "[skiplist]") {
  std::mt19937_64 rng(21);
  SkipList a(21);
  for (uint64_t k = 0; k < 1'000; ++k) a.insert(random_score(rng), member_of(k));
  std::vector<Node*> order = nodes_in_order(a);
  size_t bytes = a.memory_bytes();
  int level = a.level();

  SkipList b(std::move(a));
  REQUIRE(nodes_in_order(b) == order);  // the same nodes, not copies
  REQUIRE(b.memory_bytes() == bytes);
  REQUIRE(b.level() == level);
  REQUIRE_NOTHROW(b.check_invariants());
  REQUIRE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from is a usable empty list
  REQUIRE(a.memory_bytes() == 0);
  REQUIRE_NOTHROW(a.check_invariants());
  a.insert(1, "again");
  REQUIRE(a.size() == 1);
  REQUIRE_NOTHROW(a.check_invariants());

  // Assignment frees the target's nodes (ASan reports a leak otherwise).
  a = std::move(b);
  REQUIRE(nodes_in_order(a) == order);
  REQUIRE(b.empty());
  REQUIRE_NOTHROW(b.check_invariants());
  SkipList& same = a;
  a = std::move(same);  // self-assignment keeps the contents
  REQUIRE(a.size() == order.size());
  for (size_t i = 0; i < order.size(); i += 97) REQUIRE(a.rank(order[i]) == i);
  REQUIRE_NOTHROW(a.check_invariants());
  a = SkipList(5);
  REQUIRE(a.empty());
}

TEST_CASE("LexBound parsing and range emptiness", "[skiplist]") {
  using K = LexBound::Kind;
  REQUIRE(LexBound::parse("-")->kind == K::kNegInf);
  REQUIRE(LexBound::parse("+")->kind == K::kPosInf);
  auto inc = LexBound::parse(std::string_view("[a\0b", 4));
  REQUIRE(inc->kind == K::kInclusive);
  REQUIRE(inc->value == std::string_view("a\0b", 3));
  auto exc = LexBound::parse("(");
  REQUIRE(exc->kind == K::kExclusive);
  REQUIRE(exc->value.empty());
  for (std::string_view bad : {"", "a", "--", "+a", "-a", "]a", ")a"}) {
    CAPTURE(bad);
    REQUIRE_FALSE(LexBound::parse(bad).has_value());
  }
  auto range = [](std::string_view lo, std::string_view hi) {
    return LexRange{*LexBound::parse(lo), *LexBound::parse(hi)};
  };
  REQUIRE(range("+", "+").empty());
  REQUIRE(range("-", "-").empty());
  REQUIRE(range("[b", "[a").empty());
  REQUIRE(range("(a", "[a").empty());
  REQUIRE(range("[a", "(a").empty());
  REQUIRE_FALSE(range("[a", "[a").empty());
  REQUIRE_FALSE(range("-", "+").empty());
  REQUIRE_FALSE(range("-", "(a").empty());
  // The lookups agree with the bounds on a list of the members they mention.
  SkipList list(4);
  for (const char* m : {"a", "b", "c"}) list.insert(0, m);
  REQUIRE(list.first_in_lex_range(range("(a", "+"))->member() == "b");
  REQUIRE(list.last_in_lex_range(range("-", "(c"))->member() == "b");
  REQUIRE(list.first_in_lex_range(range("(c", "+")) == nullptr);
  REQUIRE(list.last_in_lex_range(range("-", "(a")) == nullptr);
}
