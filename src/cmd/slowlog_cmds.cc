// SLOWLOG GET/LEN/RESET/HELP over ServerState::slowlog (filled by the dispatcher).
#include "cardinal/cmd/families.h"
#include "cardinal/util/numbers.h"
#include "helpers.h"

namespace cardinal::cmd {

namespace {

void slowlog_get(CommandContext& ctx) {
  if (ctx.argc() > 3) return ctx.error(Errc::SlowlogSubcommandArity, ctx.arg(1));
  int64_t count = 10;
  if (ctx.argc() == 3 && (!util::parse_i64(ctx.arg(2), count) || count < -1))
    return ctx.error(Errc::SlowlogCountRange);
  const auto& entries = ctx.server.slowlog.entries();
  size_t n = count < 0 ? entries.size() : std::min(entries.size(), static_cast<size_t>(count));
  ctx.reply.array(n);
  for (size_t i = 0; i < n; ++i) {
    const SlowLog::Entry& e = entries[i];
    ctx.reply.array(6);
    ctx.reply.integer(static_cast<int64_t>(e.id));
    ctx.reply.integer(e.unix_seconds);
    ctx.reply.integer(e.duration_us);
    ctx.reply.array(e.args.size());
    for (const std::string& a : e.args) ctx.reply.bulk(a);
    ctx.reply.bulk(e.addr);
    ctx.reply.bulk(e.client_name);
  }
}

void slowlog_len(CommandContext& ctx) {
  ctx.reply.integer(static_cast<int64_t>(ctx.server.slowlog.entries().size()));
}

void slowlog_reset(CommandContext& ctx) {
  ctx.server.slowlog.reset();
  ctx.reply.ok();
}

void slowlog_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET [<count>]",
      "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
      "    Entries are made of:",
      "    id, timestamp, time in microseconds, arguments array, client IP and port,",
      "    client name",
      "LEN",
      "    Return the length of the slowlog.",
      "RESET",
      "    Reset the slowlog.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.array(std::size(kLines));
  for (std::string_view l : kLines) ctx.reply.simple(l);
}

constexpr uint32_t kSlowlogFlags = kAdmin | kLoading | kStale;

constexpr CommandSpec kSlowlogSubcommands[] = {
    {.name = "slowlog|get",
     .arity = -2,
     .flags = kSlowlogFlags,
     .group = Group::Server,
     .since = "2.2.12",
     .summary = "Get the slow log's entries",
     .complexity = "O(N) where N is the number of entries returned",
     .syntax = "[count]",
     .handler = slowlog_get},
    {.name = "slowlog|len",
     .arity = 2,
     .flags = kSlowlogFlags,
     .group = Group::Server,
     .since = "2.2.12",
     .summary = "Get the slow log's length",
     .complexity = "O(1)",
     .handler = slowlog_len},
    {.name = "slowlog|reset",
     .arity = 2,
     .flags = kSlowlogFlags,
     .group = Group::Server,
     .since = "2.2.12",
     .summary = "Clear all entries from the slow log",
     .complexity = "O(N) where N is the number of entries in the slowlog",
     .handler = slowlog_reset},
    {.name = "slowlog|help",
     .arity = 2,
     .flags = kLoading | kStale,
     .group = Group::Server,
     .since = "6.2.0",
     .summary = "Show helpful text about the different subcommands",
     .complexity = "O(1)",
     .handler = slowlog_help},
};

constexpr CommandSpec kSlowlogCommands[] = {
    {.name = "slowlog",
     .arity = -2,
     .group = Group::Server,
     .since = "2.2.12",
     .summary = "A container for slow log commands",
     .complexity = "Depends on subcommand.",
     .subcommands = kSlowlogSubcommands},
};

}  // namespace

std::span<const CommandSpec> slowlog_commands() {
  return kSlowlogCommands;
}

}  // namespace cardinal::cmd
