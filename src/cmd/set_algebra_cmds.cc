// Multi-key set algebra: SINTER, SINTERCARD, SUNION, SDIFF and the STORE forms. Every input is
// type-checked before any work (WRONGTYPE wins over an empty result, as in Redis); the
// algorithms themselves are engine::set_ops.
#include <string>
#include <vector>

#include "cardinal/cmd/families.h"
#include "cardinal/engine/set_ops.h"
#include "cardinal/util/numbers.h"
#include "helpers.h"

namespace cardinal::cmd {

namespace {

using engine::DbEntry;
using engine::SetValue;
using engine::Value;
using engine::ValueType;

enum class SetOp { Inter, Union, Diff };

// The sets under `keys` (nullptr for a missing key); false after a WRONGTYPE reply.
bool gather(CommandContext& ctx, std::span<const std::string_view> keys, bool for_write,
            std::vector<const SetValue*>& out) {
  for (std::string_view key : keys) {
    DbEntry* e = for_write ? lookup_write_typed(ctx, key, ValueType::Set)
                           : lookup_read_typed(ctx, key, ValueType::Set);
    if (ctx.failed) return false;
    out.push_back(e ? &e->value.as_set() : nullptr);
  }
  return true;
}

// Computes `op` over the gathered sets into a result set (built like SADD would build it).
std::unique_ptr<SetValue> compute(CommandContext& ctx, SetOp op,
                                  std::vector<const SetValue*>& sets) {
  size_t limit = static_cast<size_t>(ctx.server.settings().set_max_intset_entries);
  auto result = SetValue::empty_intset();
  auto add = [&](std::string_view m) { result->add(m, limit); };
  switch (op) {
    case SetOp::Inter:
      for (const SetValue* s : sets)
        if (!s) return result;  // a missing key is an empty set: the intersection is empty
      engine::set_intersect(sets, add);
      break;
    case SetOp::Union: {
      std::erase(sets, nullptr);
      return engine::set_union(sets, limit);
    }
    case SetOp::Diff: {
      if (sets.empty() || !sets.front()) return result;
      std::vector<const SetValue*> present{sets.front()};
      for (size_t i = 1; i < sets.size(); ++i)
        if (sets[i]) present.push_back(sets[i]);
      engine::set_difference(present, add);
      break;
    }
  }
  return result;
}

void reply_members(CommandContext& ctx, const SetValue& set) {
  ctx.reply.set(set.size());
  set.for_each([&](std::string_view m) { ctx.reply.bulk(m); });
}

void algebra(CommandContext& ctx, SetOp op) {
  std::vector<const SetValue*> sets;
  if (!gather(ctx, ctx.args.subspan(1), false, sets)) return;
  if (op == SetOp::Inter) {
    // Streamed straight into the reply: no result set is built for a read-only intersection.
    for (const SetValue* s : sets)
      if (!s) return ctx.reply.set(0);  // a missing key is an empty set
    size_t at = ctx.reply.size();
    size_t n = engine::set_intersect(sets, [&](std::string_view m) { ctx.reply.bulk(m); });
    return ctx.reply.insert_set_header(at, n);
  }
  reply_members(ctx, *compute(ctx, op, sets));
}

std::string_view store_event(SetOp op) {
  switch (op) {
    case SetOp::Inter:
      return "sinterstore";
    case SetOp::Union:
      return "sunionstore";
    case SetOp::Diff:
      return "sdiffstore";
  }
  return "";
}

void algebra_store(CommandContext& ctx, SetOp op) {
  std::vector<const SetValue*> sets;
  if (!gather(ctx, ctx.args.subspan(2), true, sets)) return;
  std::unique_ptr<SetValue> result = compute(ctx, op, sets);
  std::string_view dst = ctx.arg(1);
  auto size = static_cast<int64_t>(result->size());
  if (size == 0) {
    if (ctx.db().remove(dst)) ctx.changed(dst, config::kEventGeneric, "del");
  } else {
    ctx.db().set(dst, Value::set(std::move(result)));  // replaces any value and its TTL
    ctx.changed(dst, config::kEventSet, store_event(op));
  }
  ctx.reply.integer(size);
}

void sinter(CommandContext& ctx) {
  algebra(ctx, SetOp::Inter);
}
void sunion(CommandContext& ctx) {
  algebra(ctx, SetOp::Union);
}
void sdiff(CommandContext& ctx) {
  algebra(ctx, SetOp::Diff);
}
void sinterstore(CommandContext& ctx) {
  algebra_store(ctx, SetOp::Inter);
}
void sunionstore(CommandContext& ctx) {
  algebra_store(ctx, SetOp::Union);
}
void sdiffstore(CommandContext& ctx) {
  algebra_store(ctx, SetOp::Diff);
}

void sintercard(CommandContext& ctx) {
  int64_t numkeys;
  if (!util::parse_i64(ctx.arg(1), numkeys) || numkeys < 1)
    return ctx.error(Errc::NumkeysNotPositive);
  if (numkeys > static_cast<int64_t>(ctx.argc()) - 2) return ctx.error(Errc::NumkeysTooLarge);
  auto keys = ctx.args.subspan(2, static_cast<size_t>(numkeys));
  int64_t limit = 0;
  for (size_t i = 2 + static_cast<size_t>(numkeys); i < ctx.argc(); ++i) {
    if (CommandContext::is(ctx.arg(i), "LIMIT") && i + 1 < ctx.argc()) {
      if (!util::parse_i64(ctx.arg(++i), limit) || limit < 0) return ctx.error(Errc::LimitNegative);
    } else {
      return ctx.error(Errc::Syntax);
    }
  }
  std::vector<const SetValue*> sets;
  if (!gather(ctx, keys, false, sets)) return;
  for (const SetValue* s : sets)
    if (!s) return ctx.reply.integer(0);
  size_t n = engine::set_intersect(
      sets, [](std::string_view) {}, static_cast<size_t>(limit));
  ctx.reply.integer(static_cast<int64_t>(n));
}

constexpr CommandSpec kSetAlgebraCommands[] = {
    {.name = "sinter",
     .arity = -2,
     .flags = kReadonly,
     .keys = {1, -1, 1},
     .group = Group::Set,
     .since = "1.0.0",
     .summary = "Intersect multiple sets",
     .complexity = "O(N*M) worst case where N is the cardinality of the smallest set and M is the "
                   "number of sets.",
     .syntax = "key [key ...]",
     .handler = sinter},
    {.name = "sinterstore",
     .arity = -3,
     .flags = kWrite | kDenyOom,
     .keys = {1, -1, 1},
     .group = Group::Set,
     .since = "1.0.0",
     .summary = "Intersect multiple sets and store the resulting set in a key",
     .complexity = "O(N*M) worst case where N is the cardinality of the smallest set and M is the "
                   "number of sets.",
     .syntax = "destination key [key ...]",
     .handler = sinterstore},
    {.name = "sintercard",
     .arity = -3,
     .flags = kReadonly,
     .keys = {2, -1, 1, 1},
     .group = Group::Set,
     .since = "7.0.0",
     .summary = "Intersect multiple sets and return the cardinality of the result",
     .complexity = "O(N*M) worst case where N is the cardinality of the smallest set and M is the "
                   "number of sets.",
     .syntax = "numkeys key [key ...] [LIMIT limit]",
     .handler = sintercard},
    {.name = "sunion",
     .arity = -2,
     .flags = kReadonly,
     .keys = {1, -1, 1},
     .group = Group::Set,
     .since = "1.0.0",
     .summary = "Add multiple sets",
     .complexity = "O(N) where N is the total number of elements in all given sets.",
     .syntax = "key [key ...]",
     .handler = sunion},
    {.name = "sunionstore",
     .arity = -3,
     .flags = kWrite | kDenyOom,
     .keys = {1, -1, 1},
     .group = Group::Set,
     .since = "1.0.0",
     .summary = "Add multiple sets and store the resulting set in a key",
     .complexity = "O(N) where N is the total number of elements in all given sets.",
     .syntax = "destination key [key ...]",
     .handler = sunionstore},
    {.name = "sdiff",
     .arity = -2,
     .flags = kReadonly,
     .keys = {1, -1, 1},
     .group = Group::Set,
     .since = "1.0.0",
     .summary = "Subtract multiple sets",
     .complexity = "O(N) where N is the total number of elements in all given sets.",
     .syntax = "key [key ...]",
     .handler = sdiff},
    {.name = "sdiffstore",
     .arity = -3,
     .flags = kWrite | kDenyOom,
     .keys = {1, -1, 1},
     .group = Group::Set,
     .since = "1.0.0",
     .summary = "Subtract multiple sets and store the resulting set in a key",
     .complexity = "O(N) where N is the total number of elements in all given sets.",
     .syntax = "destination key [key ...]",
     .handler = sdiffstore},
};

}  // namespace

std::span<const CommandSpec> set_algebra_commands() {
  return kSetAlgebraCommands;
}

}  // namespace cardinal::cmd
