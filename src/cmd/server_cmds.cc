// Server commands: INFO, TIME, SHUTDOWN, MONITOR and DEBUG.
#include <chrono>
#include <string>
#include <thread>

#include "cardinal/cmd/families.h"
#include "cardinal/cmd/snapshot.h"
#include "cardinal/persist/rdb_error.h"
#include "cardinal/util/numbers.h"
#include "helpers.h"
#include "info.h"

namespace cardinal::cmd {

namespace {

void info(CommandContext& ctx) {
  ctx.reply.verbatim(render_info(ctx.server, ctx.args.subspan(1)));
}

void time_cmd(CommandContext& ctx) {
  int64_t us = ctx.server.clock.now_us();
  ctx.reply.array(2);
  ctx.reply.bulk(util::i64_to_string(us / 1000000));
  ctx.reply.bulk(util::i64_to_string(us % 1000000));
}

// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, flush, load back.
void debug_reload(CommandContext& ctx) {
  bool merge = false, noflush = false, nosave = false;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    std::string_view a = ctx.arg(i);
    if (CommandContext::is(a, "MERGE")) {
      merge = true;
    } else if (CommandContext::is(a, "NOFLUSH")) {
      noflush = true;
    } else if (CommandContext::is(a, "NOSAVE")) {
      nosave = true;
    } else {
      return ctx.error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
    }
  }
  if (!nosave) {
    try {
      save_snapshot(ctx.server);
    } catch (const persist::RdbError&) {
      return ctx.error("ERR");
    }
  }
  if (!noflush) {
    for (int db = 0; db < ctx.server.keyspace.database_count(); ++db)
      ctx.server.watches.touch_database(db, -1);
    ctx.server.keyspace.flush_all();
  }
  bool loaded = false;
  try {
    loaded = load_snapshot(ctx.server, merge).has_value();
  } catch (const persist::RdbError&) {
  }
  if (!loaded) return ctx.error("ERR Error trying to load the RDB dump, check server logs.");
  ctx.reply.ok();
}

void shutdown(CommandContext& ctx) {
  for (size_t i = 1; i < ctx.argc(); ++i) {
    std::string_view a = ctx.arg(i);
    if (!CommandContext::is(a, "NOSAVE") && !CommandContext::is(a, "SAVE") &&
        !CommandContext::is(a, "NOW") && !CommandContext::is(a, "FORCE") &&
        !CommandContext::is(a, "ABORT")) {
      return ctx.error(Errc::Syntax);
    }
    if (CommandContext::is(a, "ABORT")) return ctx.error(Errc::NoShutdownInProgress);
  }
  bool nosave = false, save = false, force = false;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    nosave = nosave || CommandContext::is(ctx.arg(i), "NOSAVE");
    save = save || CommandContext::is(ctx.arg(i), "SAVE");
    force = force || CommandContext::is(ctx.arg(i), "FORCE");
  }
  // As Redis: the dump is written when save points exist, or when asked to; a client that
  // gets no reply was shut down.
  bool want_save = save || (!nosave && save_points_configured(ctx.server.settings()));
  if (ctx.server.hooks && !ctx.server.hooks->shutdown(want_save, force))
    return ctx.error("ERR Errors trying to SHUTDOWN. Check logs.");
}

void monitor(CommandContext& ctx) {
  if (!ctx.session.monitor) {
    ctx.session.monitor = true;
    ctx.server.monitors.push_back(&ctx.session);
  }
  ctx.reply.ok();
}

bool debug_allowed(CommandContext& ctx) {
  const std::string& mode = ctx.server.settings().enable_debug_command;
  if (mode == "yes") return true;
  if (mode == "local" &&
      (ctx.session.unix_socket || ctx.session.addr.starts_with("127.") ||
       ctx.session.addr.starts_with("[::1]") || ctx.session.addr.starts_with("::1")))
    return true;
  ctx.error(Errc::DebugNotAllowed);
  return false;
}

void debug(CommandContext& ctx) {
  if (!debug_allowed(ctx)) return;
  std::string_view sub = ctx.arg(1);
  if (CommandContext::is(sub, "SLEEP") && ctx.argc() == 3) {
    // As in Redis, the whole server sleeps: that is what the command is for.
    double seconds = std::strtod(std::string(ctx.arg(2)).c_str(), nullptr);
    if (seconds > 0)
      std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(seconds * 1e6)));
    return ctx.reply.ok();
  }
  if (CommandContext::is(sub, "SET-ACTIVE-EXPIRE") && ctx.argc() == 3) {
    ctx.server.active_expire_enabled = ctx.arg(2) != "0";
    return ctx.reply.ok();
  }
  if (CommandContext::is(sub, "OBJECT") && ctx.argc() == 3) {
    engine::DbEntry* e = ctx.db().find_quiet(ctx.arg(2));
    if (!e) return ctx.error(Errc::NoSuchKey);
    std::string line =
        "Value at:0x0 refcount:1 encoding:" +
        std::string(engine::encoding_name(e->value.encoding())) + " serializedlength:" +
        std::to_string(e->value.is_string() ? e->value.string_length() : e->value.memory_bytes()) +
        " lru:0 lru_seconds_idle:" + std::to_string(e->idle_seconds(ctx.now_ms()));
    return ctx.reply.simple(line);
  }
  if (CommandContext::is(sub, "RELOAD")) return debug_reload(ctx);
  if (CommandContext::is(sub, "HELP") && ctx.argc() == 2) {
    static constexpr std::string_view kLines[] = {
        "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "OBJECT <key>",
        "    Show low level info about the `key` and associated value.",
        "RELOAD [option ...]",
        "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
        "    * MERGE: conflicting keys will be loaded from RDB.",
        "    * NOFLUSH: the existing database will not be removed before load, but",
        "      conflicting keys will generate an exception and kill the server.",
        "    * NOSAVE: the database will be loaded from an existing RDB file.",
        "    Examples:",
        "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
        "      the database.",
        "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
        "      existing RDB file.",
        "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
        "      file to the database.",
        "SET-ACTIVE-EXPIRE <0|1>",
        "    Setting it to 0 disables expiring keys in background when they are not accessed.",
        "SLEEP <seconds>",
        "    Stop the server for <seconds>. Decimals allowed.",
        "HELP",
        "    Print this help.",
    };
    ctx.reply.array(std::size(kLines));
    for (std::string_view l : kLines) ctx.reply.simple(l);
    return;
  }
  ctx.error(Errc::DebugUnknownSubcommand, sub);
}

constexpr CommandSpec kServerCommands[] = {
    {.name = "info",
     .arity = -1,
     .flags = kLoading | kStale | kSentinel,
     .group = Group::Server,
     .since = "1.0.0",
     .summary = "Get information and statistics about the server",
     .complexity = "O(1)",
     .syntax = "[section [section ...]]",
     .handler = info},
    {.name = "time",
     .arity = 1,
     .flags = kLoading | kStale | kFast,
     .group = Group::Server,
     .since = "2.6.0",
     .summary = "Return the current server time",
     .complexity = "O(1)",
     .handler = time_cmd},
    {.name = "shutdown",
     .arity = -1,
     .flags = kAdmin | kNoscript | kLoading | kStale | kNoMulti | kSentinel | kAllowBusy,
     .group = Group::Server,
     .since = "1.0.0",
     .summary = "Synchronously save the dataset to disk and then shut down the server",
     .complexity = "O(N) when saving, where N is the total number of keys in all databases when "
                   "saving data, otherwise O(1)",
     .syntax = "[NOSAVE | SAVE] [NOW] [FORCE] [ABORT]",
     .handler = shutdown},
    {.name = "monitor",
     .arity = 1,
     .flags = kAdmin | kNoscript | kLoading | kStale,
     .group = Group::Server,
     .since = "1.0.0",
     .summary = "Listen for all requests received by the server in real time",
     .handler = monitor},
    {.name = "debug",
     .arity = -2,
     .flags = kAdmin | kNoscript | kLoading | kStale,
     .group = Group::Server,
     .since = "1.0.0",
     .summary = "A container for debugging commands",
     .complexity = "Depends on subcommand.",
     .syntax = "subcommand [argument ...]",
     .handler = debug},
};

}  // namespace

std::span<const CommandSpec> server_commands() {
  return kServerCommands;
}

}  // namespace cardinal::cmd
