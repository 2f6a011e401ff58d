// String commands: GET/SET and their variants, multi-key MGET/MSET, and the byte-range
// commands. Counters live in counter_cmds.cc, LCS in lcs_cmd.cc.
#include <algorithm>
#include <string>

#include "cardinal/cmd/families.h"
#include "cardinal/util/numbers.h"
#include "helpers.h"

namespace cardinal::cmd {

namespace {

using engine::DbEntry;
using engine::Value;
using engine::ValueType;

// The options shared by SET and GETEX, as Redis parses them: a repeated flag is fine, but two
// different expiry forms (or an expiry with KEEPTTL/PERSIST) are a syntax error.
struct SetOptions {
  bool nx = false, xx = false, get = false, keep_ttl = false, persist = false;
  std::string_view expire_arg;
  ExpireUnit unit = ExpireUnit::Seconds;
  bool relative = true;
  char expire_kind = 0;  // 'e' EX, 'p' PX, 'E' EXAT, 'P' PXAT
};

bool parse_set_options(CommandContext& ctx, size_t first, bool is_set, SetOptions& o) {
  for (size_t i = first; i < ctx.argc(); ++i) {
    std::string_view a = ctx.arg(i);
    bool has_next = i + 1 < ctx.argc();
    auto expire_form = [&](char kind) {
      return !o.keep_ttl && !o.persist && (o.expire_kind == 0 || o.expire_kind == kind) && has_next;
    };
    if (is_set && CommandContext::is(a, "NX") && !o.xx) {
      o.nx = true;
    } else if (is_set && CommandContext::is(a, "XX") && !o.nx) {
      o.xx = true;
    } else if (is_set && CommandContext::is(a, "GET")) {
      o.get = true;
    } else if (is_set && CommandContext::is(a, "KEEPTTL") && o.expire_kind == 0) {
      o.keep_ttl = true;
    } else if (!is_set && CommandContext::is(a, "PERSIST") && o.expire_kind == 0) {
      o.persist = true;
    } else if (CommandContext::is(a, "EX") && expire_form('e')) {
      o.expire_kind = 'e';
      o.unit = ExpireUnit::Seconds;
      o.relative = true;
      o.expire_arg = ctx.arg(++i);
    } else if (CommandContext::is(a, "PX") && expire_form('p')) {
      o.expire_kind = 'p';
      o.unit = ExpireUnit::Milliseconds;
      o.relative = true;
      o.expire_arg = ctx.arg(++i);
    } else if (CommandContext::is(a, "EXAT") && expire_form('E')) {
      o.expire_kind = 'E';
      o.unit = ExpireUnit::Seconds;
      o.relative = false;
      o.expire_arg = ctx.arg(++i);
    } else if (CommandContext::is(a, "PXAT") && expire_form('P')) {
      o.expire_kind = 'P';
      o.unit = ExpireUnit::Milliseconds;
      o.relative = false;
      o.expire_arg = ctx.arg(++i);
    } else {
      ctx.error(Errc::Syntax);
      return false;
    }
  }
  return true;
}

// Replies the string under `key` (null when missing); false after a WRONGTYPE reply.
bool reply_string(CommandContext& ctx, std::string_view key) {
  DbEntry* e = lookup_read_typed(ctx, key, ValueType::String);
  if (ctx.failed) return false;
  if (!e) {
    ctx.reply.null();
    return true;
  }
  char scratch[21];
  ctx.reply.bulk(string_of(*e, scratch));
  return true;
}

// The common path of SET, SETNX, SETEX, PSETEX.
void set_generic(CommandContext& ctx, std::string_view key, std::string_view value,
                 const SetOptions& o, bool reply_as_integer) {
  std::optional<int64_t> expire_at;
  if (o.expire_kind != 0) {
    expire_at = parse_expire_arg(ctx, o.expire_arg, o.unit, o.relative);
    if (!expire_at) return;
  }
  if (o.get && !reply_string(ctx, key)) return;
  // Only NX and XX need to know whether the key exists; a plain SET overwrites in one lookup.
  bool exists = (o.nx || o.xx) && ctx.db().find_for_write(key) != nullptr;
  if ((o.nx && exists) || (o.xx && !exists)) {
    if (o.get) return;
    reply_as_integer ? ctx.reply.integer(0) : ctx.reply.null();
    return;
  }
  DbEntry& e = ctx.db().set(key, Value::string_from_client(value), o.keep_ttl);
  ctx.changed(key, config::kEventString, "set");
  if (expire_at) {
    ctx.db().set_expire(e, *expire_at);
    ctx.notify(config::kEventGeneric, "expire", key);
    // A relative expiry would not replay the same: SET ... PXAT <absolute ms>, as Redis 7.0.
    if (ctx.propagating())
      ctx.propagate_as({"SET", key, value, "PXAT", util::i64_to_string(*expire_at)});
  }
  if (o.get) return;
  reply_as_integer ? ctx.reply.integer(1) : ctx.reply.ok();
}

void get(CommandContext& ctx) {
  reply_string(ctx, ctx.arg(1));
}

void set(CommandContext& ctx) {
  SetOptions o;
  if (!parse_set_options(ctx, 3, true, o)) return;
  set_generic(ctx, ctx.arg(1), ctx.arg(2), o, false);
}

void setnx(CommandContext& ctx) {
  SetOptions o;
  o.nx = true;
  set_generic(ctx, ctx.arg(1), ctx.arg(2), o, true);
}

void setex_with(CommandContext& ctx, char kind, ExpireUnit unit) {
  SetOptions o;
  o.expire_kind = kind;
  o.unit = unit;
  o.expire_arg = ctx.arg(2);
  set_generic(ctx, ctx.arg(1), ctx.arg(3), o, false);
}

void setex(CommandContext& ctx) {
  setex_with(ctx, 'e', ExpireUnit::Seconds);
}
void psetex(CommandContext& ctx) {
  setex_with(ctx, 'p', ExpireUnit::Milliseconds);
}

void getset(CommandContext& ctx) {
  if (!reply_string(ctx, ctx.arg(1))) return;
  ctx.db().set(ctx.arg(1), Value::string_from_client(ctx.arg(2)));
  ctx.changed(ctx.arg(1), config::kEventString, "set");
  if (ctx.propagating()) ctx.propagate_as({"SET", ctx.arg(1), ctx.arg(2)});  // as Redis 7.0
}

void getdel(CommandContext& ctx) {
  DbEntry* e = lookup_read_typed(ctx, ctx.arg(1), ValueType::String);
  if (ctx.failed) return;
  if (!e) return ctx.reply.null();
  char scratch[21];
  ctx.reply.bulk(string_of(*e, scratch));
  ctx.db().remove(ctx.arg(1));
  ctx.changed(ctx.arg(1), config::kEventGeneric, "del");
  if (ctx.propagating()) ctx.propagate_as({"DEL", ctx.arg(1)});
}

void getex(CommandContext& ctx) {
  SetOptions o;
  if (!parse_set_options(ctx, 2, false, o)) return;
  DbEntry* e = lookup_read_typed(ctx, ctx.arg(1), ValueType::String);
  if (ctx.failed) return;
  if (!e) return ctx.reply.null();
  std::optional<int64_t> expire_at;
  if (o.expire_kind != 0) {
    expire_at = parse_expire_arg(ctx, o.expire_arg, o.unit, o.relative);
    if (!expire_at) return;
  }
  char scratch[21];
  ctx.reply.bulk(string_of(*e, scratch));
  if (expire_at) {
    if (*expire_at <= ctx.now_ms() && !ctx.server.loading) {  // see expire_generic
      ctx.db().remove(ctx.arg(1));
      ctx.changed(ctx.arg(1), config::kEventGeneric, "del");
      if (ctx.propagating()) ctx.propagate_as({"DEL", ctx.arg(1)});
    } else {
      ctx.db().set_expire(*e, *expire_at);
      ctx.changed(ctx.arg(1), config::kEventGeneric, "expire");
      if (ctx.propagating())
        ctx.propagate_as({"PEXPIREAT", ctx.arg(1), util::i64_to_string(*expire_at)});
    }
  } else if (o.persist && ctx.db().persist(*e)) {
    ctx.changed(ctx.arg(1), config::kEventGeneric, "persist");
    if (ctx.propagating()) ctx.propagate_as({"PERSIST", ctx.arg(1)});
  }
}

void mget(CommandContext& ctx) {
  ctx.reply.array(ctx.argc() - 1);
  char scratch[21];
  for (size_t i = 1; i < ctx.argc(); ++i) {
    DbEntry* e = ctx.db().find_for_read(ctx.arg(i));
    if (e && e->value.is_string()) {
      ctx.reply.bulk(string_of(*e, scratch));
    } else {
      ctx.reply.null();
    }
  }
}

void mset_pairs(CommandContext& ctx) {
  for (size_t i = 1; i + 1 < ctx.argc(); i += 2) {
    ctx.db().set(ctx.arg(i), Value::string_from_client(ctx.arg(i + 1)));
    ctx.changed(ctx.arg(i), config::kEventString, "set");
  }
}

void mset(CommandContext& ctx) {
  if (ctx.argc() % 2 == 0) return reply_wrong_arity(ctx);
  mset_pairs(ctx);
  ctx.reply.ok();
}

void msetnx(CommandContext& ctx) {
  if (ctx.argc() % 2 == 0) return reply_wrong_arity(ctx);
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    if (ctx.db().find_for_write(ctx.arg(i))) return ctx.reply.integer(0);
  }
  mset_pairs(ctx);
  ctx.reply.integer(1);
}

bool check_length(CommandContext& ctx, uint64_t total) {
  if (total > static_cast<uint64_t>(ctx.server.settings().proto_max_bulk_len)) {
    ctx.error(Errc::StringTooLong);
    return false;
  }
  return true;
}

void append(CommandContext& ctx) {
  DbEntry* e = lookup_write_typed(ctx, ctx.arg(1), ValueType::String);
  if (ctx.failed) return;
  size_t length;
  if (!e) {
    ctx.db().set(ctx.arg(1), Value::string_from_client(ctx.arg(2)));
    length = ctx.arg(2).size();
  } else {
    if (!check_length(ctx, e->value.string_length() + ctx.arg(2).size())) return;
    length = e->value.append(ctx.arg(2));
  }
  ctx.changed(ctx.arg(1), config::kEventString, "append");
  ctx.reply.integer(static_cast<int64_t>(length));
}

void strlen_cmd(CommandContext& ctx) {
  DbEntry* e = lookup_read_typed(ctx, ctx.arg(1), ValueType::String);
  if (ctx.failed) return;
  ctx.reply.integer(e ? static_cast<int64_t>(e->value.string_length()) : 0);
}

void getrange(CommandContext& ctx) {
  int64_t start, end;
  if (!ctx.parse_int(ctx.arg(2), start) || !ctx.parse_int(ctx.arg(3), end)) return;
  DbEntry* e = lookup_read_typed(ctx, ctx.arg(1), ValueType::String);
  if (ctx.failed) return;
  if (!e) return ctx.reply.bulk("");
  char scratch[21];
  std::string_view s = string_of(*e, scratch);
  auto len = static_cast<int64_t>(s.size());
  if (start < 0 && end < 0 && start > end) return ctx.reply.bulk("");
  if (start < 0) start = std::max<int64_t>(0, len + start);
  if (end < 0) end = std::max<int64_t>(0, len + end);
  if (end >= len) end = len - 1;
  if (start > end || len == 0) return ctx.reply.bulk("");
  ctx.reply.bulk(s.substr(static_cast<size_t>(start), static_cast<size_t>(end - start + 1)));
}

void setrange(CommandContext& ctx) {
  int64_t offset;
  if (!ctx.parse_int(ctx.arg(2), offset)) return;
  if (offset < 0) return ctx.error(Errc::OffsetOutOfRange);
  std::string_view value = ctx.arg(3);
  DbEntry* e = lookup_write_typed(ctx, ctx.arg(1), ValueType::String);
  if (ctx.failed) return;
  size_t current = e ? e->value.string_length() : 0;
  if (value.empty()) return ctx.reply.integer(static_cast<int64_t>(current));
  if (!check_length(ctx, static_cast<uint64_t>(offset) + value.size())) return;
  if (!e) e = &ctx.db().set(ctx.arg(1), Value::raw_string(""));
  size_t length = e->value.set_range(static_cast<size_t>(offset), value);
  ctx.changed(ctx.arg(1), config::kEventString, "setrange");
  ctx.reply.integer(static_cast<int64_t>(length));
}

constexpr CommandSpec kStringCommands[] = {
    {.name = "get",
     .arity = 2,
     .flags = kReadonly | kFast,
     .keys = {1, 1, 1},
     .group = Group::String,
     .since = "1.0.0",
     .summary = "Get the value of a key",
     .complexity = "O(1)",
     .syntax = "key",
     .handler = get},
    {.name = "set",
     .arity = -3,
     .flags = kWrite | kDenyOom,
     .keys = {1, 1, 1},
     .group = Group::String,
     .since = "1.0.0",
     .summary = "Set the string value of a key",
     .complexity = "O(1)",
     .syntax = "key value [NX | XX] [GET] [EX seconds | PX milliseconds | "
               "EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]",
     .handler = set},
    {.name = "setnx",
     .arity = 3,
     .flags = kWrite | kDenyOom | kFast,
     .keys = {1, 1, 1},
     .group = Group::String,
     .since = "1.0.0",
     .summary = "Set the value of a key, only if the key does not exist",
     .complexity = "O(1)",
     .syntax = "key value",
     .handler = setnx},
    {.name = "setex",
     .arity = 4,
     .flags = kWrite | kDenyOom,
     .keys = {1, 1, 1},
     .group = Group::String,
     .since = "2.0.0",
     .summary = "Set the value and expiration of a key",
     .complexity = "O(1)",
     .syntax = "key seconds value",
     .handler = setex},
    {.name = "psetex",
     .arity = 4,
     .flags = kWrite | kDenyOom,
     .keys = {1, 1, 1},
     .group = Group::String,
     .since = "2.6.0",
     .summary = "Set the value and expiration in milliseconds of a key",
     .complexity = "O(1)",
     .syntax = "key milliseconds value",
     .handler = psetex},
    {.name = "getset",
     .arity = 3,
     .flags = kWrite | kDenyOom | kFast,
     .keys = {1, 1, 1},
     .group = Group::String,
     .since = "1.0.0",
     .summary = "Set the string value of a key and return its old value",
     .complexity = "O(1)",
     .syntax = "key value",
     .handler = getset},
    {.name = "getdel",
     .arity = 2,
     .flags = kWrite | kFast,
     .keys = {1, 1, 1},
     .group = Group::String,
     .since = "6.2.0",
     .summary = "Get the value of a key and delete the key",
     .complexity = "O(1)",
     .syntax = "key",
     .handler = getdel},
    {.name = "getex",
     .arity = -2,
     .flags = kWrite | kFast,
     .keys = {1, 1, 1},
     .group = Group::String,
     .since = "6.2.0",
     .summary = "Get the value of a key and optionally set its expiration",
     .complexity = "O(1)",
     .syntax = "key [EX seconds | PX milliseconds | EXAT unix-time-seconds | "
               "PXAT unix-time-milliseconds | PERSIST]",
     .handler = getex},
    {.name = "mget",
     .arity = -2,
     .flags = kReadonly | kFast,
     .keys = {1, -1, 1},
     .group = Group::String,
     .since = "1.0.0",
     .summary = "Get the values of all the given keys",
     .complexity = "O(N) where N is the number of keys to retrieve.",
     .syntax = "key [key ...]",
     .handler = mget},
    {.name = "mset",
     .arity = -3,
     .flags = kWrite | kDenyOom,
     .keys = {1, -1, 2},
     .group = Group::String,
     .since = "1.0.1",
     .summary = "Set multiple keys to multiple values",
     .complexity = "O(N) where N is the number of keys to set.",
     .syntax = "key value [key value ...]",
     .handler = mset},
    {.name = "msetnx",
     .arity = -3,
     .flags = kWrite | kDenyOom,
     .keys = {1, -1, 2},
     .group = Group::String,
     .since = "1.0.1",
     .summary = "Set multiple keys to multiple values, only if none of the keys exist",
     .complexity = "O(N) where N is the number of keys to set.",
     .syntax = "key value [key value ...]",
     .handler = msetnx},
    {.name = "append",
     .arity = 3,
     .flags = kWrite | kDenyOom | kFast,
     .keys = {1, 1, 1},
     .group = Group::String,
     .since = "2.0.0",
     .summary = "Append a value to a key",
     .complexity = "O(1)",
     .syntax = "key value",
     .handler = append},
    {.name = "strlen",
     .arity = 2,
     .flags = kReadonly | kFast,
     .keys = {1, 1, 1},
     .group = Group::String,
     .since = "2.2.0",
     .summary = "Get the length of the value stored in a key",
     .complexity = "O(1)",
     .syntax = "key",
     .handler = strlen_cmd},
    {.name = "getrange",
     .arity = 4,
     .flags = kReadonly,
     .keys = {1, 1, 1},
     .group = Group::String,
     .since = "2.4.0",
     .summary = "Get a substring of the string stored at a key",
     .complexity = "O(N) where N is the length of the returned string.",
     .syntax = "key start end",
     .handler = getrange},
    {.name = "substr",
     .arity = 4,
     .flags = kReadonly,
     .keys = {1, 1, 1},
     .group = Group::String,
     .since = "1.0.0",
     .summary = "Get a substring of the string stored at a key",
     .complexity = "O(N) where N is the length of the returned string.",
     .syntax = "key start end",
     .handler = getrange},
    {.name = "setrange",
     .arity = 4,
     .flags = kWrite | kDenyOom,
     .keys = {1, 1, 1},
     .group = Group::String,
     .since = "2.2.0",
     .summary = "Overwrite part of a string at key starting at the specified offset",
     .complexity = "O(1), not counting the time taken to copy the new string in place.",
     .syntax = "key offset value",
     .handler = setrange},
};

}  // namespace

std::span<const CommandSpec> string_commands() {
  return kStringCommands;
}

}  // namespace cardinal::cmd
