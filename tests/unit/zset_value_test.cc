// engine::ZSetValue against a model written here from Redis 7.0's observed behaviour: a
// std::map member -> score plus a std::set of (score, member) in zset order, and the model's own
// idea of the encoding. Seeded random operations of every kind run in batches with small limits
// so that conversions happen often; after each batch the whole content (scores compared with
// their sign), the encoding and check_invariants() are verified. ZADD's rules as modelled:
//   existing member: NX refuses; INCR adds (NaN result: refused, nothing changes); GT/LT refuse
//   unless the new score is strictly greater/less; an equal score (-0 == 0) changes nothing;
//   missing member: XX refuses; otherwise added (GT/LT do not stop an addition).
//   A listpack converts before adding a new member when the count would pass
//   max_listpack_entries or the member is longer than max_listpack_value, and stores -0 as 0
//   (redis 7.0.15: ZADD k -0 a; ZSCORE k a -> "0" as a listpack, "-0" as a skiplist).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cardinal/engine/value.h"
#include "cardinal/engine/zset_value.h"
#include "zset_order_oracle.h"

using cardinal::ds::LexBound;
using cardinal::ds::LexRange;
using cardinal::ds::ScoreRange;
using cardinal::engine::Value;
using cardinal::engine::ValueType;
using cardinal::engine::ZAddFlags;
using cardinal::engine::ZAddResult;
using cardinal::engine::ZSetLimits;
using cardinal::engine::ZSetValue;
using Enc = ZSetValue::Encoding;

// REQUIRE only on failure: Catch2's per-assertion bookkeeping would otherwise dominate the
// random runs. `cond` must have no side effects.
#define FAST_REQUIRE(cond)        \
  do {                            \
    if (!(cond)) REQUIRE((cond)); \
  } while (0)

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr uint64_t kNoLimit = ZSetValue::kNoLimit;

using zset_oracle::bytes_cmp;
using Entry = zset_oracle::ScoreMember;
using EntryLess = zset_oracle::ScoreMemberLess;

bool same_double(double a, double b) {
  return (a == b && std::signbit(a) == std::signbit(b)) || (std::isnan(a) && std::isnan(b));
}

struct Outcome {
  ZAddResult result;
  double score;
};

// The model: contents, encoding, and the rules above.
struct Model {
  bool skiplist = false;
  std::map<std::string, double> scores;
  std::set<Entry, EntryLess> order;

  size_t size() const { return scores.size(); }
  void put(const std::string& m, double s) {
    if (!skiplist && s == 0) s = 0.0;
    auto it = scores.find(m);
    if (it != scores.end()) order.erase({it->second, m});
    scores[m] = s;
    order.insert({s, m});
  }
  void erase(const std::string& m) {
    auto it = scores.find(m);
    order.erase({it->second, m});
    scores.erase(it);
  }
  std::vector<Entry> entries() const { return {order.begin(), order.end()}; }

  Outcome add(double score, const std::string& m, ZAddFlags f, const ZSetLimits& lim) {
    auto it = scores.find(m);
    if (it != scores.end()) {
      double cur = it->second;
      if (f.nx) return {ZAddResult::Skipped, cur};
      double want = f.incr ? cur + score : score;
      if (std::isnan(want)) return {ZAddResult::NotANumber, cur};
      if ((f.gt && !(want > cur)) || (f.lt && !(want < cur))) return {ZAddResult::Skipped, cur};
      if (want == cur) return {ZAddResult::Unchanged, cur};
      put(m, want);
      return {ZAddResult::Updated, scores[m]};
    }
    if (f.xx) return {ZAddResult::Skipped, 0};
    if (!skiplist && (size() + 1 > lim.max_listpack_entries || m.size() > lim.max_listpack_value))
      skiplist = true;
    put(m, score);
    return {ZAddResult::Added, scores[m]};
  }

  void maybe_to_listpack(const ZSetLimits& lim) {
    if (!skiplist || size() > lim.max_listpack_entries) return;
    for (auto& [m, s] : scores)
      if (m.size() > lim.max_listpack_value) return;
    skiplist = false;
    auto copy = scores;
    scores.clear();
    order.clear();
    for (auto& [m, s] : copy) put(m, s);
  }
};

std::vector<Entry> contents(const ZSetValue& z) {
  std::vector<Entry> out;
  z.for_each([&](std::string_view m, double s) {
    out.emplace_back(s, std::string(m));
    return true;
  });
  return out;
}

bool same_entries(const std::vector<Entry>& a, const std::vector<Entry>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].second != b[i].second || !same_double(a[i].first, b[i].first)) return false;
  return true;
}

void check_same(const ZSetValue& z, const Model& model) {
  z.check_invariants();
  REQUIRE(z.size() == model.size());
  REQUIRE((z.encoding() == Enc::SkipList) == model.skiplist);
  REQUIRE(same_entries(contents(z), model.entries()));
}

// Members: short strings over an alphabet with NUL and high bytes, so sign and C-string bugs
// show; now and then a long one that passes the small max_listpack_value.
std::string random_member(std::mt19937_64& rng, size_t pool) {
  static constexpr char kAlphabet[] = {'\0', 'a', 'b', 'c', '\x7f', '\x80', '\xff'};
  uint64_t k = rng() % pool;
  std::string m;
  for (uint64_t v = k; v > 0; v /= 7) m.push_back(kAlphabet[v % 7]);
  if (k % 13 == 12) m.append(20, 'z');
  return m;
}

double random_score(std::mt19937_64& rng) {
  static constexpr double kSpecial[] = {
      -kInf, kInf, -0.0, 0.0, 1e300, -1e300, 0.5, -2.25, 9007199254740993.0, 1e17};
  uint64_t r = rng() % 100;
  if (r < 20) return kSpecial[rng() % std::size(kSpecial)];
  if (r < 80) return static_cast<double>(static_cast<int64_t>(rng() % 9) - 4);
  return std::uniform_real_distribution<double>(-100, 100)(rng);
}

ZAddFlags random_flags(std::mt19937_64& rng) {
  // Every combination ZADD accepts: NX and XX exclusive, GT/LT exclusive and not with NX.
  ZAddFlags f;
  switch (rng() % 6) {
    case 0:
      f.nx = true;
      break;
    case 1:
      f.xx = true;
      break;
    default:
      break;
  }
  if (!f.nx) {
    uint64_t g = rng() % 4;
    f.gt = g == 1;
    f.lt = g == 2;
  }
  f.incr = rng() % 4 == 0;
  return f;
}

ScoreRange random_score_range(std::mt19937_64& rng) {
  ScoreRange r;
  r.min = random_score(rng);
  r.max = rng() % 3 == 0 ? random_score(rng) : r.min + static_cast<double>(rng() % 4);
  if (rng() % 8 == 0) r.min = -kInf;
  if (rng() % 8 == 0) r.max = kInf;
  r.min_exclusive = rng() % 2 == 0;
  r.max_exclusive = rng() % 2 == 0;
  return r;
}

bool in_score_range(double s, const ScoreRange& r) {
  return (r.min_exclusive ? s > r.min : s >= r.min) && (r.max_exclusive ? s < r.max : s <= r.max);
}

// Keeps the bound strings alive for the LexRange views.
struct LexStore {
  std::string lo, hi;
  LexRange range;
};

void random_lex_range(std::mt19937_64& rng, LexStore& st, size_t pool) {
  auto bound = [&](std::string& text) {
    switch (rng() % 6) {
      case 0:
        return LexBound{LexBound::Kind::kNegInf, {}};
      case 1:
        return LexBound{LexBound::Kind::kPosInf, {}};
      default:
        text = random_member(rng, pool);
        return LexBound{rng() % 2 ? LexBound::Kind::kInclusive : LexBound::Kind::kExclusive, text};
    }
  };
  st.range.min = bound(st.lo);
  st.range.max = bound(st.hi);
  if (rng() % 3 == 0) {  // mostly sensible ranges
    st.range.min = {LexBound::Kind::kNegInf, {}};
  }
}

bool lex_min_ok(const std::string& m, const LexBound& b) {
  return zset_oracle::lex_above_min(m, b);
}
bool lex_max_ok(const std::string& m, const LexBound& b) {
  return zset_oracle::lex_below_max(m, b);
}

// offset/limit over an already filtered run, in the chosen direction.
std::vector<Entry> window(std::vector<Entry> run, bool reverse, uint64_t offset, uint64_t limit) {
  if (reverse) std::reverse(run.begin(), run.end());
  std::vector<Entry> out;
  for (uint64_t i = offset; i < run.size() && out.size() < limit; ++i) out.push_back(run[i]);
  return out;
}

struct Collector {
  std::vector<Entry> got;
  bool operator()(std::string_view m, double s) {
    got.emplace_back(s, std::string(m));
    return true;
  }
};

uint64_t random_offset(std::mt19937_64& rng, size_t n) {
  return rng() % 3 == 0 ? 0 : rng() % (n + 3);
}
uint64_t random_limit(std::mt19937_64& rng, size_t n) {
  return rng() % 3 == 0 ? kNoLimit : rng() % (n + 3);
}

// Scan to cursor 0 without changes in between: every member exactly once.
void check_scan(const ZSetValue& z, const Model& model) {
  std::map<std::string, int> seen;
  uint64_t cursor = 0;
  size_t calls = 0;
  do {
    cursor = z.scan(cursor, [&](std::string_view m, double s) {
      ++seen[std::string(m)];
      auto it = model.scores.find(std::string(m));
      FAST_REQUIRE(it != model.scores.end());
      FAST_REQUIRE(same_double(it->second, s));
      return true;
    });
    FAST_REQUIRE(++calls < 1000000);
  } while (cursor != 0);
  REQUIRE(seen.size() == model.size());
  for (auto& [m, c] : seen) FAST_REQUIRE(c == 1);
}

// One random operation of any kind, checked against the model where it answers something.
void random_op(ZSetValue& z, Model& model, std::mt19937_64& rng, const ZSetLimits& lim, size_t pool,
               bool lex_mode) {
  const size_t n = model.size();
  switch (rng() % 20) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4:
    case 5: {
      std::string m = random_member(rng, pool);
      ZAddFlags f = lex_mode ? ZAddFlags{} : random_flags(rng);
      double s = lex_mode ? 1.0 : random_score(rng);
      Outcome want = model.add(s, m, f, lim);
      auto got = z.add(s, m, f, lim);
      FAST_REQUIRE(got.result == want.result);
      if (got.result != ZAddResult::Skipped && got.result != ZAddResult::NotANumber)
        FAST_REQUIRE(same_double(got.score, want.score));
      break;
    }
    case 6: {
      std::string m = random_member(rng, pool);
      bool had = model.scores.count(m) > 0;
      if (had) model.erase(m);
      FAST_REQUIRE(z.remove(m) == had);
      break;
    }
    case 7: {
      std::string m = random_member(rng, pool);
      auto it = model.scores.find(m);
      auto s = z.score(m);
      FAST_REQUIRE(s.has_value() == (it != model.scores.end()));
      if (s) FAST_REQUIRE(same_double(*s, it->second));
      bool reverse = rng() % 2 == 0;
      auto r = z.rank(m, reverse);
      FAST_REQUIRE(r.has_value() == s.has_value());
      if (r) {
        uint64_t asc = static_cast<uint64_t>(
            std::distance(model.order.begin(), model.order.find({it->second, m})));
        FAST_REQUIRE(r->rank == (reverse ? n - 1 - asc : asc));
        FAST_REQUIRE(same_double(r->score, it->second));
      }
      break;
    }
    case 8: {
      if (n == 0) break;
      auto entries = model.entries();
      uint64_t r = rng() % n;
      auto [m, s] = z.at_rank(r);
      FAST_REQUIRE(m == entries[r].second && same_double(s, entries[r].first));
      auto [rm, rs] = z.random_entry(rng);
      auto it = model.scores.find(std::string(rm));
      FAST_REQUIRE(it != model.scores.end() && same_double(it->second, rs));
      break;
    }
    case 9: {
      if (n == 0) break;
      uint64_t a = rng() % n, b = rng() % n;
      if (a > b) std::swap(a, b);
      bool reverse = rng() % 2 == 0;
      Collector c;
      z.visit_rank_range(a, b, reverse, std::ref(c));
      auto all = model.entries();
      if (reverse) std::reverse(all.begin(), all.end());
      std::vector<Entry> want(all.begin() + static_cast<ptrdiff_t>(a),
                              all.begin() + static_cast<ptrdiff_t>(b + 1));
      FAST_REQUIRE(same_entries(c.got, want));
      break;
    }
    case 10:
    case 11: {
      if (lex_mode) {
        LexStore st;
        random_lex_range(rng, st, pool);
        std::vector<Entry> run;
        for (auto& e : model.order)
          if (lex_min_ok(e.second, st.range.min) && lex_max_ok(e.second, st.range.max))
            run.push_back(e);
        bool reverse = rng() % 2 == 0;
        uint64_t offset = random_offset(rng, n), limit = random_limit(rng, n);
        Collector c;
        z.visit_lex_range(st.range, reverse, offset, limit, std::ref(c));
        FAST_REQUIRE(same_entries(c.got, window(run, reverse, offset, limit)));
        FAST_REQUIRE(z.count_in_lex_range(st.range) == run.size());
      } else {
        ScoreRange range = random_score_range(rng);
        std::vector<Entry> run;
        for (auto& e : model.order)
          if (in_score_range(e.first, range)) run.push_back(e);
        bool reverse = rng() % 2 == 0;
        uint64_t offset = random_offset(rng, n), limit = random_limit(rng, n);
        Collector c;
        z.visit_score_range(range, reverse, offset, limit, std::ref(c));
        FAST_REQUIRE(same_entries(c.got, window(run, reverse, offset, limit)));
        FAST_REQUIRE(z.count_in_score_range(range) == run.size());
      }
      break;
    }
    case 12: {
      if (rng() % 4 != 0) break;  // range removals empty the set quickly
      if (lex_mode) {
        LexStore st;
        random_lex_range(rng, st, pool);
        std::vector<std::string> doomed;
        for (auto& e : model.order)
          if (lex_min_ok(e.second, st.range.min) && lex_max_ok(e.second, st.range.max))
            doomed.push_back(e.second);
        for (auto& m : doomed) model.erase(m);
        FAST_REQUIRE(z.remove_lex_range(st.range) == doomed.size());
      } else if (rng() % 2 == 0) {
        ScoreRange range = random_score_range(rng);
        std::vector<std::string> doomed;
        for (auto& e : model.order)
          if (in_score_range(e.first, range)) doomed.push_back(e.second);
        for (auto& m : doomed) model.erase(m);
        FAST_REQUIRE(z.remove_score_range(range) == doomed.size());
      } else {
        if (n == 0) break;
        uint64_t a = rng() % n, b = a + rng() % 4;  // b may pass the end
        auto all = model.entries();
        uint64_t removed = 0;
        for (uint64_t i = a; i <= b && i < n; ++i, ++removed) model.erase(all[i].second);
        FAST_REQUIRE(z.remove_rank_range(a, b) == removed);
      }
      break;
    }
    case 13: {
      bool from_max = rng() % 2 == 0;
      uint64_t count = rng() % 5;
      uint64_t stop_after = rng() % 3 == 0 ? 1 + rng() % 3 : kNoLimit;  // fn returns false
      auto all = model.entries();
      if (from_max) std::reverse(all.begin(), all.end());
      uint64_t expect = std::min<uint64_t>({count, n, stop_after});
      Collector c;
      uint64_t popped = z.pop(from_max, count, [&](std::string_view m, double s) {
        c(m, s);
        return c.got.size() < stop_after;
      });
      FAST_REQUIRE(popped == expect);
      all.resize(expect);
      FAST_REQUIRE(same_entries(c.got, all));
      for (auto& e : all) model.erase(e.second);
      break;
    }
    case 14: {
      if (rng() % 4 != 0) break;
      ZSetLimits to{rng() % 10, rng() % 12};
      model.maybe_to_listpack(to);
      z.convert_to_listpack_if_fits(to);
      break;
    }
    case 15: {
      if (rng() % 4 != 0) break;
      auto copy = z.clone();
      copy->check_invariants();
      REQUIRE(copy->encoding() == z.encoding());
      REQUIRE(same_entries(contents(*copy), contents(z)));
      // Levels are drawn anew and a copied buffer is sized exactly, so only bounds hold.
      if (n > 0) REQUIRE(copy->memory_bytes() > 0);
      if (z.encoding() == Enc::ListPack) REQUIRE(copy->memory_bytes() <= z.memory_bytes());
      if (n > 0) copy->remove(std::string(copy->at_rank(0).first));  // independent
      REQUIRE(z.size() == n);
      break;
    }
    case 16:
      if (rng() % 4 == 0) check_scan(z, model);
      break;
    default: {  // plain adds keep the set from draining
      std::string m = random_member(rng, pool);
      double s = lex_mode ? 1.0 : random_score(rng);
      model.add(s, m, {}, lim);
      z.add(s, m, {}, lim);
      break;
    }
  }
}

void run_random(uint64_t seed, bool lex_mode) {
  std::mt19937_64 rng(seed);
  // Every fifth seed keeps large listpacks (past the 32-entry chunks of reverse walks).
  const bool big = seed % 5 == 0;
  ZSetLimits lim =
      big ? ZSetLimits{60 + rng() % 200, 30} : ZSetLimits{1 + rng() % 12, 1 + rng() % 10};
  const size_t pool = big ? 150 + rng() % 200 : 8 + rng() % 120;
  auto z = ZSetValue::create(1, 0, lim);
  Model model;
  for (int batch = 0; batch < 60; ++batch) {
    if (!big && rng() % 10 == 0) lim = ZSetLimits{rng() % 14, rng() % 12};
    for (int i = 0; i < 40; ++i) random_op(*z, model, rng, lim, pool, lex_mode);
    check_same(*z, model);
  }
}

}  // namespace

TEST_CASE("ZSetValue follows the model under random operations", "[zset_value]") {
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    CAPTURE(seed);
    run_random(seed, false);
  }
}

TEST_CASE("ZSetValue lex operations with equal scores", "[zset_value]") {
  for (uint64_t seed = 100; seed <= 140; ++seed) {
    CAPTURE(seed);
    run_random(seed, true);
  }
}

TEST_CASE("ZSetValue::create picks the encoding from the hints", "[zset_value]") {
  ZSetLimits lim{4, 8};
  CHECK(ZSetValue::create(1, 8, lim)->encoding() == Enc::ListPack);
  CHECK(ZSetValue::create(4, 0, lim)->encoding() == Enc::ListPack);
  CHECK(ZSetValue::create(5, 0, lim)->encoding() == Enc::SkipList);
  CHECK(ZSetValue::create(1, 9, lim)->encoding() == Enc::SkipList);
  CHECK(ZSetValue::create(0, 0, ZSetLimits{0, 8})->encoding() == Enc::SkipList);
  CHECK(ZSetValue::create(1, 0, ZSetLimits{0, 8})->encoding() == Enc::SkipList);
  auto z = ZSetValue::create(1, 1, lim);
  CHECK(z->size() == 0);
  z->check_invariants();
}

TEST_CASE("ZADD rules match redis 7.0 on the cases asked of it", "[zset_value]") {
  ZSetLimits lim;
  for (bool skip : {false, true}) {
    CAPTURE(skip);
    auto z = ZSetValue::create(skip ? 1000 : 1, 0, lim);
    REQUIRE((z->encoding() == Enc::SkipList) == skip);
    // ZADD k 0 a; ZADD k -0 a -> 0 (no update), the stored zero keeps its sign.
    CHECK(z->add(0.0, "a", {}, lim).result == ZAddResult::Added);
    CHECK(z->add(-0.0, "a", {}, lim).result == ZAddResult::Unchanged);
    CHECK(!std::signbit(*z->score("a")));
    // ZADD k2 -0 b: a listpack answers "0", a skiplist "-0".
    CHECK(z->add(-0.0, "b", {}, lim).result == ZAddResult::Added);
    CHECK(std::signbit(*z->score("b")) == skip);
    CHECK(z->add(0.0, "b", {}, lim).result == ZAddResult::Unchanged);
    CHECK(std::signbit(*z->score("b")) == skip);
    // INCR by 0 returns the score unchanged.
    auto o = z->add(0.0, "b", ZAddFlags{.incr = true}, lim);
    CHECK(o.result == ZAddResult::Unchanged);
    // inf + -inf is NaN: refused with nothing changed, also under GT or XX, but NX refuses first.
    CHECK(z->add(kInf, "n", {}, lim).result == ZAddResult::Added);
    CHECK(z->add(-kInf, "n", ZAddFlags{.incr = true}, lim).result == ZAddResult::NotANumber);
    CHECK(z->add(-kInf, "n", ZAddFlags{.gt = true, .incr = true}, lim).result ==
          ZAddResult::NotANumber);
    CHECK(z->add(-kInf, "n", ZAddFlags{.xx = true, .incr = true}, lim).result ==
          ZAddResult::NotANumber);
    CHECK(z->add(-kInf, "n", ZAddFlags{.nx = true, .incr = true}, lim).result ==
          ZAddResult::Skipped);
    CHECK(*z->score("n") == kInf);
    o = z->add(-kInf, "zz", ZAddFlags{.nx = true, .incr = true}, lim);
    CHECK((o.result == ZAddResult::Added && o.score == -kInf));
    // GT/LT INCR 0 refuse (5 is not greater than 5); GT refuses a lower score; a new member is
    // added under GT/LT, but not with XX.
    CHECK(z->add(5, "g", {}, lim).result == ZAddResult::Added);
    CHECK(z->add(0, "g", ZAddFlags{.gt = true, .incr = true}, lim).result == ZAddResult::Skipped);
    CHECK(z->add(0, "g", ZAddFlags{.lt = true, .incr = true}, lim).result == ZAddResult::Skipped);
    CHECK(z->add(5, "g", ZAddFlags{.gt = true}, lim).result == ZAddResult::Skipped);
    CHECK(z->add(4, "g", ZAddFlags{.gt = true}, lim).result == ZAddResult::Skipped);
    CHECK(z->add(6, "g", ZAddFlags{.gt = true}, lim).result == ZAddResult::Updated);
    CHECK(z->add(1, "c", ZAddFlags{.xx = true, .lt = true}, lim).result == ZAddResult::Skipped);
    CHECK(z->add(1, "c", ZAddFlags{.lt = true}, lim).result == ZAddResult::Added);
    CHECK(z->add(1, "new", ZAddFlags{.gt = true, .incr = true}, lim).result == ZAddResult::Added);
    z->check_invariants();
  }
}

TEST_CASE("ZSetValue converts like redis 7.0", "[zset_value]") {
  ZSetLimits lim{2, 3};
  // zset-max-listpack-entries 2: the third member converts; removals never convert back.
  auto z = ZSetValue::create(1, 1, lim);
  z->add(1, "a", {}, lim);
  z->add(2, "b", {}, lim);
  CHECK(z->encoding() == Enc::ListPack);
  z->add(3, "a", {}, lim);  // an update does not count
  CHECK(z->encoding() == Enc::ListPack);
  z->add(1, "c", {}, lim);
  CHECK(z->encoding() == Enc::SkipList);
  z->remove("a");
  z->remove("b");
  CHECK(z->encoding() == Enc::SkipList);
  // A member longer than zset-max-listpack-value converts.
  auto e = ZSetValue::create(1, 3, lim);
  e->add(1, "bbb", {}, lim);
  CHECK(e->encoding() == Enc::ListPack);
  e->add(1, "bbbb", {}, lim);
  CHECK(e->encoding() == Enc::SkipList);
  // A listpack -0 stays 0 across a conversion.
  auto m = ZSetValue::create(1, 1, lim);
  m->add(-0.0, "a", {}, lim);
  ZSetLimits one{1, 64};
  m->add(1, "b", {}, one);
  CHECK(m->encoding() == Enc::SkipList);
  CHECK(!std::signbit(*m->score("a")));
  // Back to a listpack only when everything fits; a skiplist -0 becomes 0 there.
  auto s = ZSetValue::create(100, 0, lim);
  s->add(-0.0, "x", {}, lim);
  s->add(2, "yyyy", {}, lim);
  s->convert_to_listpack_if_fits(lim);
  CHECK(s->encoding() == Enc::SkipList);  // "yyyy" is too long
  s->remove("yyyy");
  s->convert_to_listpack_if_fits(ZSetLimits{0, 64});
  CHECK(s->encoding() == Enc::SkipList);  // entries 0
  s->convert_to_listpack_if_fits(lim);
  CHECK(s->encoding() == Enc::ListPack);
  CHECK(!std::signbit(*s->score("x")));
  s->check_invariants();
}

TEST_CASE("ZSetValue keeps working through member index resizes", "[zset_value]") {
  std::mt19937_64 rng(7);
  ZSetLimits lim{8, 64};
  auto z = ZSetValue::create(1, 1, lim);
  Model model;
  auto name = [](uint64_t i) { return "member:" + std::to_string(i); };
  // Grow past several power-of-two sizes; right after each crossing the index is rehashing,
  // and every kind of operation runs in that state.
  uint64_t next = 0;
  for (uint64_t target : {1030u, 2060u, 4100u}) {
    while (model.size() < target) {
      std::string m = name(next++);
      double s = static_cast<double>(rng() % 50);
      model.add(s, m, {}, lim);
      REQUIRE(z->add(s, m, {}, lim).result == ZAddResult::Added);
    }
    for (int i = 0; i < 300; ++i) {
      random_op(*z, model, rng, lim, 3 * next, false);
      if (i % 50 == 0) {
        check_same(*z, model);
        check_scan(*z, model);
      }
    }
    check_same(*z, model);
  }
  // Shrink: removing most members starts a shrinking resize; keep operating through it.
  auto all = model.entries();
  for (size_t i = 0; i < all.size(); ++i) {
    if (i % 16 == 0) continue;
    model.erase(all[i].second);
    REQUIRE(z->remove(all[i].second));
    if (i % 512 == 0) check_same(*z, model);
  }
  for (int i = 0; i < 300; ++i) {
    random_op(*z, model, rng, lim, 3 * next, false);
    if (i % 50 == 0) check_scan(*z, model);
  }
  check_same(*z, model);
}

TEST_CASE("Value holds a sorted set", "[zset_value]") {
  ZSetLimits lim{2, 64};
  auto z = ZSetValue::create(1, 1, lim);
  z->add(1, "a", {}, lim);
  Value v = Value::zset(std::move(z));
  CHECK(v.type() == ValueType::ZSet);
  CHECK(v.encoding() == cardinal::engine::Encoding::ListPack);
  size_t small = v.memory_bytes();
  CHECK(small > sizeof(ZSetValue));
  v.as_zset().add(2, "b", {}, lim);
  v.as_zset().add(3, "c", {}, lim);
  CHECK(v.encoding() == cardinal::engine::Encoding::SkipList);
  CHECK(v.memory_bytes() > small);
  Value copy = v.duplicate();
  CHECK(copy.type() == ValueType::ZSet);
  CHECK(copy.encoding() == cardinal::engine::Encoding::SkipList);
  copy.as_zset().remove("a");
  CHECK(v.as_zset().size() == 3);
  CHECK(copy.as_zset().size() == 2);
  const Value& cv = v;
  CHECK(cv.as_zset().score("c") == 3.0);
  Value moved = std::move(v);
  CHECK(moved.as_zset().size() == 3);
}

TEST_CASE("ZSetValue listpack scores round-trip exactly", "[zset_value]") {
  ZSetLimits lim{1000, 64};
  auto z = ZSetValue::create(1, 1, lim);
  const double scores[] = {0.0,
                           1.0,
                           -1.0,
                           63.0,
                           64.0,
                           -65.0,
                           1e15,
                           -1e15,
                           9007199254740991.0,
                           -9007199254740991.0,
                           9007199254740992.0,
                           1e300,
                           -kInf,
                           kInf,
                           0.1,
                           std::numeric_limits<double>::denorm_min(),
                           4503599627370495.5};
  int i = 0;
  for (double s : scores) z->add(s, "m" + std::to_string(i++), {}, lim);
  i = 0;
  for (double s : scores) CHECK(same_double(*z->score("m" + std::to_string(i++)), s));
  z->check_invariants();
}
