// Expiry commands: setting (EXPIRE family with NX/XX/GT/LT), reading (TTL family) and removing
// (PERSIST) a key's time to live. Times are absolute milliseconds in the engine.
#include <string>

#include "cardinal/cmd/families.h"
#include "cardinal/util/numbers.h"
#include "helpers.h"

namespace cardinal::cmd {

namespace {

using engine::DbEntry;
using engine::kNoExpire;

struct ExpireFlags {
  bool nx = false, xx = false, gt = false, lt = false;
};

bool parse_expire_flags(CommandContext& ctx, ExpireFlags& f) {
  for (size_t i = 3; i < ctx.argc(); ++i) {
    std::string_view a = ctx.arg(i);
    if (CommandContext::is(a, "NX")) {
      f.nx = true;
    } else if (CommandContext::is(a, "XX")) {
      f.xx = true;
    } else if (CommandContext::is(a, "GT")) {
      f.gt = true;
    } else if (CommandContext::is(a, "LT")) {
      f.lt = true;
    } else {
      ctx.error(Errc::UnsupportedOption, a);
      return false;
    }
  }
  if (f.nx && (f.xx || f.gt || f.lt)) {
    ctx.error(Errc::ExpireNxIncompatible);
    return false;
  }
  if (f.gt && f.lt) {
    ctx.error(Errc::ExpireGtLtIncompatible);
    return false;
  }
  return true;
}

// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT: `base_ms` is now for relative forms, 0 for absolute.
void expire_generic(CommandContext& ctx, int64_t base_ms, bool seconds) {
  ExpireFlags f;
  if (!parse_expire_flags(ctx, f)) return;
  int64_t when;
  if (!ctx.parse_int(ctx.arg(2), when)) return;
  auto invalid = [&] { ctx.error(Errc::InvalidExpireTime, ctx.spec.name); };
  if (seconds) {
    if (when > INT64_MAX / 1000 || when < INT64_MIN / 1000) return invalid();
    when *= 1000;
  }
  if (when > INT64_MAX - base_ms) return invalid();
  when += base_ms;
  DbEntry* e = ctx.db().find_for_write(ctx.arg(1));
  if (!e) return ctx.reply.integer(0);
  int64_t current = ctx.db().expire_of(*e);
  if (f.nx && current != kNoExpire) return ctx.reply.integer(0);
  if (f.xx && current == kNoExpire) return ctx.reply.integer(0);
  // No expiry counts as an infinite one: GT can never beat it, LT always does.
  if (f.gt && (current == kNoExpire || when <= current)) return ctx.reply.integer(0);
  if (f.lt && current != kNoExpire && when >= current) return ctx.reply.integer(0);
  // While the AOF replays, a past time still sets the TTL (the key expires once serving
  // starts), as Redis: a later command in the file may need the key.
  if (when <= ctx.now_ms() && !ctx.server.loading) {
    ctx.db().remove(ctx.arg(1));
    ctx.changed(ctx.arg(1), config::kEventGeneric, "del");
    if (ctx.propagating()) ctx.propagate_as({"DEL", ctx.arg(1)});
  } else {
    ctx.db().set_expire(*e, when);
    ctx.changed(ctx.arg(1), config::kEventGeneric, "expire");
    // Every form replays as an absolute time, with its condition (NX, GT, ...) kept, as Redis
    // logs it.
    if (ctx.propagating()) {
      std::vector<std::string> argv = {"PEXPIREAT", std::string(ctx.arg(1)),
                                       util::i64_to_string(when)};
      for (size_t i = 3; i < ctx.argc(); ++i) argv.emplace_back(ctx.arg(i));
      ctx.propagate_as(std::move(argv));
    }
  }
  ctx.reply.integer(1);
}

void expire(CommandContext& ctx) {
  expire_generic(ctx, ctx.now_ms(), true);
}
void pexpire(CommandContext& ctx) {
  expire_generic(ctx, ctx.now_ms(), false);
}
void expireat(CommandContext& ctx) {
  expire_generic(ctx, 0, true);
}
void pexpireat(CommandContext& ctx) {
  expire_generic(ctx, 0, false);
}

// TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 missing key, -1 no expiry.
void ttl_generic(CommandContext& ctx, bool in_ms, bool absolute) {
  DbEntry* e = ctx.db().find_quiet(ctx.arg(1));
  if (!e) return ctx.reply.integer(-2);
  int64_t at = ctx.db().expire_of(*e);
  if (at == kNoExpire) return ctx.reply.integer(-1);
  int64_t v = absolute ? at : at - ctx.now_ms();
  if (v < 0) v = 0;
  // (v + 500) / 1000, written so an expiry near INT64_MAX cannot overflow (v >= 0 here).
  ctx.reply.integer(in_ms ? v : v / 1000 + (v % 1000 >= 500 ? 1 : 0));
}

void ttl(CommandContext& ctx) {
  ttl_generic(ctx, false, false);
}
void pttl(CommandContext& ctx) {
  ttl_generic(ctx, true, false);
}
void expiretime(CommandContext& ctx) {
  ttl_generic(ctx, false, true);
}
void pexpiretime(CommandContext& ctx) {
  ttl_generic(ctx, true, true);
}

void persist(CommandContext& ctx) {
  DbEntry* e = ctx.db().find_for_write(ctx.arg(1));
  if (!e || !ctx.db().persist(*e)) return ctx.reply.integer(0);
  ctx.changed(ctx.arg(1), config::kEventGeneric, "persist");
  ctx.reply.integer(1);
}

constexpr std::string_view kExpireSyntax = "key seconds [NX | XX | GT | LT]";

constexpr CommandSpec kExpireCommands[] = {
    {.name = "expire",
     .arity = -3,
     .flags = kWrite | kFast,
     .keys = {1, 1, 1},
     .group = Group::Generic,
     .since = "1.0.0",
     .summary = "Set a key's time to live in seconds",
     .complexity = "O(1)",
     .syntax = kExpireSyntax,
     .handler = expire},
    {.name = "pexpire",
     .arity = -3,
     .flags = kWrite | kFast,
     .keys = {1, 1, 1},
     .group = Group::Generic,
     .since = "2.6.0",
     .summary = "Set a key's time to live in milliseconds",
     .complexity = "O(1)",
     .syntax = "key milliseconds [NX | XX | GT | LT]",
     .handler = pexpire},
    {.name = "expireat",
     .arity = -3,
     .flags = kWrite | kFast,
     .keys = {1, 1, 1},
     .group = Group::Generic,
     .since = "1.2.0",
     .summary = "Set the expiration for a key as a UNIX timestamp",
     .complexity = "O(1)",
     .syntax = "key unix-time-seconds [NX | XX | GT | LT]",
     .handler = expireat},
    {.name = "pexpireat",
     .arity = -3,
     .flags = kWrite | kFast,
     .keys = {1, 1, 1},
     .group = Group::Generic,
     .since = "2.6.0",
     .summary = "Set the expiration for a key as a UNIX timestamp specified in milliseconds",
     .complexity = "O(1)",
     .syntax = "key unix-time-milliseconds [NX | XX | GT | LT]",
     .handler = pexpireat},
    {.name = "ttl",
     .arity = 2,
     .flags = kReadonly | kFast,
     .keys = {1, 1, 1},
     .group = Group::Generic,
     .since = "1.0.0",
     .summary = "Get the time to live for a key in seconds",
     .complexity = "O(1)",
     .syntax = "key",
     .handler = ttl},
    {.name = "pttl",
     .arity = 2,
     .flags = kReadonly | kFast,
     .keys = {1, 1, 1},
     .group = Group::Generic,
     .since = "2.6.0",
     .summary = "Get the time to live for a key in milliseconds",
     .complexity = "O(1)",
     .syntax = "key",
     .handler = pttl},
    {.name = "expiretime",
     .arity = 2,
     .flags = kReadonly | kFast,
     .keys = {1, 1, 1},
     .group = Group::Generic,
     .since = "7.0.0",
     .summary = "Get the expiration Unix timestamp for a key",
     .complexity = "O(1)",
     .syntax = "key",
     .handler = expiretime},
    {.name = "pexpiretime",
     .arity = 2,
     .flags = kReadonly | kFast,
     .keys = {1, 1, 1},
     .group = Group::Generic,
     .since = "7.0.0",
     .summary = "Get the expiration Unix timestamp for a key in milliseconds",
     .complexity = "O(1)",
     .syntax = "key",
     .handler = pexpiretime},
    {.name = "persist",
     .arity = 2,
     .flags = kWrite | kFast,
     .keys = {1, 1, 1},
     .group = Group::Generic,
     .since = "2.2.0",
     .summary = "Remove the expiration from a key",
     .complexity = "O(1)",
     .syntax = "key",
     .handler = persist},
};

}  // namespace

std::span<const CommandSpec> expire_commands() {
  return kExpireCommands;
}

}  // namespace cardinal::cmd
