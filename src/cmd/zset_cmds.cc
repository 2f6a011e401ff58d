// Sorted-set commands on one key: adding and scoring, ranks, popping (ZPOPMIN/ZPOPMAX/ZMPOP),
// random members and scanning. Range queries and the multi-key algebra live elsewhere; the
// pieces both use are in zset_ops.h.
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "cardinal/cmd/families.h"
#include "cardinal/util/numbers.h"
#include "helpers.h"
#include "zset_ops.h"

namespace cardinal::cmd {

namespace {

using engine::ZAddFlags;
using engine::ZAddResult;
using engine::ZSetValue;

// ZADD and ZINCRBY: `first` is the index of the first score.
void zadd_generic(CommandContext& ctx, size_t first, ZAddFlags flags, bool ch) {
  size_t elements = ctx.argc() - first;
  if (elements == 0 || elements % 2 != 0) return ctx.error(Errc::Syntax);
  elements /= 2;
  if (flags.nx && flags.xx) return ctx.error(Errc::ZaddXxNx);
  if ((flags.gt && flags.nx) || (flags.lt && flags.nx) || (flags.gt && flags.lt))
    return ctx.error(Errc::ZaddGtLtNx);
  if (flags.incr && elements > 1) return ctx.error(Errc::ZaddIncrPair);
  // Every score is checked before anything changes: the command applies fully or not at all.
  for (size_t j = 0; j < elements; ++j) {
    double ignored;
    if (!parse_score(ctx, ctx.arg(first + 2 * j), ignored)) return;
  }
  std::string_view key = ctx.arg(1);
  ZSetValue* z = write_zset(ctx, key);
  if (ctx.failed) return;
  if (!z) {
    if (flags.xx) return flags.incr ? ctx.reply.null() : ctx.reply.integer(0);
    z = &create_zset(ctx, key, ctx.arg(first + 1));
  }
  engine::ZSetLimits limits = zset_limits(ctx);
  int64_t added = 0, updated = 0;
  double incr_reply = 0;
  bool incr_done = false;
  for (size_t j = 0; j < elements; ++j) {
    double score;
    util::parse_double(ctx.arg(first + 2 * j), score);
    std::string_view member = ctx.arg(first + 2 * j + 1);
    // ZADD INCR replies with the sum it computed, which keeps a -0 the listpack stores as 0.
    std::optional<double> before;
    if (flags.incr) before = z->score(member);
    engine::ZAddOutcome out = z->add(score, member, flags, limits);
    switch (out.result) {
      case ZAddResult::Added:
        ++added;
        break;
      case ZAddResult::Updated:
        ++updated;
        break;
      case ZAddResult::Unchanged:
      case ZAddResult::Skipped:
        break;
      case ZAddResult::NotANumber:
        if (z->size() == 0) ctx.db().remove(key);
        return ctx.error(Errc::ScoreNaN);
    }
    if (flags.incr && out.result != ZAddResult::Skipped) {
      incr_done = true;
      incr_reply = before ? *before + score : score;
    }
  }
  if (z->size() == 0) ctx.db().remove(key);  // a new key whose only member was refused
  if (added + updated > 0) ctx.changed(key, config::kEventZset, flags.incr ? "zincr" : "zadd");
  if (flags.incr) return incr_done ? reply_score(ctx, incr_reply) : ctx.reply.null();
  ctx.reply.integer(ch ? added + updated : added);
}

void zadd(CommandContext& ctx) {
  ZAddFlags flags;
  bool ch = false;
  size_t i = 2;
  for (; i < ctx.argc(); ++i) {
    std::string_view opt = ctx.arg(i);
    if (CommandContext::is(opt, "NX")) {
      flags.nx = true;
    } else if (CommandContext::is(opt, "XX")) {
      flags.xx = true;
    } else if (CommandContext::is(opt, "GT")) {
      flags.gt = true;
    } else if (CommandContext::is(opt, "LT")) {
      flags.lt = true;
    } else if (CommandContext::is(opt, "CH")) {
      ch = true;
    } else if (CommandContext::is(opt, "INCR")) {
      flags.incr = true;
    } else {
      break;
    }
  }
  zadd_generic(ctx, i, flags, ch);
}

void zincrby(CommandContext& ctx) {
  ZAddFlags flags;
  flags.incr = true;
  zadd_generic(ctx, 2, flags, false);
}

void zscore(CommandContext& ctx) {
  ZSetValue* z = read_zset(ctx, ctx.arg(1));
  if (ctx.failed) return;
  std::optional<double> s = z ? z->score(ctx.arg(2)) : std::nullopt;
  s ? reply_score(ctx, *s) : ctx.reply.null();
}

void zmscore(CommandContext& ctx) {
  ZSetValue* z = read_zset(ctx, ctx.arg(1));
  if (ctx.failed) return;
  ctx.reply.array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    std::optional<double> s = z ? z->score(ctx.arg(i)) : std::nullopt;
    s ? reply_score(ctx, *s) : ctx.reply.null();
  }
}

void zcard(CommandContext& ctx) {
  ZSetValue* z = read_zset(ctx, ctx.arg(1));
  if (ctx.failed) return;
  ctx.reply.integer(z ? static_cast<int64_t>(z->size()) : 0);
}

void zrem(CommandContext& ctx) {
  ZSetValue* z = write_zset(ctx, ctx.arg(1));
  if (!z) return ctx.failed ? void() : ctx.reply.integer(0);
  int64_t removed = 0;
  for (size_t i = 2; i < ctx.argc() && z->size() > 0; ++i) removed += z->remove(ctx.arg(i)) ? 1 : 0;
  if (removed > 0) zset_entries_removed(ctx, ctx.arg(1), *z, "zrem");
  ctx.reply.integer(removed);
}

// ZRANK/ZREVRANK key member [WITHSCORE] (the option is Redis 7.2's).
void zrank_generic(CommandContext& ctx, bool reverse) {
  if (ctx.argc() > 4) return reply_wrong_arity(ctx);
  bool withscore = false;
  if (ctx.argc() == 4) {
    if (!CommandContext::is(ctx.arg(3), "WITHSCORE")) return ctx.error(Errc::Syntax);
    withscore = true;
  }
  ZSetValue* z = read_zset(ctx, ctx.arg(1));
  if (ctx.failed) return;
  auto r = z ? z->rank(ctx.arg(2), reverse) : std::nullopt;
  if (!r) return withscore ? ctx.reply.null_array() : ctx.reply.null();
  if (withscore) ctx.reply.array(2);
  ctx.reply.integer(static_cast<int64_t>(r->rank));
  if (withscore) reply_score(ctx, r->score);
}

void zrank(CommandContext& ctx) {
  zrank_generic(ctx, false);
}
void zrevrank(CommandContext& ctx) {
  zrank_generic(ctx, true);
}

void zpop_generic(CommandContext& ctx, bool from_max) {
  if (ctx.argc() > 3) return ctx.error(Errc::Syntax);
  bool has_count = ctx.argc() == 3;
  int64_t count = 1;
  if (has_count && (!util::parse_i64(ctx.arg(2), count) || count < 0))
    return ctx.error(Errc::NotPositive);
  ZSetValue* z = write_zset(ctx, ctx.arg(1));
  if (ctx.failed) return;
  if (!z || count == 0) return ctx.reply.array(0);
  zpop_and_reply(ctx, ctx.arg(1), *z, from_max, static_cast<uint64_t>(count),
                 has_count ? PopShape::Entries : PopShape::Flat);
}

void zpopmin(CommandContext& ctx) {
  zpop_generic(ctx, false);
}
void zpopmax(CommandContext& ctx) {
  zpop_generic(ctx, true);
}

void zmpop(CommandContext& ctx) {
  ZMpopArgs args;
  if (!parse_zmpop_args(ctx, 1, args)) return;
  zmpop_and_reply(ctx, args, true);
}

using Entry = std::pair<std::string, double>;

void zrandmember_count(CommandContext& ctx, int64_t count, bool withscores) {
  ZSetValue* z = read_zset(ctx, ctx.arg(1));
  if (ctx.failed) return;
  if (!z || count == 0) return ctx.reply.array(0);
  std::mt19937_64& rng = ctx.server.rng;
  if (count < 0) {  // repeats allowed
    uint64_t n = static_cast<uint64_t>(-count);
    reply_entries_header(ctx, n, withscores);
    for (uint64_t i = 0; i < n; ++i) {
      auto [member, score] = z->random_entry(rng);
      reply_entry(ctx, member, score, withscores);
    }
    return;
  }
  if (static_cast<uint64_t>(count) >= z->size()) {
    reply_entries_header(ctx, z->size(), withscores);
    z->for_each([&](std::string_view member, double score) {
      reply_entry(ctx, member, score, withscores);
      return true;
    });
    return;
  }
  std::vector<Entry> picked = distinct_sample<Entry>(
      z->size(), static_cast<size_t>(count), rng,
      [&] {
        std::vector<Entry> all;
        all.reserve(z->size());
        z->for_each([&](std::string_view m, double s) {
          all.emplace_back(std::string(m), s);
          return true;
        });
        return all;
      },
      [&] {
        auto [m, s] = z->random_entry(rng);
        return Entry(std::string(m), s);
      },
      [](const Entry& e) { return std::string_view(e.first); });
  reply_entries_header(ctx, picked.size(), withscores);
  for (const Entry& e : picked) reply_entry(ctx, e.first, e.second, withscores);
}

void zrandmember(CommandContext& ctx) {
  if (ctx.argc() == 2) {
    ZSetValue* z = read_zset(ctx, ctx.arg(1));
    if (ctx.failed) return;
    if (!z) return ctx.reply.null();
    return ctx.reply.bulk(z->random_entry(ctx.server.rng).first);
  }
  int64_t count;
  if (!ctx.parse_int(ctx.arg(2), count)) return;
  if (count == INT64_MIN)
    return ctx.error(Errc::OutOfLongRange, "-9223372036854775807", "9223372036854775807");
  if (ctx.argc() > 4 || (ctx.argc() == 4 && !CommandContext::is(ctx.arg(3), "WITHSCORES")))
    return ctx.error(Errc::Syntax);
  bool withscores = ctx.argc() == 4;
  // The flat RESP2 reply holds 2 x count items, which must stay within a long.
  if (withscores && (count < -(INT64_MAX / 2) || count > INT64_MAX / 2))
    return ctx.error(Errc::OutOfRange);
  zrandmember_count(ctx, count, withscores);
}

// ZSCAN writes scores as text in both protocols: a listpack holds integral scores as integers
// (within +-2^62), so Redis shows those without an exponent; everything else is "%.17g".
std::string scan_score(double s, bool listpack) {
  constexpr double kIntLimit = static_cast<double>(INT64_MAX / 2);
  if (listpack && std::trunc(s) == s && s >= -kIntLimit && s <= kIntLimit)
    return util::i64_to_string(static_cast<int64_t>(s));
  return util::format_double(s);
}

void zscan(CommandContext& ctx) {
  uint64_t cursor;
  if (!parse_scan_cursor(ctx, ctx.arg(2), cursor)) return;
  ZSetValue* z = read_zset(ctx, ctx.arg(1));
  if (ctx.failed) return;
  if (!z) return reply_scan(ctx, 0, {});
  ScanOptions opts;
  if (!parse_scan_options(ctx, 3, false, opts)) return;
  bool listpack = z->encoding() == ZSetValue::Encoding::ListPack;
  std::vector<std::string> found;  // member, score, member, score...
  cursor = scan_steps(
      cursor, opts,
      [&](uint64_t c) {
        return z->scan(c, [&](std::string_view m, double s) {
          if (opts.matches(m)) {
            found.emplace_back(m);
            found.push_back(scan_score(s, listpack));
          }
          return true;
        });
      },
      [&] { return found.size() / 2; });
  std::vector<std::string_view> shown(found.begin(), found.end());
  reply_scan(ctx, cursor, shown);
}

constexpr CommandSpec kZSetCommands[] = {
    {.name = "zadd",
     .arity = -4,
     .flags = kWrite | kDenyOom | kFast,
     .keys = {1, 1, 1},
     .group = Group::SortedSet,
     .since = "1.2.0",
     .summary = "Add one or more members to a sorted set, or update its score if it already exists",
     .complexity =
         "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
     .syntax = "key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]",
     .handler = zadd},
    {.name = "zincrby",
     .arity = 4,
     .flags = kWrite | kDenyOom | kFast,
     .keys = {1, 1, 1},
     .group = Group::SortedSet,
     .since = "1.2.0",
     .summary = "Increment the score of a member in a sorted set",
     .complexity = "O(log(N)) where N is the number of elements in the sorted set.",
     .syntax = "key increment member",
     .handler = zincrby},
    {.name = "zscore",
     .arity = 3,
     .flags = kReadonly | kFast,
     .keys = {1, 1, 1},
     .group = Group::SortedSet,
     .since = "1.2.0",
     .summary = "Get the score associated with the given member in a sorted set",
     .complexity = "O(1)",
     .syntax = "key member",
     .handler = zscore},
    {.name = "zmscore",
     .arity = -3,
     .flags = kReadonly | kFast,
     .keys = {1, 1, 1},
     .group = Group::SortedSet,
     .since = "6.2.0",
     .summary = "Get the score associated with the given members in a sorted set",
     .complexity = "O(N) where N is the number of members being requested.",
     .syntax = "key member [member ...]",
     .handler = zmscore},
    {.name = "zcard",
     .arity = 2,
     .flags = kReadonly | kFast,
     .keys = {1, 1, 1},
     .group = Group::SortedSet,
     .since = "1.2.0",
     .summary = "Get the number of members in a sorted set",
     .complexity = "O(1)",
     .syntax = "key",
     .handler = zcard},
    {.name = "zrem",
     .arity = -3,
     .flags = kWrite | kFast,
     .keys = {1, 1, 1},
     .group = Group::SortedSet,
     .since = "1.2.0",
     .summary = "Remove one or more members from a sorted set",
     .complexity = "O(M*log(N)) with N being the number of elements in the sorted set and M the "
                   "number of elements to be removed.",
     .syntax = "key member [member ...]",
     .handler = zrem},
    // Arity -3 rather than 7.0's 3: the WITHSCORE option of Redis 7.2 is accepted.
    {.name = "zrank",
     .arity = -3,
     .flags = kReadonly | kFast,
     .keys = {1, 1, 1},
     .group = Group::SortedSet,
     .since = "2.0.0",
     .summary = "Determine the index of a member in a sorted set",
     .complexity = "O(log(N))",
     .syntax = "key member [WITHSCORE]",
     .handler = zrank},
    {.name = "zrevrank",
     .arity = -3,
     .flags = kReadonly | kFast,
     .keys = {1, 1, 1},
     .group = Group::SortedSet,
     .since = "2.0.0",
     .summary = "Determine the index of a member in a sorted set, with scores ordered from high "
                "to low",
     .complexity = "O(log(N))",
     .syntax = "key member [WITHSCORE]",
     .handler = zrevrank},
    {.name = "zpopmin",
     .arity = -2,
     .flags = kWrite | kFast,
     .keys = {1, 1, 1},
     .group = Group::SortedSet,
     .since = "5.0.0",
     .summary = "Remove and return members with the lowest scores in a sorted set",
     .complexity = "O(log(N)*M) with N being the number of elements in the sorted set, and M "
                   "being the number of elements popped.",
     .syntax = "key [count]",
     .handler = zpopmin},
    {.name = "zpopmax",
     .arity = -2,
     .flags = kWrite | kFast,
     .keys = {1, 1, 1},
     .group = Group::SortedSet,
     .since = "5.0.0",
     .summary = "Remove and return members with the highest scores in a sorted set",
     .complexity = "O(log(N)*M) with N being the number of elements in the sorted set, and M "
                   "being the number of elements popped.",
     .syntax = "key [count]",
     .handler = zpopmax},
    {.name = "zmpop",
     .arity = -4,
     .flags = kWrite,
     .keys = {2, -1, 1, 1},
     .group = Group::SortedSet,
     .since = "7.0.0",
     .summary = "Remove and return members with scores in a sorted set",
     .complexity = "O(K) + O(M*log(N)) where K is the number of provided keys, N being the "
                   "number of elements in the sorted set, and M being the number of elements "
                   "popped.",
     .syntax = "numkeys key [key ...] <MIN | MAX> [COUNT count]",
     .handler = zmpop},
    {.name = "zrandmember",
     .arity = -2,
     .flags = kReadonly,
     .keys = {1, 1, 1},
     .group = Group::SortedSet,
     .since = "6.2.0",
     .summary = "Get one or multiple random elements from a sorted set",
     .complexity = "O(N) where N is the number of elements returned",
     .syntax = "key [count [WITHSCORES]]",
     .handler = zrandmember},
    {.name = "zscan",
     .arity = -3,
     .flags = kReadonly,
     .keys = {1, 1, 1},
     .group = Group::SortedSet,
     .since = "2.8.0",
     .summary = "Incrementally iterate sorted sets elements and associated scores",
     .complexity =
         "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
         "the cursor to return back to 0. N is the number of elements inside the collection..",
     .syntax = "key cursor [MATCH pattern] [COUNT count]",
     .handler = zscan},
};

}  // namespace

std::span<const CommandSpec> zset_commands() {
  return kZSetCommands;
}

}  // namespace cardinal::cmd
