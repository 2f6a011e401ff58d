// Dispatcher: runs one parsed command for one session. Every check that applies to all
// commands lives here, once, with Redis's texts and order: unknown command, arity, unknown
// subcommand, authentication; then the handler, statistics, MONITOR feeding (after the
// command, so a SELECT shows its new database as in Redis) and CLIENT REPLY suppression. Never
// throws. Event-loop thread only.
#pragma once

#include <span>
#include <string_view>

#include "cardinal/cmd/server_state.h"
#include "cardinal/cmd/session.h"

namespace cardinal::cmd {

void execute(ServerState& server, Session& session, std::span<const std::string_view> args);

// Re-runs a blocked session's command (BlockingRegistry::serve_ready) with ctx.retrying set.
// Returns false when the command found nothing to serve and stays blocked.
bool rerun_blocked(ServerState& server, Session& session);

}  // namespace cardinal::cmd
