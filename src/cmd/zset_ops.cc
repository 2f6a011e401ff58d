#include "zset_ops.h"

#include <cmath>
#include <cstdlib>
#include <string>

#include "cardinal/util/numbers.h"
#include "helpers.h"

namespace cardinal::cmd {

using engine::DbEntry;
using engine::Value;
using engine::ValueType;
using engine::ZSetValue;

engine::ZSetLimits zset_limits(const CommandContext& ctx) {
  const auto& s = ctx.server.settings();
  return {.max_listpack_entries = static_cast<size_t>(s.zset_max_listpack_entries),
          .max_listpack_value = static_cast<size_t>(s.zset_max_listpack_value)};
}

ZSetValue* read_zset(CommandContext& ctx, std::string_view key) {
  DbEntry* e = lookup_read_typed(ctx, key, ValueType::ZSet);
  return e ? &e->value.as_zset() : nullptr;
}

ZSetValue* write_zset(CommandContext& ctx, std::string_view key) {
  DbEntry* e = lookup_write_typed(ctx, key, ValueType::ZSet);
  return e ? &e->value.as_zset() : nullptr;
}

ZSetValue& create_zset(CommandContext& ctx, std::string_view key, std::string_view first_member) {
  auto z = ZSetValue::create(1, first_member.size(), zset_limits(ctx));
  return ctx.db().set(key, Value::zset(std::move(z))).value.as_zset();
}

void store_zset(CommandContext& ctx, std::string_view key, std::unique_ptr<ZSetValue> z,
                std::string_view event) {
  if (!z || z->size() == 0) {
    if (ctx.db().remove(key)) ctx.changed(key, config::kEventGeneric, "del");
    return;
  }
  z->convert_to_listpack_if_fits(zset_limits(ctx));
  ctx.db().set(key, Value::zset(std::move(z)));  // replaces any value and its TTL
  ctx.changed(key, config::kEventZset, event);
}

void zset_entries_removed(CommandContext& ctx, std::string_view key, ZSetValue& z,
                          std::string_view event) {
  elements_removed(ctx, key, config::kEventZset, event, z.size() == 0);
}

bool parse_score(CommandContext& ctx, std::string_view text, double& out) {
  return ctx.parse_double(text, out);
}

namespace {
// Redis reads a range bound with strtod on the C string: the text ends at its first NUL, leading
// space and an empty text (0) are accepted, overflow gives an infinity; only trailing garbage and
// NaN are refused.
bool parse_bound(std::string_view text, double& value, bool& exclusive) {
  exclusive = !text.empty() && text[0] == '(';
  if (exclusive) text.remove_prefix(1);
  std::string c(text.substr(0, text.find('\0')));
  char* end = nullptr;
  value = std::strtod(c.c_str(), &end);
  return *end == '\0' && !std::isnan(value);
}
}  // namespace

bool parse_score_range(CommandContext& ctx, std::string_view min, std::string_view max,
                       ds::ScoreRange& out) {
  if (!parse_bound(min, out.min, out.min_exclusive) ||
      !parse_bound(max, out.max, out.max_exclusive)) {
    ctx.error(Errc::MinMaxNotFloat);
    return false;
  }
  return true;
}

bool parse_lex_range(CommandContext& ctx, std::string_view min, std::string_view max,
                     ds::LexRange& out) {
  auto lo = ds::LexBound::parse(min);
  auto hi = ds::LexBound::parse(max);
  if (!lo || !hi) {
    ctx.error(Errc::MinMaxNotLex);
    return false;
  }
  out.min = *lo;
  out.max = *hi;
  return true;
}

void reply_score(CommandContext& ctx, double score) {
  ctx.reply.dbl(score);  // RESP2: bulk "%.17g" as Redis 7.0's addReplyDouble
}

void reply_entries_header(CommandContext& ctx, size_t n, bool withscores) {
  ctx.reply.array(withscores && !ctx.reply.resp3() ? n * 2 : n);
}

void reply_entry(CommandContext& ctx, std::string_view member, double score, bool withscores) {
  if (withscores && ctx.reply.resp3()) ctx.reply.array(2);
  ctx.reply.bulk(member);
  if (withscores) reply_score(ctx, score);
}

void zpop_and_reply(CommandContext& ctx, std::string_view key, ZSetValue& z, bool from_max,
                    uint64_t count, PopShape shape) {
  uint64_t n = std::min<uint64_t>(count, z.size());
  switch (shape) {
    case PopShape::Entries:
      reply_entries_header(ctx, n, true);
      break;
    case PopShape::Flat:
      ctx.reply.array(n * 2);
      break;
    case PopShape::KeyFlat:
      ctx.reply.array(1 + n * 2);
      ctx.reply.bulk(key);
      break;
    case PopShape::KeyPairs:
      ctx.reply.array(2);
      ctx.reply.bulk(key);
      ctx.reply.array(n);
      break;
  }
  z.pop(from_max, n, [&](std::string_view member, double score) {
    if (shape == PopShape::KeyPairs) ctx.reply.array(2);
    if (shape == PopShape::Entries) {
      reply_entry(ctx, member, score, true);
    } else {
      ctx.reply.bulk(member);
      reply_score(ctx, score);
    }
    return true;
  });
  if (n > 0) zset_entries_removed(ctx, key, z, from_max ? "zpopmax" : "zpopmin");
  // BZPOPMIN/BZPOPMAX, ZMPOP and BZMPOP replay as the ZPOPMIN/ZPOPMAX they did.
  if (n > 0 && ctx.propagating() && (shape == PopShape::KeyFlat || shape == PopShape::KeyPairs))
    ctx.propagate_as(
        {from_max ? "ZPOPMAX" : "ZPOPMIN", key, util::i64_to_string(static_cast<int64_t>(n))});
}

bool parse_zmpop_args(CommandContext& ctx, size_t numkeys_at, ZMpopArgs& out) {
  int64_t numkeys;
  if (!util::parse_i64(ctx.arg(numkeys_at), numkeys) || numkeys < 1) {
    ctx.error(Errc::NumkeysNotPositive);
    return false;
  }
  size_t where = numkeys_at + 1 + static_cast<size_t>(numkeys);
  if (static_cast<uint64_t>(numkeys) >= ctx.argc() || where >= ctx.argc()) {
    ctx.error(Errc::Syntax);
    return false;
  }
  out.first_key = numkeys_at + 1;
  out.numkeys = static_cast<size_t>(numkeys);
  std::string_view w = ctx.arg(where);
  if (CommandContext::is(w, "MIN")) {
    out.from_max = false;
  } else if (CommandContext::is(w, "MAX")) {
    out.from_max = true;
  } else {
    ctx.error(Errc::Syntax);
    return false;
  }
  bool have_count = false;
  for (size_t j = where + 1; j < ctx.argc(); ++j) {
    if (!have_count && j + 1 < ctx.argc() && CommandContext::is(ctx.arg(j), "COUNT")) {
      int64_t c;
      if (!util::parse_i64(ctx.arg(++j), c) || c < 1) {
        ctx.error(Errc::CountNotPositive);
        return false;
      }
      out.count = static_cast<uint64_t>(c);
      have_count = true;
    } else {
      ctx.error(Errc::Syntax);
      return false;
    }
  }
  return true;
}

bool zmpop_and_reply(CommandContext& ctx, const ZMpopArgs& args, bool reply_null_if_empty) {
  for (size_t i = 0; i < args.numkeys; ++i) {
    std::string_view key = ctx.arg(args.first_key + i);
    ZSetValue* z = write_zset(ctx, key);
    if (ctx.failed) return true;
    if (!z) continue;
    zpop_and_reply(ctx, key, *z, args.from_max, args.count, PopShape::KeyPairs);
    return true;
  }
  if (reply_null_if_empty) ctx.reply.null_array();
  return false;
}

}  // namespace cardinal::cmd
