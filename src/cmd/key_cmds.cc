// Keyspace commands: existence, type, deletion, renaming, copying and moving keys between
// databases, enumeration (KEYS, SCAN, RANDOMKEY) and flushing.
#include <cerrno>
#include <cstdlib>
#include <string>
#include <vector>

#include "cardinal/cmd/families.h"
#include "cardinal/cmd/snapshot.h"
#include "cardinal/util/glob.h"
#include "cardinal/util/numbers.h"
#include "helpers.h"

namespace cardinal::cmd {

namespace {

using engine::DbEntry;

void del(CommandContext& ctx) {
  int64_t n = 0;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    if (!ctx.db().remove(ctx.arg(i))) continue;
    ctx.changed(ctx.arg(i), config::kEventGeneric, "del");
    ++n;
  }
  ctx.reply.integer(n);
}

void exists(CommandContext& ctx) {
  int64_t n = 0;
  for (size_t i = 1; i < ctx.argc(); ++i) n += ctx.db().find_for_read(ctx.arg(i)) ? 1 : 0;
  ctx.reply.integer(n);
}

void touch(CommandContext& ctx) {
  int64_t n = 0;
  for (size_t i = 1; i < ctx.argc(); ++i) n += ctx.db().find_for_read(ctx.arg(i)) ? 1 : 0;
  ctx.reply.integer(n);
}

void type(CommandContext& ctx) {
  DbEntry* e = ctx.db().find_quiet(ctx.arg(1));
  ctx.reply.simple(e ? engine::type_name(e->value.type()) : "none");
}

void rename_generic(CommandContext& ctx, bool only_if_absent) {
  std::string_view src = ctx.arg(1), dst = ctx.arg(2);
  DbEntry* e = ctx.db().find_for_write(src);
  if (!e) return ctx.error(Errc::NoSuchKey);
  if (src == dst) return only_if_absent ? ctx.reply.integer(0) : ctx.reply.ok();
  if (ctx.db().find_for_write(dst)) {
    if (only_if_absent) return ctx.reply.integer(0);
    ctx.db().remove(dst);
  }
  ctx.db().insert(dst, std::move(*ctx.db().take(src)));
  ctx.changed(src, config::kEventGeneric, "rename_from");
  ctx.changed(dst, config::kEventGeneric, "rename_to");
  only_if_absent ? ctx.reply.integer(1) : ctx.reply.ok();
}

void rename(CommandContext& ctx) {
  rename_generic(ctx, false);
}
void renamenx(CommandContext& ctx) {
  rename_generic(ctx, true);
}

bool parse_db_index(CommandContext& ctx, std::string_view text, int& out) {
  int64_t v;
  if (!ctx.parse_int(text, v)) return false;
  if (v < INT32_MIN || v > INT32_MAX) {
    ctx.error(Errc::NotInteger);
    return false;
  }
  if (v < 0 || v >= ctx.server.keyspace.database_count()) {
    ctx.error(Errc::DbIndexOutOfRange);
    return false;
  }
  out = static_cast<int>(v);
  return true;
}

void move(CommandContext& ctx) {
  int target;
  if (!parse_db_index(ctx, ctx.arg(2), target)) return;
  if (target == ctx.session.db) return ctx.error(Errc::SameObject);
  DbEntry* e = ctx.db().find_for_write(ctx.arg(1));
  if (!e) return ctx.reply.integer(0);
  engine::Database& dst = ctx.server.keyspace.db(target);
  if (dst.find_for_write(ctx.arg(1))) return ctx.reply.integer(0);
  dst.insert(ctx.arg(1), std::move(*ctx.db().take(ctx.arg(1))));
  ctx.changed(ctx.arg(1), config::kEventGeneric, "move_from");
  ctx.server.key_events.modified(target, ctx.arg(1));
  ctx.server.key_events.notify(config::kEventGeneric, "move_to", target, ctx.arg(1));
  ctx.reply.integer(1);
}

void copy(CommandContext& ctx) {
  int target = ctx.session.db;
  bool replace = false;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    if (CommandContext::is(ctx.arg(i), "REPLACE")) {
      replace = true;
    } else if (CommandContext::is(ctx.arg(i), "DB") && i + 1 < ctx.argc()) {
      int64_t v;
      if (!ctx.parse_int(ctx.arg(++i), v)) return;
      if (v < 0 || v >= ctx.server.keyspace.database_count())
        return ctx.error(Errc::DbIndexOutOfRange);
      target = static_cast<int>(v);
    } else {
      return ctx.error(Errc::Syntax);
    }
  }
  std::string_view src = ctx.arg(1), dst_key = ctx.arg(2);
  if (target == ctx.session.db && src == dst_key) return ctx.error(Errc::SameObject);
  DbEntry* e = ctx.db().find_for_read(src);
  if (!e) return ctx.reply.integer(0);
  engine::Database& dst = ctx.server.keyspace.db(target);
  if (dst.find_for_write(dst_key)) {
    if (!replace) return ctx.reply.integer(0);
    dst.remove(dst_key);
  }
  dst.insert(dst_key, engine::DetachedEntry{e->value.duplicate(), ctx.db().expire_of(*e)});
  ctx.note_change();
  ctx.server.key_events.modified(target, dst_key);
  ctx.server.key_events.notify(config::kEventGeneric, "copy_to", target, dst_key);
  ctx.reply.integer(1);
}

void keys(CommandContext& ctx) {
  std::string_view pattern = ctx.arg(1);
  bool all = pattern == "*";
  std::vector<const DbEntry*> found;
  ctx.db().for_each([&](const DbEntry& e) {
    if (ctx.db().is_expired(e)) return;
    if (all || util::glob_match(pattern, e.key())) found.push_back(&e);
  });
  ctx.reply.array(found.size());
  for (const DbEntry* e : found) ctx.reply.bulk(e->key());
}

void scan(CommandContext& ctx) {
  uint64_t cursor;
  if (!parse_scan_cursor(ctx, ctx.arg(1), cursor)) return;
  ScanOptions opts;
  if (!parse_scan_options(ctx, 2, true, opts)) return;
  std::vector<std::string> keys;
  cursor = scan_steps(
      cursor, opts,
      [&](uint64_t c) {
        return ctx.db().scan(c, [&](const DbEntry& e) { keys.emplace_back(e.key()); });
      },
      [&] { return keys.size(); });
  std::vector<std::string_view> shown;
  for (const std::string& k : keys) {
    if (!opts.matches(k)) continue;
    DbEntry* e = ctx.db().find_quiet(k);
    if (!e) continue;
    if (opts.use_type && !CommandContext::is(opts.type, engine::type_name(e->value.type())))
      continue;
    shown.push_back(k);
  }
  reply_scan(ctx, cursor, shown);
}

void randomkey(CommandContext& ctx) {
  const DbEntry* e = ctx.db().random_entry(ctx.server.rng);
  if (!e) return ctx.reply.null();
  ctx.reply.bulk(e->key());
}

void dbsize(CommandContext& ctx) {
  ctx.reply.integer(static_cast<int64_t>(ctx.db().size()));
}

// FLUSHDB/FLUSHALL take an optional ASYNC or SYNC.
bool parse_flush_mode(CommandContext& ctx) {
  if (ctx.argc() > 2) {
    ctx.error(Errc::Syntax);
    return false;
  }
  if (ctx.argc() == 2 && !CommandContext::is(ctx.arg(1), "ASYNC") &&
      !CommandContext::is(ctx.arg(1), "SYNC")) {
    ctx.error(Errc::Syntax);
    return false;
  }
  return true;
}

void flushdb(CommandContext& ctx) {
  if (!parse_flush_mode(ctx)) return;
  ctx.server.watches.touch_database(ctx.session.db, -1);
  ctx.note_change();
  ctx.db().clear();
  ctx.reply.ok();
}

void flushall(CommandContext& ctx) {
  if (!parse_flush_mode(ctx)) return;
  for (int db = 0; db < ctx.server.keyspace.database_count(); ++db)
    ctx.server.watches.touch_database(db, -1);
  ctx.note_change();
  ctx.server.persistence.kill_rdb_child();  // its dump would bring the data back
  ctx.server.keyspace.flush_all();
  // As Redis: with save points, FLUSHALL also empties the dump, so a restart cannot bring the
  // data back. A failed save does not fail the FLUSHALL.
  if (save_points_configured(ctx.server.settings())) {
    try {
      save_snapshot(ctx.server);
    } catch (const std::exception&) {
    }
  }
  ctx.reply.ok();
}

void swapdb(CommandContext& ctx) {
  int64_t a, b;
  if (!util::parse_i64(ctx.arg(1), a) || a < INT32_MIN || a > INT32_MAX)
    return ctx.error(Errc::InvalidFirstDbIndex);
  if (!util::parse_i64(ctx.arg(2), b) || b < INT32_MIN || b > INT32_MAX)
    return ctx.error(Errc::InvalidSecondDbIndex);
  int n = ctx.server.keyspace.database_count();
  if (a < 0 || a >= n || b < 0 || b >= n) return ctx.error(Errc::DbIndexOutOfRange);
  if (a != b) {
    // WATCH follows database indexes, not contents: each side's watchers see the other's keys.
    ctx.server.watches.touch_database(static_cast<int>(a), static_cast<int>(b));
    ctx.server.watches.touch_database(static_cast<int>(b), static_cast<int>(a));
    ctx.note_change();
    ctx.server.keyspace.swap(static_cast<int>(a), static_cast<int>(b));
    ctx.server.blocking.databases_swapped(static_cast<int>(a), static_cast<int>(b));
  }
  ctx.reply.ok();
}

void select(CommandContext& ctx) {
  int index;
  if (!parse_db_index(ctx, ctx.arg(1), index)) return;
  ctx.session.db = index;
  ctx.reply.ok();
}

constexpr CommandSpec kKeyCommands[] = {
    {.name = "del",
     .arity = -2,
     .flags = kWrite,
     .keys = {1, -1, 1},
     .group = Group::Generic,
     .since = "1.0.0",
     .summary = "Delete a key",
     .complexity = "O(N) where N is the number of keys that will be removed.",
     .syntax = "key [key ...]",
     .handler = del},
    {.name = "unlink",
     .arity = -2,
     .flags = kWrite | kFast,
     .keys = {1, -1, 1},
     .group = Group::Generic,
     .since = "4.0.0",
     .summary = "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but "
                "non blocking.",
     .complexity = "O(1) for each key removed regardless of its size.",
     .syntax = "key [key ...]",
     .handler = del},
    {.name = "exists",
     .arity = -2,
     .flags = kReadonly | kFast,
     .keys = {1, -1, 1},
     .group = Group::Generic,
     .since = "1.0.0",
     .summary = "Determine if a key exists",
     .complexity = "O(N) where N is the number of keys to check.",
     .syntax = "key [key ...]",
     .handler = exists},
    {.name = "touch",
     .arity = -2,
     .flags = kReadonly | kFast,
     .keys = {1, -1, 1},
     .group = Group::Generic,
     .since = "3.2.1",
     .summary =
         "Alters the last access time of a key(s). Returns the number of existing keys specified.",
     .complexity = "O(N) where N is the number of keys that will be touched.",
     .syntax = "key [key ...]",
     .handler = touch},
    {.name = "type",
     .arity = 2,
     .flags = kReadonly | kFast,
     .keys = {1, 1, 1},
     .group = Group::Generic,
     .since = "1.0.0",
     .summary = "Determine the type stored at key",
     .complexity = "O(1)",
     .syntax = "key",
     .handler = type},
    {.name = "rename",
     .arity = 3,
     .flags = kWrite,
     .keys = {1, 2, 1},
     .group = Group::Generic,
     .since = "1.0.0",
     .summary = "Rename a key",
     .complexity = "O(1)",
     .syntax = "key newkey",
     .handler = rename},
    {.name = "renamenx",
     .arity = 3,
     .flags = kWrite | kFast,
     .keys = {1, 2, 1},
     .group = Group::Generic,
     .since = "1.0.0",
     .summary = "Rename a key, only if the new key does not exist",
     .complexity = "O(1)",
     .syntax = "key newkey",
     .handler = renamenx},
    {.name = "move",
     .arity = 3,
     .flags = kWrite | kFast,
     .keys = {1, 1, 1},
     .group = Group::Generic,
     .since = "1.0.0",
     .summary = "Move a key to another database",
     .complexity = "O(1)",
     .syntax = "key db",
     .handler = move},
    {.name = "copy",
     .arity = -3,
     .flags = kWrite | kDenyOom,
     .keys = {1, 2, 1},
     .group = Group::Generic,
     .since = "6.2.0",
     .summary = "Copy a key",
     .complexity = "O(N) worst case for collections, where N is the number of nested items. O(1) "
                   "for string values.",
     .syntax = "source destination [DB destination-db] [REPLACE]",
     .handler = copy},
    {.name = "keys",
     .arity = 2,
     .flags = kReadonly,
     .group = Group::Generic,
     .since = "1.0.0",
     .summary = "Find all keys matching the given pattern",
     .complexity = "O(N) with N being the number of keys in the database, under the assumption "
                   "that the key names in the database and the given pattern have limited length.",
     .syntax = "pattern",
     .handler = keys},
    {.name = "scan",
     .arity = -2,
     .flags = kReadonly,
     .group = Group::Generic,
     .since = "2.8.0",
     .summary = "Incrementally iterate the keys space",
     .complexity =
         "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
         "the cursor to return back to 0. N is the number of elements inside the collection.",
     .syntax = "cursor [MATCH pattern] [COUNT count] [TYPE type]",
     .handler = scan},
    {.name = "randomkey",
     .arity = 1,
     .flags = kReadonly,
     .group = Group::Generic,
     .since = "1.0.0",
     .summary = "Return a random key from the keyspace",
     .complexity = "O(1)",
     .handler = randomkey},
    {.name = "dbsize",
     .arity = 1,
     .flags = kReadonly | kFast,
     .group = Group::Server,
     .since = "1.0.0",
     .summary = "Return the number of keys in the selected database",
     .complexity = "O(1)",
     .handler = dbsize},
    {.name = "flushdb",
     .arity = -1,
     .flags = kWrite,
     .group = Group::Server,
     .since = "1.0.0",
     .summary = "Remove all keys from the current database",
     .complexity = "O(N) where N is the number of keys in the selected database",
     .syntax = "[ASYNC | SYNC]",
     .handler = flushdb},
    {.name = "flushall",
     .arity = -1,
     .flags = kWrite,
     .group = Group::Server,
     .since = "1.0.0",
     .summary = "Remove all keys from all databases",
     .complexity = "O(N) where N is the total number of keys in all databases",
     .syntax = "[ASYNC | SYNC]",
     .handler = flushall},
    {.name = "swapdb",
     .arity = 3,
     .flags = kWrite | kFast,
     .group = Group::Server,
     .since = "4.0.0",
     .summary = "Swaps two Redis databases",
     .complexity =
         "O(N) where N is the count of clients watching or blocking on keys from both databases.",
     .syntax = "index1 index2",
     .handler = swapdb},
    {.name = "select",
     .arity = 2,
     .flags = kLoading | kStale | kFast,
     .group = Group::Connection,
     .since = "1.0.0",
     .summary = "Change the selected database for the current connection",
     .complexity = "O(1)",
     .syntax = "index",
     .handler = select},
};

}  // namespace

std::span<const CommandSpec> key_commands() {
  return kKeyCommands;
}

}  // namespace cardinal::cmd
