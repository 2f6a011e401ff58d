// MULTI, EXEC, DISCARD. While a transaction is open the dispatcher queues commands (answering
// +QUEUED) and marks it aborted when one is refused; EXEC runs the queue through the dispatcher,
// so each command is checked, timed and counted as if sent alone, and blocking commands answer
// at once (CommandContext::block_on). Clients woken by its writes are served after the whole
// transaction. WATCH is not implemented yet (issue 7).
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

void discard(CommandContext& ctx) {
  if (!ctx.session.transaction) return ctx.error(Errc::DiscardWithoutMulti);
  ctx.session.transaction.reset();
  ctx.reply.ok();
}

void exec(CommandContext& ctx) {
  Session& session = ctx.session;
  if (!session.transaction) return ctx.error(Errc::ExecWithoutMulti);
  if (session.transaction->aborted) {
    session.transaction.reset();
    return ctx.error(Errc::ExecAbort);
  }
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
  session.transaction.reset();
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
};

}  // namespace

std::span<const CommandSpec> transaction_commands() {
  return kTransactionCommands;
}

}  // namespace cardinal::cmd
