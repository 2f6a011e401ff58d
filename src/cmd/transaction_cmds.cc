// MULTI, EXEC, DISCARD, WATCH, UNWATCH. While a transaction is open the dispatcher queues
// commands (answering +QUEUED) and marks it aborted when one is refused; EXEC runs the queue
// through the dispatcher, so each command is checked, timed and counted as if sent alone, and
// blocking commands answer at once (CommandContext::block_on). Clients woken by its writes are
// served after the whole transaction. EXEC of a client whose watched keys changed (WatchRegistry)
// runs nothing and replies null.
#include "cardinal/cmd/dispatcher.h"
#include "cardinal/cmd/families.h"
#include "helpers.h"

namespace cardinal::cmd {

namespace {

void multi(CommandContext& ctx) {
  if (ctx.session.transaction) return ctx.error(Errc::MultiNested);
  ctx.session.transaction = std::make_unique<Transaction>();
  ctx.reply.ok();
}

// EXEC and DISCARD end the watching too, whatever the outcome.
void end_transaction(CommandContext& ctx) {
  ctx.session.transaction.reset();
  ctx.server.watches.unwatch_all(ctx.session);
  ctx.session.watch_dirty = false;
}

void discard(CommandContext& ctx) {
  if (!ctx.session.transaction) return ctx.error(Errc::DiscardWithoutMulti);
  end_transaction(ctx);
  ctx.reply.ok();
}

void watch(CommandContext& ctx) {
  if (ctx.session.in_multi()) return ctx.error(Errc::WatchInsideMulti);
  // A dirty client's EXEC fails whatever else it watches.
  if (!ctx.session.watch_dirty) {
    for (size_t i = 1; i < ctx.argc(); ++i)
      ctx.server.watches.watch(ctx.session, ctx.session.db, ctx.arg(i));
  }
  ctx.reply.ok();
}

void unwatch(CommandContext& ctx) {
  ctx.server.watches.unwatch_all(ctx.session);
  ctx.session.watch_dirty = false;
  ctx.reply.ok();
}

void exec(CommandContext& ctx) {
  Session& session = ctx.session;
  if (!session.transaction) return ctx.error(Errc::ExecWithoutMulti);
  if (session.transaction->aborted) {
    end_transaction(ctx);
    return ctx.error(Errc::ExecAbort);
  }
  if (session.watch_dirty || ctx.server.watches.expired_since_watch(session)) {
    end_transaction(ctx);
    return ctx.reply.null_array();
  }
  // Watching ends before the queue runs: its own writes must not dirty anything.
  ctx.server.watches.unwatch_all(session);
  // The queue stays owned by the transaction while it runs (CLIENT LIST shows flag x and its
  // length); a RESET or QUIT inside it cannot be queued, so nothing frees it meanwhile.
  session.transaction->executing = true;
  const auto& queued = session.transaction->queued;
  ctx.reply.array(queued.size());
  std::vector<std::string_view> views;
  for (const std::vector<std::string>& command : queued) {
    views.assign(command.begin(), command.end());
    execute(ctx.server, session, views);
  }
  const auto& held = session.transaction->propagated;
  if (!held.empty() && ctx.server.propagation) {
    PropagationSink& sink = *ctx.server.propagation;
    const bool wrap = held.size() > 1;
    if (wrap) {
      static constexpr std::string_view kMulti[] = {"MULTI"};
      sink.command(held.front().first, kMulti);
    }
    for (const auto& [db, command] : held) {
      views.assign(command.begin(), command.end());
      sink.command(db, views);
    }
    if (wrap) {
      static constexpr std::string_view kExec[] = {"EXEC"};
      sink.command(session.db, kExec);
    }
  }
  end_transaction(ctx);
  if (ctx.server.blocking.has_ready()) ctx.server.blocking.serve_ready(ctx.server);
}

constexpr uint32_t kTransactionFlags = kNoscript | kLoading | kStale;

constexpr CommandSpec kTransactionCommands[] = {
    {.name = "multi",
     .arity = 1,
     .flags = kTransactionFlags | kFast | kAllowBusy,
     .group = Group::Transactions,
     .since = "1.2.0",
     .summary = "Mark the start of a transaction block",
     .complexity = "O(1)",
     .handler = multi},
    {.name = "exec",
     .arity = 1,
     .flags = kTransactionFlags | kSkipSlowlog,
     .group = Group::Transactions,
     .since = "1.2.0",
     .summary = "Execute all commands issued after MULTI",
     .complexity = "Depends on commands in the transaction",
     .handler = exec},
    {.name = "discard",
     .arity = 1,
     .flags = kTransactionFlags | kFast | kAllowBusy,
     .group = Group::Transactions,
     .since = "2.0.0",
     .summary = "Discard all commands issued after MULTI",
     .complexity = "O(N), when N is the number of queued commands",
     .handler = discard},
    {.name = "watch",
     .arity = -2,
     .flags = kTransactionFlags | kFast | kAllowBusy,
     .keys = {1, -1, 1},
     .group = Group::Transactions,
     .since = "2.2.0",
     .summary = "Watch the given keys to determine execution of the MULTI/EXEC block",
     .complexity = "O(1) for every key.",
     .syntax = "key [key ...]",
     .handler = watch},
    {.name = "unwatch",
     .arity = 1,
     .flags = kTransactionFlags | kFast | kAllowBusy,
     .group = Group::Transactions,
     .since = "2.2.0",
     .summary = "Forget about all watched keys",
     .complexity = "O(1)",
     .handler = unwatch},
};

}  // namespace

std::span<const CommandSpec> transaction_commands() {
  return kTransactionCommands;
}

}  // namespace cardinal::cmd
