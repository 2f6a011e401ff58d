// Counter commands on string values: INCR, DECR, INCRBY, DECRBY (64-bit, overflow-checked) and
// INCRBYFLOAT (long double, printed in Redis's human format).
#include <cmath>

#include "cardinal/cmd/families.h"
#include "cardinal/util/numbers.h"
#include "helpers.h"

namespace cardinal::cmd {

namespace {

using engine::DbEntry;
using engine::Value;
using engine::ValueType;

void incr_by(CommandContext& ctx, int64_t delta) {
  DbEntry* e = lookup_write_typed(ctx, ctx.arg(1), ValueType::String);
  if (ctx.failed) return;
  int64_t current = 0;
  if (e) {
    if (e->value.is_int()) {
      current = e->value.as_int();
    } else {
      char scratch[21];
      if (!util::parse_i64(string_of(*e, scratch), current)) return ctx.error(Errc::NotInteger);
    }
  }
  int64_t result;
  if (__builtin_add_overflow(current, delta, &result)) return ctx.error(Errc::IncrOverflow);
  if (e) {
    e->value = Value::integer(result);
  } else {
    ctx.db().set(ctx.arg(1), Value::integer(result));
  }
  ctx.changed(ctx.arg(1), config::kEventString, "incrby");
  ctx.reply.integer(result);
}

void incr(CommandContext& ctx) {
  incr_by(ctx, 1);
}
void decr(CommandContext& ctx) {
  incr_by(ctx, -1);
}

void incrby(CommandContext& ctx) {
  int64_t delta;
  if (!ctx.parse_int(ctx.arg(2), delta)) return;
  incr_by(ctx, delta);
}

void decrby(CommandContext& ctx) {
  int64_t delta;
  if (!ctx.parse_int(ctx.arg(2), delta)) return;
  if (delta == INT64_MIN) return ctx.error(Errc::DecrOverflow);
  incr_by(ctx, -delta);
}

void incrbyfloat(CommandContext& ctx) {
  DbEntry* e = lookup_write_typed(ctx, ctx.arg(1), ValueType::String);
  if (ctx.failed) return;
  long double current = 0, delta = 0;
  if (e) {
    char scratch[21];
    if (e->value.is_int()) {
      current = static_cast<long double>(e->value.as_int());
    } else if (!util::parse_long_double(string_of(*e, scratch), current)) {
      return ctx.error(Errc::NotFloat);
    }
  }
  if (!util::parse_long_double(ctx.arg(2), delta)) return ctx.error(Errc::NotFloat);
  long double result = current + delta;
  if (std::isnan(result) || std::isinf(result)) return ctx.error(Errc::NanOrInfinity);
  std::string text = util::format_long_double_human(result);
  ctx.reply.bulk(text);
  if (e) {
    e->value = Value::text(text);
  } else {
    ctx.db().set(ctx.arg(1), Value::text(text));
  }
  ctx.changed(ctx.arg(1), config::kEventString, "incrbyfloat");
  // Float formatting must not be redone on replay: the result is propagated as it is.
  if (ctx.propagating()) ctx.propagate_as({"SET", ctx.arg(1), text, "KEEPTTL"});
}

constexpr CommandSpec kCounterCommands[] = {
    {.name = "incr",
     .arity = 2,
     .flags = kWrite | kDenyOom | kFast,
     .keys = {1, 1, 1},
     .group = Group::String,
     .since = "1.0.0",
     .summary = "Increment the integer value of a key by one",
     .complexity = "O(1)",
     .syntax = "key",
     .handler = incr},
    {.name = "decr",
     .arity = 2,
     .flags = kWrite | kDenyOom | kFast,
     .keys = {1, 1, 1},
     .group = Group::String,
     .since = "1.0.0",
     .summary = "Decrement the integer value of a key by one",
     .complexity = "O(1)",
     .syntax = "key",
     .handler = decr},
    {.name = "incrby",
     .arity = 3,
     .flags = kWrite | kDenyOom | kFast,
     .keys = {1, 1, 1},
     .group = Group::String,
     .since = "1.0.0",
     .summary = "Increment the integer value of a key by the given amount",
     .complexity = "O(1)",
     .syntax = "key increment",
     .handler = incrby},
    {.name = "decrby",
     .arity = 3,
     .flags = kWrite | kDenyOom | kFast,
     .keys = {1, 1, 1},
     .group = Group::String,
     .since = "1.0.0",
     .summary = "Decrement the integer value of a key by the given number",
     .complexity = "O(1)",
     .syntax = "key decrement",
     .handler = decrby},
    {.name = "incrbyfloat",
     .arity = 3,
     .flags = kWrite | kDenyOom | kFast,
     .keys = {1, 1, 1},
     .group = Group::String,
     .since = "2.6.0",
     .summary = "Increment the float value of a key by the given amount",
     .complexity = "O(1)",
     .syntax = "key increment",
     .handler = incrbyfloat},
};

}  // namespace

std::span<const CommandSpec> counter_commands() {
  return kCounterCommands;
}

}  // namespace cardinal::cmd
