// Persistence commands: SAVE, BGSAVE, BGREWRITEAOF, LASTSAVE.
#include "cardinal/cmd/families.h"
#include "cardinal/cmd/snapshot.h"
#include "cardinal/persist/rdb_error.h"
#include "helpers.h"

namespace cardinal::cmd {

namespace {

void save(CommandContext& ctx) {
  Persistence& p = ctx.server.persistence;
  if (p.child_kind() == Persistence::ChildKind::kRdb)
    return ctx.error("ERR Background save already in progress");
  try {
    save_snapshot(ctx.server);
  } catch (const persist::RdbError& e) {
    if (ctx.server.hooks) ctx.server.hooks->log(true, std::string("Error saving DB: ") + e.what());
    // Redis answers a failed SAVE with a bare "-ERR" and explains in its log only.
    return ctx.error("ERR");
  }
  ctx.reply.ok();
}

// BGSAVE [SCHEDULE]
void bgsave(CommandContext& ctx) {
  bool schedule = false;
  if (ctx.argc() > 1) {
    if (ctx.argc() != 2 || !CommandContext::is(ctx.arg(1), "SCHEDULE"))
      return ctx.error(Errc::Syntax);
    schedule = true;
  }
  // Inside EXEC the fork waits for the cron, as in Redis: the transaction finishes first.
  using Start = Persistence::BgsaveStart;
  switch (ctx.server.persistence.bgsave(schedule, ctx.session.in_exec())) {
    case Start::kStarted:
      return ctx.reply.simple("Background saving started");
    case Start::kScheduled:
      return ctx.reply.simple("Background saving scheduled");
    case Start::kAlreadyRunning:
      return ctx.error("ERR Background save already in progress");
    case Start::kOtherChild:
      return ctx.error(
          "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE "
          "SCHEDULE in order to schedule a BGSAVE whenever possible.");
    case Start::kForkFailed:
      return ctx.error("ERR");
  }
}

void bgrewriteaof(CommandContext& ctx) {
  using Start = Persistence::RewriteStart;
  switch (ctx.server.persistence.bgrewriteaof(ctx.session.in_exec())) {
    case Start::kStarted:
      return ctx.reply.simple("Background append only file rewriting started");
    case Start::kScheduled:
      return ctx.reply.simple("Background append only file rewriting scheduled");
    case Start::kAlreadyRunning:
      return ctx.error("ERR Background append only file rewriting already in progress");
    case Start::kFailed:
      return ctx.error(
          "ERR Can't execute an AOF background rewriting. Please check the server logs for more "
          "information.");
  }
}

void lastsave(CommandContext& ctx) {
  ctx.reply.integer(ctx.server.last_save_s);
}

constexpr CommandSpec kCommands[] = {
    {.name = "save",
     .arity = 1,
     .flags = kAdmin | kNoscript | kNoAsyncLoading | kNoMulti,
     .group = Group::Server,
     .since = "1.0.0",
     .summary = "Synchronously save the dataset to disk",
     .complexity = "O(N) where N is the total number of keys in all databases",
     .handler = save},
    {.name = "bgsave",
     .arity = -1,
     .flags = kAdmin | kNoscript | kNoAsyncLoading,
     .group = Group::Server,
     .since = "1.0.0",
     .summary = "Asynchronously save the dataset to disk",
     .complexity = "O(1)",
     .syntax = "[SCHEDULE]",
     .handler = bgsave},
    {.name = "bgrewriteaof",
     .arity = 1,
     .flags = kAdmin | kNoscript | kNoAsyncLoading,
     .group = Group::Server,
     .since = "1.0.0",
     .summary = "Asynchronously rewrite the append-only file",
     .complexity = "O(1)",
     .handler = bgrewriteaof},
    {.name = "lastsave",
     .arity = 1,
     .flags = kLoading | kStale | kFast,
     .group = Group::Server,
     .since = "1.0.0",
     .summary = "Get the UNIX time stamp of the last successful save to disk",
     .complexity = "O(1)",
     .handler = lastsave},
};

}  // namespace

std::span<const CommandSpec> persistence_commands() {
  return kCommands;
}

}  // namespace cardinal::cmd
