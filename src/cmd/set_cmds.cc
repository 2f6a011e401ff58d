// Set commands on one key: membership, cardinality, random members, moving and scanning.
// The multi-key algebra (SINTER, SUNION, SDIFF and their STORE forms) is in set_algebra_cmds.cc.
#include <algorithm>
#include <string>
#include <vector>

#include "cardinal/cmd/families.h"
#include "cardinal/util/numbers.h"
#include "helpers.h"

namespace cardinal::cmd {

namespace {

using engine::DbEntry;
using engine::SetValue;
using engine::Value;
using engine::ValueType;

size_t intset_limit(const CommandContext& ctx) {
  return static_cast<size_t>(ctx.server.settings().set_max_intset_entries);
}

SetValue* read_set(CommandContext& ctx, std::string_view key) {
  DbEntry* e = lookup_read_typed(ctx, key, ValueType::Set);
  return e ? &e->value.as_set() : nullptr;
}

SetValue* write_set(CommandContext& ctx, std::string_view key) {
  DbEntry* e = lookup_write_typed(ctx, key, ValueType::Set);
  return e ? &e->value.as_set() : nullptr;
}

// After members left `set` (stored under `key`): reports `event`, deletes the key when the set
// is empty (reporting "del") and signals the change.
void set_members_removed(CommandContext& ctx, std::string_view key, SetValue& set,
                         std::string_view event) {
  elements_removed(ctx, key, config::kEventSet, event, set.size() == 0);
}

void sadd(CommandContext& ctx) {
  SetValue* set = write_set(ctx, ctx.arg(1));
  if (ctx.failed) return;
  if (!set)
    set = &ctx.db().set(ctx.arg(1), Value::set(SetValue::for_member(ctx.arg(2)))).value.as_set();
  int64_t added = 0;
  for (size_t i = 2; i < ctx.argc(); ++i) added += set->add(ctx.arg(i), intset_limit(ctx)) ? 1 : 0;
  if (added > 0) ctx.changed(ctx.arg(1), config::kEventSet, "sadd");
  ctx.reply.integer(added);
}

void srem(CommandContext& ctx) {
  SetValue* set = write_set(ctx, ctx.arg(1));
  if (!set) return ctx.failed ? void() : ctx.reply.integer(0);
  int64_t removed = 0;
  for (size_t i = 2; i < ctx.argc() && set->size() > 0; ++i)
    removed += set->remove(ctx.arg(i)) ? 1 : 0;
  if (removed > 0) set_members_removed(ctx, ctx.arg(1), *set, "srem");
  ctx.reply.integer(removed);
}

void sismember(CommandContext& ctx) {
  SetValue* set = read_set(ctx, ctx.arg(1));
  if (ctx.failed) return;
  ctx.reply.integer(set && set->contains(ctx.arg(2)) ? 1 : 0);
}

void smismember(CommandContext& ctx) {
  SetValue* set = read_set(ctx, ctx.arg(1));
  if (ctx.failed) return;
  ctx.reply.array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i)
    ctx.reply.integer(set && set->contains(ctx.arg(i)) ? 1 : 0);
}

void smembers(CommandContext& ctx) {
  SetValue* set = read_set(ctx, ctx.arg(1));
  if (ctx.failed) return;
  if (!set) return ctx.reply.set(0);
  ctx.reply.set(set->size());
  set->for_each([&](std::string_view m) { ctx.reply.bulk(m); });
}

void scard(CommandContext& ctx) {
  SetValue* set = read_set(ctx, ctx.arg(1));
  if (ctx.failed) return;
  ctx.reply.integer(set ? static_cast<int64_t>(set->size()) : 0);
}

std::vector<std::string> sample_members(SetValue& set, size_t count, std::mt19937_64& rng) {
  return distinct_sample<std::string>(
      set.size(), count, rng,
      [&] {
        std::vector<std::string> all;
        set.for_each([&](std::string_view m) { all.emplace_back(m); });
        return all;
      },
      [&] { return set.random_member(rng); },
      [](const std::string& m) { return std::string_view(m); });
}

void spop(CommandContext& ctx) {
  if (ctx.argc() > 3) return ctx.error(Errc::Syntax);
  if (ctx.argc() == 2) {
    SetValue* set = write_set(ctx, ctx.arg(1));
    if (ctx.failed) return;
    if (!set) return ctx.reply.null();
    std::string m = set->random_member(ctx.server.rng);
    set->remove(m);
    set_members_removed(ctx, ctx.arg(1), *set, "spop");
    if (ctx.propagating()) ctx.propagate_as({"SREM", ctx.arg(1), m});  // the pick is random
    return ctx.reply.bulk(m);
  }
  int64_t count;  // any unreadable or negative count gets the same reply in Redis
  if (!util::parse_i64(ctx.arg(2), count) || count < 0) return ctx.error(Errc::NotPositive);
  SetValue* set = write_set(ctx, ctx.arg(1));
  if (ctx.failed) return;
  if (!set || count == 0) return ctx.reply.set(0);
  if (static_cast<uint64_t>(count) >= set->size()) {
    ctx.reply.set(set->size());
    set->for_each([&](std::string_view m) { ctx.reply.bulk(m); });
    ctx.notify(config::kEventSet, "spop", ctx.arg(1));
    ctx.db().remove(ctx.arg(1));
    ctx.changed(ctx.arg(1), config::kEventGeneric, "del");
    if (ctx.propagating()) ctx.propagate_as({"DEL", ctx.arg(1)});
    return;
  }
  std::vector<std::string> popped =
      sample_members(*set, static_cast<size_t>(count), ctx.server.rng);
  ctx.reply.set(popped.size());
  for (const std::string& m : popped) {
    set->remove(m);
    ctx.reply.bulk(m);
  }
  set_members_removed(ctx, ctx.arg(1), *set, "spop");
  if (ctx.propagating()) {
    std::vector<std::string> srem = {"SREM", std::string(ctx.arg(1))};
    srem.insert(srem.end(), popped.begin(), popped.end());
    ctx.propagate_as(std::move(srem));
  }
}

void srandmember(CommandContext& ctx) {
  if (ctx.argc() > 3) return ctx.error(Errc::Syntax);
  if (ctx.argc() == 2) {
    SetValue* set = read_set(ctx, ctx.arg(1));
    if (ctx.failed) return;
    if (!set) return ctx.reply.null();
    return ctx.reply.bulk(set->random_member(ctx.server.rng));
  }
  int64_t count;
  if (!ctx.parse_int(ctx.arg(2), count)) return;
  if (count == INT64_MIN)
    return ctx.error(Errc::OutOfLongRange, "-9223372036854775807", "9223372036854775807");
  SetValue* set = read_set(ctx, ctx.arg(1));
  if (ctx.failed) return;
  if (!set || count == 0) return ctx.reply.array(0);
  if (count < 0) {  // repeats allowed
    ctx.reply.array(static_cast<size_t>(-count));
    for (int64_t i = 0; i < -count; ++i) ctx.reply.bulk(set->random_member(ctx.server.rng));
    return;
  }
  if (static_cast<uint64_t>(count) >= set->size()) {
    ctx.reply.array(set->size());
    set->for_each([&](std::string_view m) { ctx.reply.bulk(m); });
    return;
  }
  std::vector<std::string> picked =
      sample_members(*set, static_cast<size_t>(count), ctx.server.rng);
  ctx.reply.array(picked.size());
  for (const std::string& m : picked) ctx.reply.bulk(m);
}

void smove(CommandContext& ctx) {
  std::string_view src_key = ctx.arg(1), dst_key = ctx.arg(2), member = ctx.arg(3);
  DbEntry* src = ctx.db().find_for_write(src_key);
  DbEntry* dst = ctx.db().find_for_write(dst_key);
  if (!src) return ctx.reply.integer(0);
  if (src->value.type() != ValueType::Set || (dst && dst->value.type() != ValueType::Set))
    return ctx.error(Errc::WrongType);
  if (src == dst) return ctx.reply.integer(src->value.as_set().contains(member) ? 1 : 0);
  if (!src->value.as_set().remove(member)) return ctx.reply.integer(0);
  set_members_removed(ctx, src_key, src->value.as_set(), "srem");
  dst = ctx.db().find_for_write(dst_key);
  if (!dst) dst = &ctx.db().set(dst_key, Value::set(SetValue::for_member(member)));
  if (dst->value.as_set().add(member, intset_limit(ctx)))
    ctx.changed(dst_key, config::kEventSet, "sadd");
  ctx.reply.integer(1);
}

void sscan(CommandContext& ctx) {
  uint64_t cursor;
  if (!parse_scan_cursor(ctx, ctx.arg(2), cursor)) return;
  SetValue* set = read_set(ctx, ctx.arg(1));
  if (ctx.failed) return;
  if (!set) return reply_scan(ctx, 0, {});
  ScanOptions opts;
  if (!parse_scan_options(ctx, 3, false, opts)) return;
  std::vector<std::string> found;
  cursor = scan_steps(
      cursor, opts,
      [&](uint64_t c) { return set->scan(c, [&](std::string_view m) { found.emplace_back(m); }); },
      [&] { return found.size(); });
  std::vector<std::string_view> shown;
  for (const std::string& m : found)
    if (opts.matches(m)) shown.push_back(m);
  reply_scan(ctx, cursor, shown);
}

constexpr CommandSpec kSetCommands[] = {
    {.name = "sadd",
     .arity = -3,
     .flags = kWrite | kDenyOom | kFast,
     .keys = {1, 1, 1},
     .group = Group::Set,
     .since = "1.0.0",
     .summary = "Add one or more members to a set",
     .complexity = "O(1) for each element added, so O(N) to add N elements when the command is "
                   "called with multiple arguments.",
     .syntax = "key member [member ...]",
     .handler = sadd},
    {.name = "srem",
     .arity = -3,
     .flags = kWrite | kFast,
     .keys = {1, 1, 1},
     .group = Group::Set,
     .since = "1.0.0",
     .summary = "Remove one or more members from a set",
     .complexity = "O(N) where N is the number of members to be removed.",
     .syntax = "key member [member ...]",
     .handler = srem},
    {.name = "sismember",
     .arity = 3,
     .flags = kReadonly | kFast,
     .keys = {1, 1, 1},
     .group = Group::Set,
     .since = "1.0.0",
     .summary = "Determine if a given value is a member of a set",
     .complexity = "O(1)",
     .syntax = "key member",
     .handler = sismember},
    {.name = "smismember",
     .arity = -3,
     .flags = kReadonly | kFast,
     .keys = {1, 1, 1},
     .group = Group::Set,
     .since = "6.2.0",
     .summary = "Returns the membership associated with the given elements for a set",
     .complexity = "O(N) where N is the number of elements being checked for membership",
     .syntax = "key member [member ...]",
     .handler = smismember},
    {.name = "smembers",
     .arity = 2,
     .flags = kReadonly,
     .keys = {1, 1, 1},
     .group = Group::Set,
     .since = "1.0.0",
     .summary = "Get all the members in a set",
     .complexity = "O(N) where N is the set cardinality.",
     .syntax = "key",
     .handler = smembers},
    {.name = "scard",
     .arity = 2,
     .flags = kReadonly | kFast,
     .keys = {1, 1, 1},
     .group = Group::Set,
     .since = "1.0.0",
     .summary = "Get the number of members in a set",
     .complexity = "O(1)",
     .syntax = "key",
     .handler = scard},
    {.name = "spop",
     .arity = -2,
     .flags = kWrite | kFast,
     .keys = {1, 1, 1},
     .group = Group::Set,
     .since = "1.0.0",
     .summary = "Remove and return one or multiple random members from a set",
     .complexity = "Without the count argument O(1), otherwise O(N) where N is the value of the "
                   "passed count.",
     .syntax = "key [count]",
     .handler = spop},
    {.name = "srandmember",
     .arity = -2,
     .flags = kReadonly,
     .keys = {1, 1, 1},
     .group = Group::Set,
     .since = "1.0.0",
     .summary = "Get one or multiple random members from a set",
     .complexity = "Without the count argument O(1), otherwise O(N) where N is the absolute value "
                   "of the passed count.",
     .syntax = "key [count]",
     .handler = srandmember},
    {.name = "smove",
     .arity = 4,
     .flags = kWrite | kFast,
     .keys = {1, 2, 1},
     .group = Group::Set,
     .since = "1.0.0",
     .summary = "Move a member from one set to another",
     .complexity = "O(1)",
     .syntax = "source destination member",
     .handler = smove},
    {.name = "sscan",
     .arity = -3,
     .flags = kReadonly,
     .keys = {1, 1, 1},
     .group = Group::Set,
     .since = "2.8.0",
     .summary = "Incrementally iterate Set elements",
     .complexity =
         "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
         "the cursor to return back to 0. N is the number of elements inside the collection..",
     .syntax = "key cursor [MATCH pattern] [COUNT count]",
     .handler = sscan},
};

}  // namespace

std::span<const CommandSpec> set_commands() {
  return kSetCommands;
}

}  // namespace cardinal::cmd
