// Sorted-set range commands: ZRANGE (rank, BYSCORE, BYLEX, REV, LIMIT), ZRANGESTORE, the older
// ZREVRANGE / Z[REV]RANGEBY{SCORE,LEX} spellings, ZCOUNT, ZLEXCOUNT and ZREMRANGEBY{RANK,SCORE,
// LEX}. All of the ZRANGE spellings share one parser, so options, their order of checks and the
// error texts are the same for every spelling, as in Redis 7.0: options first, then the range
// arguments, then the key's type.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string_view>

#include "cardinal/cmd/families.h"
#include "cardinal/engine/zset_value.h"
#include "helpers.h"
#include "zset_ops.h"

namespace cardinal::cmd {

namespace {

using engine::ZSetValue;

enum class RangeBy : uint8_t { Auto, Rank, Score, Lex };
enum class Direction : uint8_t { Auto, Forward, Reverse };

// What a spelling fixes in advance; Auto leaves it to the options (only ZRANGE/ZRANGESTORE).
struct Spelling {
  RangeBy by;
  Direction direction;
  bool store;
};

// Rank bounds as Redis reads them (negative counts from the end), clamped to the set; false
// when the range holds nothing.
bool resolve_ranks(int64_t start, int64_t end, uint64_t size, uint64_t& first, uint64_t& last) {
  auto n = static_cast<int64_t>(size);
  if (start < 0) start += n;
  if (end < 0) end += n;
  if (start < 0) start = 0;
  if (start > end || start >= n) return false;
  if (end >= n) end = n - 1;
  first = static_cast<uint64_t>(start);
  last = static_cast<uint64_t>(end);
  return true;
}

// How many of `total` matching entries LIMIT offset count leaves (a negative offset leaves none,
// a negative count means all the rest).
uint64_t limited(uint64_t total, int64_t offset, int64_t count) {
  if (offset < 0 || static_cast<uint64_t>(offset) >= total) return 0;
  uint64_t rest = total - static_cast<uint64_t>(offset);
  return count < 0 ? rest : std::min(rest, static_cast<uint64_t>(count));
}

// Where the entries of a range go: the reply, or (ZRANGESTORE) a new set stored under `dst`.
class RangeOutput {
 public:
  RangeOutput(CommandContext& ctx, bool store, std::string_view dst, bool withscores)
      : ctx_(ctx), store_(store), dst_(dst), withscores_(withscores) {}

  // `n` entries follow. `size_hint` picks the new set's first encoding as Redis 7.0 does: the
  // exact count for a rank range, 0 (a listpack that converts as it grows) for score and lex
  // ranges. That is visible: a listpack stores -0 as 0, so entries that passed through one
  // before the conversion read back as 0 while later ones stay -0.
  void begin(uint64_t n, uint64_t size_hint) {
    if (store_) {
      limits_ = zset_limits(ctx_);
      result_ = ZSetValue::create(static_cast<size_t>(size_hint), 0, limits_);
    } else {
      reply_entries_header(ctx_, static_cast<size_t>(n), withscores_);
    }
  }
  bool emit(std::string_view member, double score) {
    if (store_) {
      result_->add(score, member, {}, limits_);
    } else {
      reply_entry(ctx_, member, score, withscores_);
    }
    return true;
  }
  // Only the store form has anything left to do: replace (or delete) the destination.
  void finish() {
    if (!store_) return;
    auto size = static_cast<int64_t>(result_->size());
    store_zset(ctx_, dst_, std::move(result_), "zrangestore");
    ctx_.reply.integer(size);
  }
  void empty() {
    begin(0, 0);
    finish();
  }

 private:
  CommandContext& ctx_;
  bool store_;
  std::string_view dst_;
  bool withscores_;
  engine::ZSetLimits limits_;
  std::unique_ptr<ZSetValue> result_;
};

void zrange_generic(CommandContext& ctx, Spelling spelling) {
  const size_t key_at = spelling.store ? 2 : 1;
  RangeBy by = spelling.by;
  Direction direction = spelling.direction;
  bool withscores = false;
  int64_t offset = 0;
  int64_t count = -1;  // -1 is also what "no LIMIT" looks like, so LIMIT x -1 is allowed by rank
  for (size_t i = key_at + 3; i < ctx.argc(); ++i) {
    std::string_view a = ctx.arg(i);
    size_t left = ctx.argc() - i - 1;
    if (!spelling.store && CommandContext::is(a, "WITHSCORES")) {
      withscores = true;
    } else if (CommandContext::is(a, "LIMIT") && left >= 2) {
      if (!ctx.parse_int(ctx.arg(i + 1), offset) || !ctx.parse_int(ctx.arg(i + 2), count)) return;
      i += 2;
    } else if (direction == Direction::Auto && CommandContext::is(a, "REV")) {
      direction = Direction::Reverse;
    } else if (by == RangeBy::Auto && CommandContext::is(a, "BYLEX")) {
      by = RangeBy::Lex;
    } else if (by == RangeBy::Auto && CommandContext::is(a, "BYSCORE")) {
      by = RangeBy::Score;
    } else {
      return ctx.error(Errc::Syntax);
    }
  }
  if (by == RangeBy::Auto) by = RangeBy::Rank;
  const bool reverse = direction == Direction::Reverse;
  if (count != -1 && by == RangeBy::Rank) return ctx.error(Errc::ZRangeLimitNeedsBy);
  if (withscores && by == RangeBy::Lex) return ctx.error(Errc::ZRangeWithScoresByLex);

  // Reversed score and lex ranges name the maximum first.
  std::string_view lo = ctx.arg(key_at + 1), hi = ctx.arg(key_at + 2);
  if (reverse && by != RangeBy::Rank) std::swap(lo, hi);
  int64_t start = 0, end = 0;
  ds::ScoreRange scores;
  ds::LexRange lex;
  switch (by) {
    case RangeBy::Rank:
      if (!ctx.parse_int(lo, start) || !ctx.parse_int(hi, end)) return;
      break;
    case RangeBy::Score:
      if (!parse_score_range(ctx, lo, hi, scores)) return;
      break;
    case RangeBy::Lex:
      if (!parse_lex_range(ctx, lo, hi, lex)) return;
      break;
    case RangeBy::Auto:
      break;
  }

  std::string_view key = ctx.arg(key_at);
  const ZSetValue* z = spelling.store ? write_zset(ctx, key) : read_zset(ctx, key);
  if (ctx.failed) return;
  RangeOutput out(ctx, spelling.store, spelling.store ? ctx.arg(1) : std::string_view{},
                  withscores);
  if (!z) return out.empty();
  auto emit = [&](std::string_view m, double s) { return out.emit(m, s); };
  const uint64_t limit = count < 0 ? ZSetValue::kNoLimit : static_cast<uint64_t>(count);
  uint64_t n = 0;
  switch (by) {
    case RangeBy::Rank: {
      uint64_t first = 0, last = 0;
      if (!resolve_ranks(start, end, z->size(), first, last)) return out.empty();
      out.begin(last - first + 1, last - first + 1);
      z->visit_rank_range(first, last, reverse, emit);
      break;
    }
    case RangeBy::Score:
      n = limited(z->count_in_score_range(scores), offset, count);
      out.begin(n, 0);
      if (n > 0) z->visit_score_range(scores, reverse, static_cast<uint64_t>(offset), limit, emit);
      break;
    case RangeBy::Lex:
      n = limited(z->count_in_lex_range(lex), offset, count);
      out.begin(n, 0);
      if (n > 0) z->visit_lex_range(lex, reverse, static_cast<uint64_t>(offset), limit, emit);
      break;
    case RangeBy::Auto:
      break;
  }
  out.finish();
}

void zrange(CommandContext& ctx) {
  zrange_generic(ctx, {RangeBy::Auto, Direction::Auto, false});
}
void zrangestore(CommandContext& ctx) {
  zrange_generic(ctx, {RangeBy::Auto, Direction::Auto, true});
}
void zrevrange(CommandContext& ctx) {
  zrange_generic(ctx, {RangeBy::Rank, Direction::Reverse, false});
}
void zrangebyscore(CommandContext& ctx) {
  zrange_generic(ctx, {RangeBy::Score, Direction::Forward, false});
}
void zrevrangebyscore(CommandContext& ctx) {
  zrange_generic(ctx, {RangeBy::Score, Direction::Reverse, false});
}
void zrangebylex(CommandContext& ctx) {
  zrange_generic(ctx, {RangeBy::Lex, Direction::Forward, false});
}
void zrevrangebylex(CommandContext& ctx) {
  zrange_generic(ctx, {RangeBy::Lex, Direction::Reverse, false});
}

void zcount(CommandContext& ctx) {
  ds::ScoreRange range;
  if (!parse_score_range(ctx, ctx.arg(2), ctx.arg(3), range)) return;
  const ZSetValue* z = read_zset(ctx, ctx.arg(1));
  if (ctx.failed) return;
  ctx.reply.integer(z ? static_cast<int64_t>(z->count_in_score_range(range)) : 0);
}

void zlexcount(CommandContext& ctx) {
  ds::LexRange range;
  if (!parse_lex_range(ctx, ctx.arg(2), ctx.arg(3), range)) return;
  const ZSetValue* z = read_zset(ctx, ctx.arg(1));
  if (ctx.failed) return;
  ctx.reply.integer(z ? static_cast<int64_t>(z->count_in_lex_range(range)) : 0);
}

// ZREMRANGEBY*: `remove` runs on an existing set and returns how many entries it removed; a set
// left empty is deleted.
template <typename Remove>
void remove_range(CommandContext& ctx, std::string_view event, Remove&& remove) {
  std::string_view key = ctx.arg(1);
  ZSetValue* z = write_zset(ctx, key);
  if (ctx.failed) return;
  if (!z) return ctx.reply.integer(0);
  uint64_t removed = remove(*z);
  if (removed > 0) zset_entries_removed(ctx, key, *z, event);
  ctx.reply.integer(static_cast<int64_t>(removed));
}

void zremrangebyrank(CommandContext& ctx) {
  int64_t start, end;
  if (!ctx.parse_int(ctx.arg(2), start) || !ctx.parse_int(ctx.arg(3), end)) return;
  remove_range(ctx, "zremrangebyrank", [&](ZSetValue& z) -> uint64_t {
    uint64_t first = 0, last = 0;
    if (!resolve_ranks(start, end, z.size(), first, last)) return 0;
    return z.remove_rank_range(first, last);
  });
}

void zremrangebyscore(CommandContext& ctx) {
  ds::ScoreRange range;
  if (!parse_score_range(ctx, ctx.arg(2), ctx.arg(3), range)) return;
  remove_range(ctx, "zremrangebyscore", [&](ZSetValue& z) { return z.remove_score_range(range); });
}

void zremrangebylex(CommandContext& ctx) {
  ds::LexRange range;
  if (!parse_lex_range(ctx, ctx.arg(2), ctx.arg(3), range)) return;
  remove_range(ctx, "zremrangebylex", [&](ZSetValue& z) { return z.remove_lex_range(range); });
}

constexpr std::string_view kRangeComplexity =
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
    "elements returned.";
constexpr std::string_view kRangeByComplexity =
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
    "elements being returned. If M is constant (e.g. always asking for the first 10 elements "
    "with LIMIT), you can consider it O(log(N)).";
constexpr std::string_view kRemoveComplexity =
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
    "elements removed by the operation.";
constexpr std::string_view kCountComplexity =
    "O(log(N)) with N being the number of elements in the sorted set.";

constexpr CommandSpec kZSetRangeCommands[] = {
    {.name = "zrange",
     .arity = -4,
     .flags = kReadonly,
     .keys = {1, 1, 1},
     .group = Group::SortedSet,
     .since = "1.2.0",
     .summary = "Return a range of members in a sorted set",
     .complexity = kRangeComplexity,
     .syntax = "key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]",
     .handler = zrange},
    {.name = "zrangestore",
     .arity = -5,
     .flags = kWrite | kDenyOom,
     .keys = {1, 2, 1},
     .group = Group::SortedSet,
     .since = "6.2.0",
     .summary = "Store a range of members from sorted set into another key",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the "
                   "number of elements stored into the destination key.",
     .syntax = "dst src min max [BYSCORE | BYLEX] [REV] [LIMIT offset count]",
     .handler = zrangestore},
    {.name = "zrevrange",
     .arity = -4,
     .flags = kReadonly,
     .keys = {1, 1, 1},
     .group = Group::SortedSet,
     .since = "1.2.0",
     .summary = "Return a range of members in a sorted set, by index, with scores ordered from "
                "high to low",
     .complexity = kRangeComplexity,
     .syntax = "key start stop [WITHSCORES]",
     .handler = zrevrange},
    {.name = "zrangebyscore",
     .arity = -4,
     .flags = kReadonly,
     .keys = {1, 1, 1},
     .group = Group::SortedSet,
     .since = "1.0.5",
     .summary = "Return a range of members in a sorted set, by score",
     .complexity = kRangeByComplexity,
     .syntax = "key min max [WITHSCORES] [LIMIT offset count]",
     .handler = zrangebyscore},
    {.name = "zrevrangebyscore",
     .arity = -4,
     .flags = kReadonly,
     .keys = {1, 1, 1},
     .group = Group::SortedSet,
     .since = "2.2.0",
     .summary = "Return a range of members in a sorted set, by score, with scores ordered from "
                "high to low",
     .complexity = kRangeByComplexity,
     .syntax = "key max min [WITHSCORES] [LIMIT offset count]",
     .handler = zrevrangebyscore},
    {.name = "zrangebylex",
     .arity = -4,
     .flags = kReadonly,
     .keys = {1, 1, 1},
     .group = Group::SortedSet,
     .since = "2.8.9",
     .summary = "Return a range of members in a sorted set, by lexicographical range",
     .complexity = kRangeByComplexity,
     .syntax = "key min max [LIMIT offset count]",
     .handler = zrangebylex},
    {.name = "zrevrangebylex",
     .arity = -4,
     .flags = kReadonly,
     .keys = {1, 1, 1},
     .group = Group::SortedSet,
     .since = "2.8.9",
     .summary = "Return a range of members in a sorted set, by lexicographical range, ordered "
                "from higher to lower strings.",
     .complexity = kRangeByComplexity,
     .syntax = "key max min [LIMIT offset count]",
     .handler = zrevrangebylex},
    {.name = "zcount",
     .arity = 4,
     .flags = kReadonly | kFast,
     .keys = {1, 1, 1},
     .group = Group::SortedSet,
     .since = "2.0.0",
     .summary = "Count the members in a sorted set with scores within the given values",
     .complexity = kCountComplexity,
     .syntax = "key min max",
     .handler = zcount},
    {.name = "zlexcount",
     .arity = 4,
     .flags = kReadonly | kFast,
     .keys = {1, 1, 1},
     .group = Group::SortedSet,
     .since = "2.8.9",
     .summary = "Count the number of members in a sorted set between a given lexicographical "
                "range",
     .complexity = kCountComplexity,
     .syntax = "key min max",
     .handler = zlexcount},
    {.name = "zremrangebyrank",
     .arity = 4,
     .flags = kWrite,
     .keys = {1, 1, 1},
     .group = Group::SortedSet,
     .since = "2.0.0",
     .summary = "Remove all members in a sorted set within the given indexes",
     .complexity = kRemoveComplexity,
     .syntax = "key start stop",
     .handler = zremrangebyrank},
    {.name = "zremrangebyscore",
     .arity = 4,
     .flags = kWrite,
     .keys = {1, 1, 1},
     .group = Group::SortedSet,
     .since = "1.2.0",
     .summary = "Remove all members in a sorted set within the given scores",
     .complexity = kRemoveComplexity,
     .syntax = "key min max",
     .handler = zremrangebyscore},
    {.name = "zremrangebylex",
     .arity = 4,
     .flags = kWrite,
     .keys = {1, 1, 1},
     .group = Group::SortedSet,
     .since = "2.8.9",
     .summary = "Remove all members in a sorted set between the given lexicographical range",
     .complexity = kRemoveComplexity,
     .syntax = "key min max",
     .handler = zremrangebylex},
};

}  // namespace

std::span<const CommandSpec> zset_range_commands() {
  return kZSetRangeCommands;
}

}  // namespace cardinal::cmd
