// Hash commands: field reads and writes, counters on fields, whole-hash reads, random fields
// and HSCAN. Encodings and conversions are engine::HashValue's.
#include <cmath>
#include <string>
#include <vector>

#include "cardinal/cmd/families.h"
#include "cardinal/util/numbers.h"
#include "helpers.h"

namespace cardinal::cmd {

namespace {

using engine::DbEntry;
using engine::HashValue;
using engine::Value;
using engine::ValueType;

engine::HashLimits limits(const CommandContext& ctx) {
  const config::Settings& s = ctx.server.settings();
  return {static_cast<size_t>(s.hash_max_listpack_entries),
          static_cast<size_t>(s.hash_max_listpack_value)};
}

HashValue* read_hash(CommandContext& ctx, std::string_view key) {
  DbEntry* e = lookup_read_typed(ctx, key, ValueType::Hash);
  return e ? &e->value.as_hash() : nullptr;
}

// The hash under `key` for writing, created empty when missing; nullptr after WRONGTYPE.
HashValue* hash_for_write(CommandContext& ctx, std::string_view key) {
  DbEntry* e = lookup_write_typed(ctx, key, ValueType::Hash);
  if (ctx.failed) return nullptr;
  if (!e) e = &ctx.db().set(key, Value::hash(std::make_unique<HashValue>()));
  return &e->value.as_hash();
}

// HSET and HMSET: pairs from argument 2 on; returns the number of new fields or -1 on error.
int64_t set_pairs(CommandContext& ctx) {
  if (ctx.argc() % 2 == 1) {
    reply_wrong_arity(ctx);
    return -1;
  }
  HashValue* h = hash_for_write(ctx, ctx.arg(1));
  if (!h) return -1;
  engine::HashLimits lim = limits(ctx);
  int64_t created = 0;
  for (size_t i = 2; i + 1 < ctx.argc(); i += 2)
    created += h->set(ctx.arg(i), ctx.arg(i + 1), lim) ? 1 : 0;
  ctx.changed(ctx.arg(1), config::kEventHash, "hset");
  return created;
}

void hset(CommandContext& ctx) {
  int64_t created = set_pairs(ctx);
  if (created >= 0) ctx.reply.integer(created);
}

void hmset(CommandContext& ctx) {
  if (set_pairs(ctx) >= 0) ctx.reply.ok();
}

void hsetnx(CommandContext& ctx) {
  HashValue* h = hash_for_write(ctx, ctx.arg(1));
  if (!h) return;
  if (h->get(ctx.arg(2))) return ctx.reply.integer(0);
  h->set(ctx.arg(2), ctx.arg(3), limits(ctx));
  ctx.changed(ctx.arg(1), config::kEventHash, "hset");
  ctx.reply.integer(1);
}

void hget(CommandContext& ctx) {
  HashValue* h = read_hash(ctx, ctx.arg(1));
  if (ctx.failed) return;
  std::optional<std::string_view> v = h ? h->get(ctx.arg(2)) : std::nullopt;
  v ? ctx.reply.bulk(*v) : ctx.reply.null();
}

void hmget(CommandContext& ctx) {
  HashValue* h = read_hash(ctx, ctx.arg(1));
  if (ctx.failed) return;
  ctx.reply.array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    std::optional<std::string_view> v = h ? h->get(ctx.arg(i)) : std::nullopt;
    v ? ctx.reply.bulk(*v) : ctx.reply.null();
  }
}

void hdel(CommandContext& ctx) {
  DbEntry* e = lookup_write_typed(ctx, ctx.arg(1), ValueType::Hash);
  if (ctx.failed) return;
  if (!e) return ctx.reply.integer(0);
  HashValue& h = e->value.as_hash();
  int64_t removed = 0;
  for (size_t i = 2; i < ctx.argc() && h.size() > 0; ++i) removed += h.remove(ctx.arg(i)) ? 1 : 0;
  if (removed > 0) elements_removed(ctx, ctx.arg(1), config::kEventHash, "hdel", h.size() == 0);
  ctx.reply.integer(removed);
}

void hlen(CommandContext& ctx) {
  HashValue* h = read_hash(ctx, ctx.arg(1));
  if (ctx.failed) return;
  ctx.reply.integer(h ? static_cast<int64_t>(h->size()) : 0);
}

void hexists(CommandContext& ctx) {
  HashValue* h = read_hash(ctx, ctx.arg(1));
  if (ctx.failed) return;
  ctx.reply.integer(h && h->get(ctx.arg(2)) ? 1 : 0);
}

void hstrlen(CommandContext& ctx) {
  HashValue* h = read_hash(ctx, ctx.arg(1));
  if (ctx.failed) return;
  std::optional<std::string_view> v = h ? h->get(ctx.arg(2)) : std::nullopt;
  ctx.reply.integer(v ? static_cast<int64_t>(v->size()) : 0);
}

void hincrby(CommandContext& ctx) {
  int64_t delta;
  if (!ctx.parse_int(ctx.arg(3), delta)) return;
  HashValue* h = hash_for_write(ctx, ctx.arg(1));
  if (!h) return;
  int64_t current = 0;
  if (std::optional<std::string_view> v = h->get(ctx.arg(2)); v && !util::parse_i64(*v, current))
    return ctx.error(Errc::HashValueNotInteger);
  int64_t result;
  if (__builtin_add_overflow(current, delta, &result)) return ctx.error(Errc::IncrOverflow);
  h->set(ctx.arg(2), util::i64_to_string(result), limits(ctx));
  ctx.changed(ctx.arg(1), config::kEventHash, "hincrby");
  ctx.reply.integer(result);
}

void hincrbyfloat(CommandContext& ctx) {
  long double delta;
  if (!util::parse_long_double(ctx.arg(3), delta)) return ctx.error(Errc::NotFloat);
  if (std::isnan(delta) || std::isinf(delta)) return ctx.error(Errc::NanOrInfinityArg);
  HashValue* h = hash_for_write(ctx, ctx.arg(1));
  if (!h) return;
  long double current = 0;
  if (std::optional<std::string_view> v = h->get(ctx.arg(2));
      v && !util::parse_long_double(*v, current))
    return ctx.error(Errc::HashValueNotFloat);
  long double result = current + delta;
  if (std::isnan(result) || std::isinf(result)) return ctx.error(Errc::NanOrInfinity);
  std::string text = util::format_long_double_human(result);
  h->set(ctx.arg(2), text, limits(ctx));
  ctx.changed(ctx.arg(1), config::kEventHash, "hincrbyfloat");
  if (ctx.propagating()) ctx.propagate_as({"HSET", ctx.arg(1), ctx.arg(2), text});
  ctx.reply.bulk(text);
}

enum class Part { Keys, Values, Both };

void reply_all(CommandContext& ctx, Part part) {
  HashValue* h = read_hash(ctx, ctx.arg(1));
  if (ctx.failed) return;
  size_t n = h ? h->size() : 0;
  part == Part::Both ? ctx.reply.map(n) : ctx.reply.array(n);
  if (!h) return;
  h->for_each([&](std::string_view f, std::string_view v) {
    if (part != Part::Values) ctx.reply.bulk(f);
    if (part != Part::Keys) ctx.reply.bulk(v);
  });
}

void hkeys(CommandContext& ctx) {
  reply_all(ctx, Part::Keys);
}
void hvals(CommandContext& ctx) {
  reply_all(ctx, Part::Values);
}
void hgetall(CommandContext& ctx) {
  reply_all(ctx, Part::Both);
}

void reply_field(CommandContext& ctx, std::string_view f, std::string_view v, bool with_values) {
  if (with_values && ctx.reply.resp3()) ctx.reply.array(2);
  ctx.reply.bulk(f);
  if (with_values) ctx.reply.bulk(v);
}

void hrandfield(CommandContext& ctx) {
  if (ctx.argc() == 2) {
    HashValue* h = read_hash(ctx, ctx.arg(1));
    if (ctx.failed) return;
    if (!h) return ctx.reply.null();
    return ctx.reply.bulk(h->random_entry(ctx.server.rng).first);
  }
  int64_t count;
  if (!ctx.parse_int(ctx.arg(2), count)) return;
  if (count == INT64_MIN)
    return ctx.error(Errc::OutOfLongRange, "-9223372036854775807", "9223372036854775807");
  bool with_values = false;
  if (ctx.argc() == 4 && CommandContext::is(ctx.arg(3), "WITHVALUES")) {
    if (count < -INT64_MAX / 2 || count > INT64_MAX / 2) return ctx.error(Errc::OutOfRange);
    with_values = true;
  } else if (ctx.argc() > 3) {
    return ctx.error(Errc::Syntax);
  }
  HashValue* h = read_hash(ctx, ctx.arg(1));
  if (ctx.failed) return;
  if (!h || count == 0) return ctx.reply.array(0);
  auto items = [&](size_t n) { ctx.reply.array(with_values && !ctx.reply.resp3() ? n * 2 : n); };
  if (count < 0) {  // repeats allowed
    items(static_cast<size_t>(-count));
    for (int64_t i = 0; i < -count; ++i) {
      HashValue::Entry e = h->random_entry(ctx.server.rng);
      reply_field(ctx, e.first, e.second, with_values);
    }
    return;
  }
  if (static_cast<uint64_t>(count) >= h->size()) {
    items(h->size());
    h->for_each(
        [&](std::string_view f, std::string_view v) { reply_field(ctx, f, v, with_values); });
    return;
  }
  std::vector<HashValue::Entry> picked = distinct_sample<HashValue::Entry>(
      h->size(), static_cast<size_t>(count), ctx.server.rng,
      [&] {
        std::vector<HashValue::Entry> all;
        h->for_each([&](std::string_view f, std::string_view v) { all.emplace_back(f, v); });
        return all;
      },
      [&] { return h->random_entry(ctx.server.rng); },
      [](const HashValue::Entry& e) { return std::string_view(e.first); });
  items(picked.size());
  for (const auto& [f, v] : picked) reply_field(ctx, f, v, with_values);
}

void hscan(CommandContext& ctx) {
  uint64_t cursor;
  if (!parse_scan_cursor(ctx, ctx.arg(2), cursor)) return;
  HashValue* h = read_hash(ctx, ctx.arg(1));
  if (ctx.failed) return;
  if (!h) return reply_scan(ctx, 0, {});
  ScanOptions opts;
  if (!parse_scan_options(ctx, 3, false, opts)) return;
  std::vector<std::string> found;  // field, value, field, value, ...
  cursor = scan_steps(
      cursor, opts,
      [&](uint64_t c) {
        return h->scan(c, [&](std::string_view f, std::string_view v) {
          found.emplace_back(f);
          found.emplace_back(v);
        });
      },
      [&] { return found.size() / 2; });
  std::vector<std::string_view> shown;
  for (size_t i = 0; i + 1 < found.size(); i += 2) {
    if (!opts.matches(found[i])) continue;
    shown.push_back(found[i]);
    shown.push_back(found[i + 1]);
  }
  reply_scan(ctx, cursor, shown);
}

constexpr CommandSpec kHashCommands[] = {
    {.name = "hset",
     .arity = -4,
     .flags = kWrite | kDenyOom | kFast,
     .keys = {1, 1, 1},
     .group = Group::Hash,
     .since = "2.0.0",
     .summary = "Set the string value of a hash field",
     .complexity = "O(1) for each field/value pair added, so O(N) to add N field/value pairs when "
                   "the command is called with multiple field/value pairs.",
     .syntax = "key field value [field value ...]",
     .handler = hset},
    {.name = "hmset",
     .arity = -4,
     .flags = kWrite | kDenyOom | kFast,
     .keys = {1, 1, 1},
     .group = Group::Hash,
     .since = "2.0.0",
     .summary = "Set multiple hash fields to multiple values",
     .complexity = "O(N) where N is the number of fields being set.",
     .syntax = "key field value [field value ...]",
     .handler = hmset},
    {.name = "hsetnx",
     .arity = 4,
     .flags = kWrite | kDenyOom | kFast,
     .keys = {1, 1, 1},
     .group = Group::Hash,
     .since = "2.0.0",
     .summary = "Set the value of a hash field, only if the field does not exist",
     .complexity = "O(1)",
     .syntax = "key field value",
     .handler = hsetnx},
    {.name = "hget",
     .arity = 3,
     .flags = kReadonly | kFast,
     .keys = {1, 1, 1},
     .group = Group::Hash,
     .since = "2.0.0",
     .summary = "Get the value of a hash field",
     .complexity = "O(1)",
     .syntax = "key field",
     .handler = hget},
    {.name = "hmget",
     .arity = -3,
     .flags = kReadonly | kFast,
     .keys = {1, 1, 1},
     .group = Group::Hash,
     .since = "2.0.0",
     .summary = "Get the values of all the given hash fields",
     .complexity = "O(N) where N is the number of fields being requested.",
     .syntax = "key field [field ...]",
     .handler = hmget},
    {.name = "hdel",
     .arity = -3,
     .flags = kWrite | kFast,
     .keys = {1, 1, 1},
     .group = Group::Hash,
     .since = "2.0.0",
     .summary = "Delete one or more hash fields",
     .complexity = "O(N) where N is the number of fields to be removed.",
     .syntax = "key field [field ...]",
     .handler = hdel},
    {.name = "hlen",
     .arity = 2,
     .flags = kReadonly | kFast,
     .keys = {1, 1, 1},
     .group = Group::Hash,
     .since = "2.0.0",
     .summary = "Get the number of fields in a hash",
     .complexity = "O(1)",
     .syntax = "key",
     .handler = hlen},
    {.name = "hexists",
     .arity = 3,
     .flags = kReadonly | kFast,
     .keys = {1, 1, 1},
     .group = Group::Hash,
     .since = "2.0.0",
     .summary = "Determine if a hash field exists",
     .complexity = "O(1)",
     .syntax = "key field",
     .handler = hexists},
    {.name = "hstrlen",
     .arity = 3,
     .flags = kReadonly | kFast,
     .keys = {1, 1, 1},
     .group = Group::Hash,
     .since = "3.2.0",
     .summary = "Get the length of the value of a hash field",
     .complexity = "O(1)",
     .syntax = "key field",
     .handler = hstrlen},
    {.name = "hincrby",
     .arity = 4,
     .flags = kWrite | kDenyOom | kFast,
     .keys = {1, 1, 1},
     .group = Group::Hash,
     .since = "2.0.0",
     .summary = "Increment the integer value of a hash field by the given number",
     .complexity = "O(1)",
     .syntax = "key field increment",
     .handler = hincrby},
    {.name = "hincrbyfloat",
     .arity = 4,
     .flags = kWrite | kDenyOom | kFast,
     .keys = {1, 1, 1},
     .group = Group::Hash,
     .since = "2.6.0",
     .summary = "Increment the float value of a hash field by the given amount",
     .complexity = "O(1)",
     .syntax = "key field increment",
     .handler = hincrbyfloat},
    {.name = "hkeys",
     .arity = 2,
     .flags = kReadonly,
     .keys = {1, 1, 1},
     .group = Group::Hash,
     .since = "2.0.0",
     .summary = "Get all the fields in a hash",
     .complexity = "O(N) where N is the size of the hash.",
     .syntax = "key",
     .handler = hkeys},
    {.name = "hvals",
     .arity = 2,
     .flags = kReadonly,
     .keys = {1, 1, 1},
     .group = Group::Hash,
     .since = "2.0.0",
     .summary = "Get all the values in a hash",
     .complexity = "O(N) where N is the size of the hash.",
     .syntax = "key",
     .handler = hvals},
    {.name = "hgetall",
     .arity = 2,
     .flags = kReadonly,
     .keys = {1, 1, 1},
     .group = Group::Hash,
     .since = "2.0.0",
     .summary = "Get all the fields and values in a hash",
     .complexity = "O(N) where N is the size of the hash.",
     .syntax = "key",
     .handler = hgetall},
    {.name = "hrandfield",
     .arity = -2,
     .flags = kReadonly,
     .keys = {1, 1, 1},
     .group = Group::Hash,
     .since = "6.2.0",
     .summary = "Get one or multiple random fields from a hash",
     .complexity = "O(N) where N is the number of fields returned",
     .syntax = "key [count [WITHVALUES]]",
     .handler = hrandfield},
    {.name = "hscan",
     .arity = -3,
     .flags = kReadonly,
     .keys = {1, 1, 1},
     .group = Group::Hash,
     .since = "2.8.0",
     .summary = "Incrementally iterate hash fields and associated values",
     .complexity =
         "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
         "the cursor to return back to 0. N is the number of elements inside the collection..",
     .syntax = "key cursor [MATCH pattern] [COUNT count]",
     .handler = hscan},
};

}  // namespace

std::span<const CommandSpec> hash_commands() {
  return kHashCommands;
}

}  // namespace cardinal::cmd
